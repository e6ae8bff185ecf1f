"""A hand-computed month through the real ingest paths (USB file, ADMS push) and the real report
files, evaluated on servers in three zones: a unit declared Asia/Ho_Chi_Minh gets the same figures."""

from __future__ import annotations

from datetime import UTC, datetime

from attendance.leave_charge import leave_balance
from attendance.queries import person_month
from attendance.reports.export import render, report_data
from attendance.reports.writers.xlsx_timesheet import DAY_COLUMN, FIRST_ROW
from tests.figures import november
from tests.reports.readback import workbook

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)


def _report(session, kind: str) -> dict:
    return report_data(session=session, kind=kind, unit_path=november.ROOT, month=november.MONTH, now=NOW)


def test_discipline_figures_match_the_hand_computed_month(session, web, tmp_path) -> None:
    november.build(session, web, tmp_path)
    data = _report(session, "discipline")
    assert [p["full_name"] for p in data["people"]] == list(november.PEOPLE)
    for person in data["people"]:
        want = november.PEOPLE[person["full_name"]]
        assert {key: person[key] for key in want} == want, person["full_name"]
    rows = list(workbook(render(data, "xlsx")).worksheets[0].iter_rows(values_only=True))
    header = next(r for r in rows if r and "Họ và tên" in r)
    an = dict(zip(header, next(r for r in rows if r and "Nguyễn Văn An" in r), strict=True))
    assert (an["Buổi có mặt"], an["Đi muộn (lần)"], an["Đi muộn đã giải trình (phút)"]) == (42, 0, 37)
    assert an["Thiếu chấm công đã giải trình"] == 1 and not an["Vắng có lý do theo loại"]


def test_timesheet_file_matches_the_hand_computed_month(session, web, tmp_path) -> None:
    november.build(session, web, tmp_path)
    sheet = workbook(render(_report(session, "timesheet"), "xlsx"))["Văn phòng"]
    for index, (name, (cells, time_days, unpaid, insurance)) in enumerate(november.TIMESHEET.items()):
        row = FIRST_ROW + index
        assert sheet.cell(row, 2).value == name
        assert [sheet.cell(row, DAY_COLUMN + d).value or "" for d in range(31)] == cells, name
        assert [sheet.cell(row, DAY_COLUMN + 31 + k).value for k in range(3)] == [time_days, unpaid, insurance]


def test_leave_is_charged_in_working_sessions_everywhere(session, web, tmp_path) -> None:
    world = november.build(session, web, tmp_path)
    assert leave_balance(session=session, staff=world.binh, year=2026).used_days == november.LEAVE_USED_DAYS
    month = person_month(session=session, staff_id=world.binh.id, year=2026, month=11, now=NOW)
    assert month["leave_balance"]["used_days"] == november.LEAVE_USED_DAYS
    assert month["totals"]["excused_sessions"] * 0.5 == november.LEAVE_USED_DAYS
    page = web.get(f"/api/staff/{world.binh.id}/month?year=2026&month=11", headers=_admin(session))
    assert page.status_code == 200 and page.json()["leave_balance"]["used_days"] == november.LEAVE_USED_DAYS


def test_raw_punches_and_board_are_shown_in_the_units_zone(session, web, tmp_path) -> None:
    world = november.build(session, web, tmp_path)
    month = person_month(session=session, staff_id=world.an.id, year=2026, month=11, now=NOW)
    assert month["punches"][0]["at"].startswith("2026-11-02T08:07")
    board = web.get(f"/api/units/{world.root.id}/board?day=2026-11-02", headers=_admin(session)).json()
    an = next(r for r in board["staff"] if r["full_name"] == "Nguyễn Văn An")
    assert (an["morning"]["check_in"], an["morning"]["status"], an["morning"]["explained_late_minutes"]) == (
        "08:07:00", "present", 37)
    assert an["afternoon"]["check_out"] == "17:05:00" and an["afternoon"]["status"] == "present"


def _admin(session) -> dict[str, str]:
    from tests.api.helpers import admin_headers

    return admin_headers(session, grants="")


def test_the_approval_preview_charges_what_the_balance_will(session, web, tmp_path) -> None:
    from api.pages.requests import request_effect
    from attendance.leave import decide, file_request

    world = november.build(session, web, tmp_path)
    # Wed 25/11 to Mon 30/11: 25, 26, 27, the make-up Saturday 28 and 30 are workdays; Sunday 29 is not.
    row = file_request(session=session, staff=world.an, type="leave", kind="annual_leave",
                       start_date=datetime(2026, 11, 25).date(), end_date=datetime(2026, 11, 30).date(),
                       reason="", actor="staff")
    before = leave_balance(session=session, staff=world.an, year=2026).remaining_days
    effect = request_effect(session=session, request=row, language="vi")
    assert f"Phép năm còn lại: {before:g} → {before - 5:g} ngày" in effect["summary"]
    decide(session=session, request=row, approve=True, actor="head")
    assert leave_balance(session=session, staff=world.an, year=2026).remaining_days == before - 5
