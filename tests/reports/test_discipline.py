"""Discipline figures of the January scenario against hand-computed values."""

from __future__ import annotations

from datetime import date

from attendance.reports.config import set_report_rules
from attendance.reports.export import report_data
from tests.reports import expected, scenario
from tests.reports.conftest import NOW


def _report(session, unit: str = scenario.ROOT):
    return report_data(session=session, kind="discipline", unit_path=unit, month=scenario.MONTH, now=NOW)


def test_each_person_matches_the_hand_computed_figures(session, jan) -> None:
    data = _report(session)
    assert [p["full_name"] for p in data["people"]] == expected.ORDER
    for person in data["people"]:
        want = expected.PEOPLE[person["full_name"]]
        assert {key: person[key] for key in want} == want, person["full_name"]
        assert person["not_yet_due"] == 0
    assert {p["code"] for p in data["people"]} == {jan.an.code, jan.binh.code, jan.cuong.code, jan.dung.code}


def test_departments_are_totalled_and_ranked(session, jan) -> None:
    data = _report(session)
    land, office = data["departments"]
    assert office["department"] == "Văn phòng" and land["department"] == "Địa chính"
    assert (office["people"], office["flagged_people"], office["late_count"], office["late_minutes"],
            office["absent_sessions"], office["faults_per_person"], office["rank"]) == (2, 1, 4, 42, 3, 4.5, 2)
    assert (land["sessions_scheduled"], land["excused_sessions"], land["faults_per_person"], land["rank"]) == (
        62, 10, 0.0, 1)
    assert data["totals"]["sessions_scheduled"] == 42 + 42 + 20 + 42
    assert data["totals"]["excused_by_kind"] == {"annual_leave": 4, "business_trip": 10, "sick": 1}
    # Cường's explained missing punch (22/1) is not an absence: it is shown as explained.
    assert data["totals"]["explained_missing_punches"] == 1


def test_arrival_times_are_counted_per_five_minutes(session, jan) -> None:
    data = _report(session)
    labels, counts = data["arrival_bins"]["morning"], data["arrivals"]["morning"]
    by_label = dict(zip(labels, counts, strict=True))
    # 63 morning check-ins (21 + 17 + 9 + 16): An 07:35 and 07:42 once, Bình 07:40 three times, the rest 07:25.
    assert (by_label["07:25"], by_label["07:35"], by_label["07:40"]) == (58, 1, 4)
    assert sum(counts) == 63


def test_a_department_report_covers_only_that_department(session, jan) -> None:
    data = _report(session, scenario.LAND)
    assert [p["full_name"] for p in data["people"]] == ["Lê Văn Cường", "Phạm Thị Dung"]
    assert data["unit"]["path"] == scenario.LAND


def test_unit_thresholds_change_the_flags(session, jan) -> None:
    set_report_rules(session=session, unit_id=jan.office.id, valid_from=date(2026, 1, 1),
                     thresholds={"late_count": 1, "absent_sessions": None, "early_minutes": 10}, actor="hr")
    session.commit()
    office = {p["full_name"]: p["flags"] for p in _report(session, scenario.OFFICE)["people"]}
    assert office == {"Nguyễn Văn An": ["late_count", "early_minutes"], "Trần Thị Bình": ["late_count"]}
    # The rules of Văn phòng do not apply to Địa chính, whose report keeps the defaults.
    assert _report(session, scenario.LAND)["thresholds"]["late_count"] == 3
