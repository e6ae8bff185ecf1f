"""Report rules (thresholds, symbols) as configuration; people who move; a month still running."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from typer.testing import CliRunner

from api.cli.main import app as cli
from attendance.errors import InvalidInput
from attendance.reports.config import DEFAULT_SYMBOLS, SymbolSet, rules_for, set_report_rules
from attendance.reports.export import report_data
from attendance.staff import move_staff
from tests.factories import make_staff, make_unit, punch_at
from tests.reports import scenario


def test_nearest_unit_and_latest_date_win(session) -> None:
    root, office = make_unit(session, scenario.ROOT), make_unit(session, scenario.OFFICE)
    set_report_rules(session=session, unit_id=None, valid_from=date(2025, 1, 1), thresholds={"late_count": 5},
                     actor="hr")
    set_report_rules(session=session, unit_id=root.id, valid_from=date(2025, 1, 1), thresholds={"late_count": 4},
                     actor="hr")
    set_report_rules(session=session, unit_id=root.id, valid_from=date(2026, 6, 1), thresholds={"late_count": 2},
                     actor="hr")
    assert rules_for(session=session, unit=office, on=date(2026, 1, 1)).thresholds.late_count == 4
    assert rules_for(session=session, unit=office, on=date(2026, 6, 1)).thresholds.late_count == 2
    assert rules_for(session=session, unit=make_unit(session, "UBND xã Khác"), on=date(2026, 1, 1)
                     ).thresholds.late_count == 5
    assert rules_for(session=session, unit=office, on=date(2024, 1, 1)).thresholds.late_count == 3  # default


@pytest.mark.parametrize("thresholds, symbols", [
    ({"late_cuont": 3}, None),
    ({"late_count": 0}, None),
    (None, {"worked": "X"}),
    (None, {"excuses": {"annual_leave": "P"}}),
])
def test_bad_rules_are_refused_with_a_clear_error(session, thresholds, symbols) -> None:
    with pytest.raises(InvalidInput, match="invalid report rules"):
        set_report_rules(session=session, unit_id=None, valid_from=date(2026, 1, 1), thresholds=thresholds,
                         symbols=symbols, actor="hr")


@pytest.mark.db_independent
def test_default_symbols_follow_circular_107() -> None:
    codes = {s.code: s for s in DEFAULT_SYMBOLS.symbols}
    assert {"+", "Ô", "Cô", "Ts", "T", "P", "H", "Nb", "No", "N", "LĐ"} <= set(codes)
    assert all(not codes[c].local for c in ("+", "Ô", "Cô", "Ts", "T", "P", "H", "Nb", "No", "N", "LĐ"))
    assert all(codes[c].local for c in ("L", "CT", "R"))
    assert SymbolSet.model_validate(DEFAULT_SYMBOLS.model_dump()) == DEFAULT_SYMBOLS


def test_cli_sets_and_shows_rules(session, tmp_path) -> None:
    make_unit(session, scenario.OFFICE)
    session.commit()
    runner = CliRunner()
    symbols = tmp_path / "symbols.json"
    custom = DEFAULT_SYMBOLS.model_dump(mode="json") | {"absent": "V", "name": "Quy chế 12/QC-UBND"}
    symbols.write_text(json.dumps(custom, ensure_ascii=False), "utf-8")
    done = runner.invoke(cli, ["report", "set-rules", "--unit", scenario.OFFICE, "--from", "2026-01-01",
                               "--thresholds", '{"late_count": 2, "absent_sessions": null}',
                               "--symbols", str(symbols)])
    assert done.exit_code == 0, done.output
    shown = runner.invoke(cli, ["report", "show-rules", "--unit", scenario.OFFICE, "--on", "2026-02-01"])
    rules = json.loads(shown.stdout)
    assert rules["thresholds"]["late_count"] == 2 and rules["thresholds"]["absent_sessions"] is None
    assert rules["symbols"]["absent"] == "V" and rules["symbols"]["name"] == "Quy chế 12/QC-UBND"
    bad = runner.invoke(cli, ["report", "set-rules", "--from", "2026-01-01", "--thresholds", "{late"])
    assert bad.exit_code == 2 and "not valid JSON" in bad.output


def test_a_person_who_moves_appears_on_both_departments_timesheets(session) -> None:
    office, land = make_unit(session, scenario.OFFICE), make_unit(session, scenario.LAND)
    person = make_staff(session, office, full_name="Đỗ Thị Hương", start_date=date(2020, 1, 1))
    move_staff(session=session, staff=person, unit_id=land.id, effective=date(2026, 3, 16), actor="hr")
    punch_at(session, person, *(datetime(2026, 3, d, h, m) for d in (13, 16)
                                for h, m in ((7, 25), (11, 35), (13, 25), (17, 5))))
    session.commit()
    now = datetime(2026, 4, 2, tzinfo=UTC)
    data = report_data(session=session, kind="timesheet", unit_path=scenario.ROOT, month="2026-03", now=now)
    rows = {s["department"]: s["rows"][0] for s in data["sheets"]}
    assert rows["Văn phòng"]["cells"][12] == "+" and rows["Văn phòng"]["cells"][15] == ""
    assert rows["Địa chính"]["cells"][12] == "" and rows["Địa chính"]["cells"][15] == "+"
    # 10 workdays in 1-15/3 and 12 in 16-31/3; only the 13th and the 16th were worked.
    assert (rows["Văn phòng"]["time_days"], rows["Văn phòng"]["unpaid_days"]) == (1, 9)
    assert (rows["Địa chính"]["time_days"], rows["Địa chính"]["unpaid_days"]) == (1, 11)
    people = report_data(session=session, kind="discipline", unit_path=scenario.ROOT, month="2026-03", now=now)
    assert [(p["department"], p["sessions_scheduled"]) for p in people["people"]] == [("Địa chính", 44)]


def test_a_month_in_progress_leaves_the_future_blank(session) -> None:
    person = make_staff(session, make_unit(session, scenario.OFFICE), start_date=date(2020, 1, 1))
    punch_at(session, person, datetime(2026, 3, 11, 7, 25), datetime(2026, 3, 11, 11, 35))
    session.commit()
    now = datetime(2026, 3, 11, 5, 0, tzinfo=UTC)  # 12:00 on Wednesday 11 March in Vietnam
    row = report_data(session=session, kind="timesheet", unit_path=scenario.ROOT, month="2026-03",
                      now=now)["sheets"][0]["rows"][0]
    assert row["cells"][10] == "+/" and row["cells"][11:] == [""] * 20  # the afternoon is not over yet
    person_row = report_data(session=session, kind="discipline", unit_path=scenario.ROOT, month="2026-03",
                             now=now)["people"][0]
    assert person_row["not_yet_due"] == 1 + 2 * 14  # this afternoon and 14 workdays to come
    assert person_row["absent_sessions"] == 2 * 7  # 2-10 March, nobody punched


def test_markup_characters_in_names_are_printed_as_they_are(session) -> None:
    from attendance.reports.export import render
    from tests.reports.readback import pdf_text

    unit = make_unit(session, f"{scenario.ROOT} / Phòng Tài chính & Kế hoạch <TC-KH>")
    person = make_staff(session, unit, full_name="Ngô Thị <Lan> & Co", start_date=date(2020, 1, 1))
    person.position = "Chuyên viên <A&B>"
    session.commit()
    now = datetime(2026, 4, 2, tzinfo=UTC)
    for kind in ("discipline", "timesheet"):
        text = pdf_text(render(report_data(session=session, kind=kind, unit_path=scenario.ROOT, month="2026-03",
                                           now=now), "pdf"))
        assert "Phòng Tài chính & Kế hoạch <TC-KH>" in text and "Ngô Thị <Lan> & Co" in text
    assert "<A&B>" in text  # the position, wrapped in its narrow column


def test_a_formula_looking_name_stays_text_in_xlsx_and_csv(session) -> None:
    from attendance.reports.export import render
    from tests.reports.readback import workbook

    make_staff(session, make_unit(session, scenario.OFFICE), full_name='=HYPERLINK("http://x","Bấm")',
               start_date=date(2020, 1, 1))
    session.commit()
    data = report_data(session=session, kind="discipline", unit_path=scenario.ROOT, month="2026-03",
                       now=datetime(2026, 4, 2, tzinfo=UTC))
    cell = workbook(render(data, "xlsx"))["Cá nhân"].cell(7, 3)
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x","Bấm")', "s")
    assert "'=HYPERLINK" in render(data, "csv").decode("utf-8-sig")


def test_a_unit_without_people_still_gets_every_file(session) -> None:
    from attendance.reports.export import render

    make_unit(session, "UBND xã Trống")
    session.commit()
    for kind in ("discipline", "timesheet"):
        data = report_data(session=session, kind=kind, unit_path="UBND xã Trống", month="2026-03",
                           now=datetime(2026, 4, 2, tzinfo=UTC))
        for fmt in ("json", "csv", "xlsx", "pdf"):
            assert render(data, fmt)
