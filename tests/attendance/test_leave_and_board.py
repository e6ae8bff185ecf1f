"""Requests excuse sessions; manual punches are new entries; the day board and a person's month."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from attendance.errors import Conflict, InvalidInput, OutsideEmployment
from attendance.leave import add_manual_punch, decide, file_request
from attendance.leave_charge import leave_balance
from attendance.models import AuditEntry, Punch
from attendance.queries import board_json, day_board, person_month
from attendance.staff import move_staff
from tests.factories import make_staff, make_unit, punch_at

MONDAY = date(2026, 11, 23)
AFTER = datetime(2026, 11, 30, tzinfo=UTC)


def d(h: int, m: int, day: date = MONDAY) -> datetime:
    return datetime(day.year, day.month, day.day, h, m)


def statuses(rows, code):
    row = next(r for r in rows if r.code == code)
    return row.day.morning.status.value, row.day.afternoon.status.value


def test_day_board_shows_each_person_both_sessions(session) -> None:
    unit = make_unit(session)
    on_time = make_staff(session, unit, code="A1", full_name="Trần Thị Bình")
    late = make_staff(session, unit, code="A2", full_name="Lê Văn Cường")
    absent = make_staff(session, unit, code="A3", full_name="Phạm Thị Dung")
    punch_at(session, on_time, d(7, 20), d(11, 35), d(13, 25), d(17, 1))
    punch_at(session, late, d(7, 50), d(11, 30), d(13, 31))
    rows = day_board(session=session, unit=unit, day=MONDAY, now=AFTER)
    assert statuses(rows, "A1") == ("present", "present")
    assert statuses(rows, "A2") == ("late", "missing_check_out")
    assert statuses(rows, "A3") == ("absent", "absent")
    assert next(r for r in rows if r.code == "A2").day.morning.late_minutes == 20
    payload = board_json(rows, unit, MONDAY)
    assert payload["summary"]["late_count"] == 1 and payload["summary"]["absent_sessions"] == 2
    assert absent.id in {row["staff_id"] for row in payload["staff"]}


def test_approved_leave_excuses_and_rejected_does_not(session) -> None:
    unit = make_unit(session)
    staff = make_staff(session, unit, code="B1")
    leave = file_request(session=session, staff=staff, type="leave", kind="annual_leave", start_date=MONDAY,
                         part="afternoon", reason="việc gia đình", actor="B1")
    punch_at(session, staff, d(7, 25), d(11, 31))
    assert statuses(day_board(session=session, unit=unit, day=MONDAY, now=AFTER), "B1") == ("present", "absent")
    decide(session=session, request=leave, approve=True, actor="head", comment="đồng ý")
    rows = day_board(session=session, unit=unit, day=MONDAY, now=AFTER)
    assert statuses(rows, "B1") == ("present", "excused")
    assert rows[0].day.afternoon.excuse_kind == "annual_leave"
    with pytest.raises(Conflict):
        decide(session=session, request=leave, approve=False, actor="head")
    actions = [e.action for e in session.exec(select(AuditEntry).order_by(AuditEntry.id))]
    assert "leave.file" in actions and "leave.approved" in actions
    assert leave_balance(session=session, staff=staff, year=2026).used_days == 0.5


def test_explanation_plus_manual_punch(session) -> None:
    unit = make_unit(session)
    staff = make_staff(session, unit, code="C1")
    punch_at(session, staff, d(7, 25), d(13, 25), d(17, 2))
    request = file_request(session=session, staff=staff, type="explanation", kind=None, start_date=MONDAY,
                           part="morning", reason="Tôi đã chấm nhưng máy không nhận", actor="C1")
    decide(session=session, request=request, approve=True, actor="head")
    result = add_manual_punch(session=session, staff=staff, at=datetime(2026, 11, 23, 4, 31, tzinfo=UTC),
                              reason="giải trình được duyệt", actor="hr")
    assert result.stored == 1
    manual = session.exec(select(Punch).where(Punch.source == "manual")).one()
    assert manual.note == "giải trình được duyệt" and manual.created_by == "hr"
    assert len(session.exec(select(Punch)).all()) == 4


def test_bad_requests_get_clear_errors(session) -> None:
    staff = make_staff(session, code="D1", start_date=date(2026, 11, 10))
    with pytest.raises(OutsideEmployment):
        file_request(session=session, staff=staff, type="leave", kind="sick", start_date=date(2026, 11, 1),
                     actor="D1")
    with pytest.raises(InvalidInput, match="unknown leave kind"):
        file_request(session=session, staff=staff, type="leave", kind="holiday", start_date=MONDAY, actor="D1")
    with pytest.raises(InvalidInput, match="ends before"):
        file_request(session=session, staff=staff, type="leave", kind="sick", start_date=MONDAY,
                     end_date=date(2026, 11, 20), actor="D1")
    with pytest.raises(InvalidInput, match="needs a reason"):
        add_manual_punch(session=session, staff=staff, at=datetime(2026, 11, 23, 1, tzinfo=UTC), reason=" ",
                         actor="hr")
    file_request(session=session, staff=staff, type="leave", kind="sick", start_date=MONDAY, actor="D1")
    with pytest.raises(Conflict, match="overlaps"):
        file_request(session=session, staff=staff, type="leave", kind="annual_leave", start_date=MONDAY,
                     part="morning", actor="D1")


def test_person_month_and_moves_between_units(session) -> None:
    office = make_unit(session, "UBND xã Tân Phú / Văn phòng")
    finance = make_unit(session, "UBND xã Tân Phú / Phòng Kinh tế")
    staff = make_staff(session, office, code="E1", start_date=date(2026, 11, 10))
    punch_at(session, staff, d(7, 40, date(2026, 11, 16)), d(11, 30, date(2026, 11, 16)))
    move_staff(session=session, staff=staff, unit_id=finance.id, effective=date(2026, 11, 20), actor="hr")
    month = person_month(session=session, staff_id=staff.id, year=2026, month=11, now=AFTER)
    by_day = {day["date"]: day for day in month["days"]}
    assert by_day["2026-11-09"]["morning"]["status"] == "not_employed"
    assert by_day["2026-11-16"]["morning"]["late_minutes"] == 10
    assert by_day["2026-11-24"]["morning"]["status"] == "holiday"  # Ngày Văn hóa Việt Nam
    assert [p["at"] for p in month["punches"]] == ["2026-11-16T07:40:00", "2026-11-16T11:30:00"]
    before_move = {r.code for r in day_board(session=session, unit=office, day=date(2026, 11, 19), now=AFTER)}
    after_move = {r.code for r in day_board(session=session, unit=office, day=date(2026, 11, 20), now=AFTER)}
    assert before_move == {"E1"} and after_move == set()
    assert {r.code for r in day_board(session=session, unit=finance, day=date(2026, 11, 20), now=AFTER)} == {"E1"}
