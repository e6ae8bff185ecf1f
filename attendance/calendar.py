"""The calendar: for a unit and a date, is it a workday, and what are its two sessions' times?

Sources, weakest first: the unit's weekly pattern (from its schedule, inherited from the nearest
ancestor, else the policy default); national holidays and make-up Saturdays from the `holidays`
package (country VN, which follows the Vietnamese lunar calendar and nghỉ bù); admin exceptions,
the nearest scope winning (the unit itself, then its ancestors, then "all units").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import lru_cache

import holidays
from sqlmodel import Session, col, select

from attendance import audit
from attendance.errors import InvalidInput, InvalidSchedule, NotFound, OverlappingSchedule, UnknownUnit
from attendance.models import CalendarException, ExceptionKind, Schedule, Unit
from attendance.month_lock import ensure_open_for_unit
from attendance.org import ancestors
from attendance.rules import DaySchedule, SessionName, SessionTimes
from attendance.timeutil import parse_hhmm
from config import AttendancePolicy, get_settings


@dataclass(frozen=True, slots=True)
class ScheduleSpec:
    """The parts of a schedule the rules need, whether stored or the policy default."""

    workdays: frozenset[int]
    morning_start: time
    morning_end: time
    afternoon_start: time
    afternoon_end: time
    grace_minutes: int

    @classmethod
    def from_row(cls, row: Schedule) -> ScheduleSpec:
        return cls(parse_workdays(row.workdays), row.morning_start, row.morning_end,
                   row.afternoon_start, row.afternoon_end, row.grace_minutes)

    @classmethod
    def default(cls, policy: AttendancePolicy) -> ScheduleSpec:
        return cls(parse_workdays(policy.workdays), parse_hhmm(policy.morning_start),
                   parse_hhmm(policy.morning_end), parse_hhmm(policy.afternoon_start),
                   parse_hhmm(policy.afternoon_end), policy.grace_minutes)


@lru_cache(maxsize=64)
def national_days(year: int) -> tuple[dict[date, str], frozenset[date]]:
    """National holidays (Vietnamese names) and make-up working Saturdays for one year."""
    calendar = holidays.country_holidays("VN", years=year, language="vi")
    # weekend_workdays lists make-up days of every year the library knows: keep this year's.
    makeup = frozenset(d for d in (getattr(calendar, "weekend_workdays", ()) or ()) if d.year == year)
    return {d: name for d, name in calendar.items() if d.year == year}, makeup


class UnitCalendar:
    """One unit's calendar over a date range, loaded once and answered from memory."""

    def __init__(self, *, chain: list[Unit], schedules: list[Schedule],
                 exceptions: list[CalendarException], policy: AttendancePolicy) -> None:
        self._depth = {unit.id: depth for depth, unit in enumerate(chain)}
        self._schedules = sorted(schedules, key=lambda s: (self._depth.get(s.unit_id, 99), s.valid_from))
        self._exceptions: dict[date, list[CalendarException]] = {}
        for exc in exceptions:
            self._exceptions.setdefault(exc.day, []).append(exc)
        self._default = ScheduleSpec.default(policy)
        self._spec_cache: dict[int, ScheduleSpec] = {}

    def day(self, day: date) -> DaySchedule:
        spec = self.spec(day)
        holiday_name: str | None = None
        workday = day.weekday() in spec.workdays
        national, makeup = national_days(day.year)
        if day in national:
            workday, holiday_name = False, national[day]
        elif day in makeup:
            workday = True
        exception = self._nearest_exception(day)
        if exception is not None:
            if exception.kind == ExceptionKind.HOLIDAY:
                workday, holiday_name = False, exception.name or "Ngày nghỉ"
            elif exception.kind == ExceptionKind.NOT_HOLIDAY:
                workday, holiday_name = day.weekday() in spec.workdays, None
            elif exception.kind == ExceptionKind.WORKDAY:
                workday, holiday_name = True, None
        return DaySchedule(
            day=day,
            workday=workday,
            morning=SessionTimes(SessionName.MORNING, spec.morning_start, spec.morning_end),
            afternoon=SessionTimes(SessionName.AFTERNOON, spec.afternoon_start, spec.afternoon_end),
            grace_minutes=spec.grace_minutes,
            holiday_name=holiday_name,
        )

    def spec(self, day: date) -> ScheduleSpec:
        """The schedule in force: the nearest unit's schedule whose range covers the day."""
        for row in self._schedules:
            if row.valid_from <= day and (row.valid_to is None or day <= row.valid_to):
                assert row.id is not None
                cached = self._spec_cache.get(row.id)
                if cached is None:
                    cached = self._spec_cache[row.id] = ScheduleSpec.from_row(row)
                return cached
        return self._default

    def _nearest_exception(self, day: date) -> CalendarException | None:
        candidates = self._exceptions.get(day)
        if not candidates:
            return None
        return min(candidates, key=lambda e: (self._depth.get(e.unit_id, 999), -(e.id or 0)))


