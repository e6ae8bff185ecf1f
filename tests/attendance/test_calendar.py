"""The calendar: weekly pattern, seasons, national holidays, admin exceptions with scope."""

from __future__ import annotations

from datetime import date, time

import pytest

from attendance.calendar import add_exception, add_schedule, day_schedule
from attendance.errors import InvalidSchedule, OverlappingSchedule
from tests.factories import make_unit

SUMMER = dict(valid_from=date(2026, 4, 16), valid_to=date(2026, 10, 15), morning_start=time(7, 0),
              morning_end=time(11, 30), afternoon_start=time(13, 30), afternoon_end=time(17, 0), grace_minutes=10)
WINTER = dict(valid_from=date(2026, 10, 16), valid_to=date(2027, 4, 15), morning_start=time(7, 30),
              morning_end=time(12, 0), afternoon_start=time(13, 0), afternoon_end=time(16, 30), grace_minutes=5)


def test_new_unit_gets_the_default_schedule(session) -> None:
    unit = make_unit(session)
    monday = day_schedule(session=session, unit=unit, day=date(2026, 11, 23))
    assert monday.workday and monday.morning.start == time(7, 30) and monday.afternoon.end == time(17, 0)
    assert monday.grace_minutes == 5
    assert not day_schedule(session=session, unit=unit, day=date(2026, 11, 22)).workday  # Sunday


def test_seasonal_times_and_inheritance(session) -> None:
    commune = make_unit(session, "UBND xã Tân Phú")
    office = make_unit(session, "UBND xã Tân Phú / Văn phòng")
    add_schedule(session=session, unit_id=commune.id, schedule=SUMMER, actor="hr")
    add_schedule(session=session, unit_id=commune.id, schedule=WINTER, actor="hr")
    summer = day_schedule(session=session, unit=office, day=date(2026, 7, 1))
    winter = day_schedule(session=session, unit=office, day=date(2026, 12, 1))
    assert (summer.morning.start, summer.grace_minutes) == (time(7, 0), 10)
    assert (winter.morning.end, winter.afternoon.start) == (time(12, 0), time(13, 0))


def test_overlapping_and_inconsistent_schedules_are_refused(session) -> None:
    unit = make_unit(session)
    add_schedule(session=session, unit_id=unit.id, schedule=SUMMER, actor="hr")
    with pytest.raises(OverlappingSchedule):
        add_schedule(session=session, unit_id=unit.id, schedule={**WINTER, "valid_from": date(2026, 10, 1)}, actor="hr")
    with pytest.raises(InvalidSchedule):
        add_schedule(session=session, unit_id=unit.id,
                     schedule={**WINTER, "morning_end": time(14, 0)}, actor="hr")


def test_national_holidays_and_nghi_bu(session) -> None:
    unit = make_unit(session)
    national_day = day_schedule(session=session, unit=unit, day=date(2026, 9, 2))
    assert not national_day.workday and national_day.holiday_name == "Quốc khánh"
    # Giỗ Tổ 26/4/2026 is a Sunday: the day off moves to Monday 27/4 (nghỉ bù).
    assert not day_schedule(session=session, unit=unit, day=date(2026, 4, 27)).workday
    # 31/8/2026 is off in exchange for Saturday 22/8, a make-up working day.
    assert not day_schedule(session=session, unit=unit, day=date(2026, 8, 31)).workday
    assert day_schedule(session=session, unit=unit, day=date(2026, 8, 22)).workday
    # 24/11 is Ngày Văn hóa Việt Nam from 2026 only.
    assert not day_schedule(session=session, unit=unit, day=date(2026, 11, 24)).workday
    assert day_schedule(session=session, unit=unit, day=date(2025, 11, 24)).workday


def test_admin_swap_and_scoped_exceptions(session) -> None:
    commune = make_unit(session, "UBND xã Tân Phú")
    desk = make_unit(session, "UBND xã Tân Phú / Bộ phận một cửa")
    office = make_unit(session, "UBND xã Tân Phú / Văn phòng")
    # 2026: Friday 2/1 off, paid back on Saturday 10/1 (VB 12729/VPCP-KGVX), for all units.
    add_exception(session=session, day=date(2026, 1, 2), kind="holiday", name="Nghỉ hoán đổi", actor="hr")
    add_exception(session=session, day=date(2026, 1, 10), kind="workday", name="Làm bù", actor="hr")
    # The one-stop desk keeps working on National Day.
    add_exception(session=session, day=date(2026, 9, 2), kind="not_holiday", unit_id=desk.id, actor="hr")
    assert not day_schedule(session=session, unit=office, day=date(2026, 1, 2)).workday
    assert day_schedule(session=session, unit=office, day=date(2026, 1, 10)).workday
    assert day_schedule(session=session, unit=desk, day=date(2026, 9, 2)).workday
    assert not day_schedule(session=session, unit=office, day=date(2026, 9, 2)).workday
    assert not day_schedule(session=session, unit=commune, day=date(2026, 9, 2)).workday


def test_removing_a_mistaken_exception_restores_the_day(session) -> None:
    from sqlmodel import select

    from attendance.calendar import national_days, remove_exception
    from attendance.models import AuditEntry

    unit = make_unit(session)
    wrong = add_exception(session=session, day=date(2026, 11, 27), kind="holiday", name="nhầm", actor="hr")
    assert not day_schedule(session=session, unit=unit, day=date(2026, 11, 27)).workday
    remove_exception(session=session, exception_id=wrong.id, actor="hr", reason="nhập nhầm")
    assert day_schedule(session=session, unit=unit, day=date(2026, 11, 27)).workday
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "calendar.exception.remove")).one()
    _, makeup = national_days(2026)
    assert all(d.year == 2026 for d in makeup) and date(2026, 8, 22) in makeup
