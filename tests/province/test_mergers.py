"""Mergers and splits from a date: staff and terminals move, past months' reports stay byte for byte."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlmodel import col, select

from attendance.errors import Conflict, InvalidInput
from attendance.evaluation import evaluate_period
from attendance.mergers import merge_unit, split_unit
from attendance.models import AuditEntry, Device, StaffAssignment
from attendance.org import get_unit_by_path
from attendance.reports.export import render, report_data
from devices.service import add_device
from tests.factories import make_staff, make_unit, punch_at
from tests.reports import scenario
from tests.reports.conftest import NOW

TARGET = "UBND xã Tân Hòa"
FEBRUARY = date(2026, 2, 1)


def _january_files(session) -> dict[tuple[str, str, str], bytes]:
    files = {}
    for unit in (scenario.ROOT, scenario.OFFICE, TARGET):
        for kind in ("discipline", "timesheet"):
            data = report_data(session=session, kind=kind, unit_path=unit, month=scenario.MONTH, now=NOW)
            for fmt in ("json", "csv", "xlsx", "pdf"):
                files[(unit, kind, fmt)] = render(data, fmt)
    return files


@pytest.fixture
def merged_setup(session):
    jan = scenario.build(session)
    target = make_unit(session, TARGET)
    make_unit(session, f"{TARGET} / Văn phòng")
    make_staff(session, get_unit_by_path(session=session, path=f"{TARGET} / Văn phòng"), full_name="Hồ Văn Hải",
               start_date=date(2020, 1, 1), pin="9001")
    device = add_device(session=session, serial="TANPHU01", actor="test", unit_id=jan.office.id,
                        host="10.0.0.5")
    session.commit()
    return jan, target, device


def test_a_merger_leaves_the_previous_months_reports_unchanged_byte_for_byte(session, merged_setup) -> None:
    jan, target, device = merged_setup
    before = _january_files(session)
    change = merge_unit(session=session, source=jan.root, target=target, effective=FEBRUARY, actor="test")
    session.commit()
    session.expire_all()
    assert (change.staff_moved, change.devices_moved, change.units_created) == (4, 1, 1)  # Địa chính was missing
    after = _january_files(session)
    changed = [key for key in before if before[key] != after[key]]
    assert changed == []
    assert len(before) == 24


def test_staff_move_from_the_date_and_the_month_after_is_under_the_receiving_unit(session, merged_setup) -> None:
    jan, target, device = merged_setup
    merge_unit(session=session, source=jan.root, target=target, effective=FEBRUARY, actor="test")
    punch_at(session, jan.an, datetime(2026, 2, 2, 7, 20), datetime(2026, 2, 2, 17, 5))
    session.commit()
    office = get_unit_by_path(session=session, path=f"{TARGET} / Văn phòng")
    land = get_unit_by_path(session=session, path=f"{TARGET} / Địa chính")
    rows = session.exec(select(StaffAssignment).where(StaffAssignment.staff_id == jan.an.id)
                        .order_by(col(StaffAssignment.valid_from))).all()
    assert [(r.unit_id, r.valid_to) for r in rows] == [(jan.office.id, date(2026, 1, 31)), (office.id, None)]
    assert session.get(Device, device.id).unit_id == office.id
    assert jan.root.dissolved_on == FEBRUARY and jan.root.successor_id == target.id
    assert jan.land.successor_id == land.id
    feb = report_data(session=session, kind="discipline", unit_path=TARGET, month="2026-02", now=NOW)
    names = {p["full_name"] for p in feb["people"]}
    assert {"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hồ Văn Hải"} <= names
    old = report_data(session=session, kind="discipline", unit_path=scenario.ROOT, month="2026-02", now=NOW)
    assert old["people"] == []
    periods = evaluate_period(session=session, start=date(2026, 2, 2), end=date(2026, 2, 2), staff_ids=[jan.an.id])
    assert periods[0].units == [office.id]
    actions = set(session.exec(select(AuditEntry.action)))
    assert {"unit.merge", "unit.dissolve"} <= actions


def test_a_merger_refuses_a_pin_clash_in_the_receiving_organisation(session, merged_setup) -> None:
    jan, target, _ = merged_setup
    make_staff(session, target, full_name="Trùng PIN", pin=jan.an.pin, start_date=date(2020, 1, 1))
    with pytest.raises(Conflict) as caught:
        merge_unit(session=session, source=jan.root, target=target, effective=FEBRUARY, actor="test")
    assert caught.value.code == "merger.pin_clash" and jan.an.pin in caught.value.message("en")


def test_a_unit_cannot_merge_into_itself_or_twice(session, merged_setup) -> None:
    jan, target, _ = merged_setup
    with pytest.raises(InvalidInput):
        merge_unit(session=session, source=jan.root, target=jan.office, effective=FEBRUARY, actor="test")
    merge_unit(session=session, source=jan.root, target=target, effective=FEBRUARY, actor="test")
    with pytest.raises(InvalidInput) as caught:
        merge_unit(session=session, source=jan.root, target=target, effective=date(2026, 3, 1), actor="test")
    assert caught.value.code == "merger.unit_dissolved"


def test_a_split_moves_the_chosen_staff_and_terminals_and_keeps_january(session, merged_setup) -> None:
    jan, _, device = merged_setup
    before = _january_files(session)
    change = split_unit(session=session, source=jan.root, new_path=f"{scenario.ROOT} / Văn phòng 2",
                        staff=[jan.binh], devices=[device], effective=FEBRUARY, actor="test")
    session.commit()
    session.expire_all()
    assert (change.staff_moved, change.devices_moved) == (1, 1)
    assert _january_files(session) == before
    new = get_unit_by_path(session=session, path=f"{scenario.ROOT} / Văn phòng 2")
    assert session.get(Device, device.id).unit_id == new.id
    periods = evaluate_period(session=session, start=date(2026, 2, 2), end=date(2026, 2, 2), staff_ids=[jan.binh.id])
    assert periods[0].units == [new.id]


def test_the_comparison_sees_a_change_a_merger_inside_the_month_makes(session, merged_setup) -> None:
    jan, target, _ = merged_setup
    before = _january_files(session)
    merge_unit(session=session, source=jan.root, target=target, effective=date(2026, 1, 19), actor="test")
    session.commit()
    session.expire_all()
    after = _january_files(session)
    assert before[(scenario.ROOT, "discipline", "csv")] != after[(scenario.ROOT, "discipline", "csv")]
    assert before[(TARGET, "timesheet", "xlsx")] != after[(TARGET, "timesheet", "xlsx")]