def unit_calendar(*, session: Session, unit: Unit, start: date, end: date) -> UnitCalendar:
    """Load what the calendar needs for `unit` between `start` and `end` (inclusive)."""
    chain = ancestors(session=session, unit=unit)
    ids = [u.id for u in chain]
    schedules = list(session.exec(select(Schedule).where(col(Schedule.unit_id).in_(ids))))
    exceptions = list(session.exec(
        select(CalendarException).where(
            CalendarException.day >= start, CalendarException.day <= end,
            (col(CalendarException.unit_id).in_(ids)) | (col(CalendarException.unit_id).is_(None)),
        )
    ))
    return UnitCalendar(chain=chain, schedules=schedules, exceptions=exceptions, policy=get_settings().policy)


def day_schedule(*, session: Session, unit: Unit, day: date) -> DaySchedule:
    return unit_calendar(session=session, unit=unit, start=day, end=day).day(day)


def add_schedule(*, session: Session, unit_id: int, schedule: Schedule | dict, actor: str) -> Schedule:
    """Give a unit a schedule for a date range; ranges of one unit may not overlap."""
    data = schedule.model_dump(exclude={"id", "unit_id"}) if isinstance(schedule, Schedule) else dict(schedule)
    row = Schedule.model_validate({**data, "unit_id": unit_id})
    if session.get(Unit, unit_id) is None:
        raise UnknownUnit(code="unit.unknown_id", unit_id=unit_id)
    validate_schedule(row)
    ensure_open_for_unit(session=session, unit_id=unit_id, start=row.valid_from, end=row.valid_to)
    for other in session.exec(select(Schedule).where(Schedule.unit_id == unit_id)):
        if _ranges_overlap(row.valid_from, row.valid_to, other.valid_from, other.valid_to):
            raise OverlappingSchedule(code="schedule.overlaps", other_id=other.id, start=other.valid_from,
                                      end=other.valid_to or "…")
    session.add(row)
    session.flush()
    audit.record(session=session, actor=actor, action="schedule.create", entity="schedule",
                 entity_id=row.id, after=audit.snapshot(row))
    return row


def validate_schedule(row: Schedule) -> None:
    if row.valid_to is not None and row.valid_to < row.valid_from:
        raise InvalidSchedule(code="schedule.ends_before_start")
    times = [row.morning_start, row.morning_end, row.afternoon_start, row.afternoon_end]
    if not all(a < b for a, b in zip(times, times[1:], strict=False)):
        raise InvalidSchedule(code="schedule.times_order")
    try:
        if not parse_workdays(row.workdays):
            raise InvalidSchedule(code="schedule.no_workday")
    except ValueError as err:
        raise InvalidSchedule(str(err), code="schedule.bad_workdays") from err


def add_exception(*, session: Session, day: date, kind: str, name: str = "", unit_id: int | None = None,
                  actor: str) -> CalendarException:
    """Declare a holiday, remove a national one, or declare a make-up workday."""
    try:
        kind = ExceptionKind(kind)
    except ValueError as err:
        raise InvalidInput(code="calendar.unknown_kind", kind=kind) from err
    if unit_id is not None and session.get(Unit, unit_id) is None:
        raise UnknownUnit(code="unit.unknown_id", unit_id=unit_id)
    ensure_open_for_unit(session=session, unit_id=unit_id, start=day, end=day)
    row = CalendarException(day=day, kind=kind, name=name, unit_id=unit_id)
    session.add(row)
    session.flush()
    audit.record(session=session, actor=actor, action="calendar.exception", entity="calendar_exception",
                 entity_id=row.id, after=audit.snapshot(row))
    return row


def remove_exception(*, session: Session, exception_id: int, actor: str, reason: str | None = None) -> None:
    """Delete an admin's calendar entry made in error (the national holidays come back as they were)."""
    row = session.get(CalendarException, exception_id)
    if row is None:
        raise NotFound(code="calendar.unknown_exception", exception_id=exception_id)
    ensure_open_for_unit(session=session, unit_id=row.unit_id, start=row.day, end=row.day)
    before = audit.snapshot(row)
    session.delete(row)
    session.flush()
    audit.record(session=session, actor=actor, action="calendar.exception.remove", entity="calendar_exception",
                 entity_id=exception_id, before=before, reason=reason)


def parse_workdays(value: str | Iterable[int]) -> frozenset[int]:
    """'0,1,2,3,4' -> {0..4}; Monday = 0."""
    items = value.split(",") if isinstance(value, str) else value
    days = frozenset(int(item) for item in items if str(item).strip() != "")
    if any(d < 0 or d > 6 for d in days):
        raise ValueError(f"weekday numbers are 0 (Monday) to 6 (Sunday): {value!r}")
    return days


def month_days(year: int, month: int) -> list[date]:
    if not 1 <= month <= 12:
        raise InvalidInput(code="month.invalid", month=month)
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return [first + timedelta(days=i) for i in range((following - first).days)]


def _ranges_overlap(a0: date, a1: date | None, b0: date, b1: date | None) -> bool:
    return (a1 is None or b0 <= a1) and (b1 is None or a0 <= b1)
