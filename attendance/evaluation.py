"""Evaluate people over a date range: ledger + calendar + excuses -> session results.

The one engine behind the day board, a person's month and the monthly reports. It loads
everything in a few bulk queries, then applies the pure rules in memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, String, and_, func, or_, type_coerce
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from attendance.calendar import UnitCalendar, unit_calendar
from attendance.collation import name_key
from attendance.leave import approved_excuses
from attendance.models import Punch, Staff, StaffAssignment, Unit
from attendance.org import subtree_ids
from attendance.pin_scope import LateOwners
from attendance.rules import DayPlan, DayResult, DaySchedule, RulePolicy, plan_day
from attendance.timeutil import utcnow
from attendance.zones import unit_zone
from config import get_settings

# Above this many people, scan the period's punches once instead of filtering by id in SQL.
_SCAN_THRESHOLD = 500


@dataclass(frozen=True, slots=True)
class StaffRef:
    id: int
    code: str
    full_name: str
    pin: str | None
    position: str | None
    start_date: date | None
    end_date: date | None


@dataclass(slots=True)
class PersonPeriod:
    """One person's evaluated days; `units` gives the unit each day was evaluated under."""

    staff: StaffRef
    days: list[DayResult] = field(default_factory=list)
    units: list[int | None] = field(default_factory=list)


def evaluate_period(
    *,
    session: Session,
    start: date,
    end: date,
    unit: Unit | None = None,
    staff_ids: Iterable[int] | None = None,
    now: datetime | None = None,
) -> list[PersonPeriod]:
    """Every day from `start` to `end` for the unit's people (sub-units included) or the given ids.

    A day on which the person was not employed, or (with a unit) belonged elsewhere, comes out
    NOT_EMPLOYED. `now` (default: the clock) marks sessions not yet over as not yet due.
    """
    settings = get_settings()
    policy = RulePolicy(settings.policy.window_before_minutes, settings.policy.window_after_minutes,
                        settings.policy.duplicate_window_seconds)
    unit_ids = set(subtree_ids(session=session, unit=unit)) if unit is not None else None
    assignments = _assignments(session, start, end, unit_ids, staff_ids)
    people = _staff(session, list(assignments))
    if not people:
        return []
    unit_rows = session.exec(select(Unit).where(col(Unit.id).in_({a[0] for rows in assignments.values() for a in rows})))
    units = {u.id: u for u in unit_rows if u.id is not None}
    calendars = _Calendars(session, units, start, end)
    punches = _punches_by_day(session, people, assignments, start, end, calendars)
    excuses = approved_excuses(session=session, staff_ids=list(people), start=start, end=end)
    now = now or utcnow()
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    results: list[PersonPeriod] = []
    for staff_id in sorted(people, key=lambda i: name_key(people[i].full_name, people[i].code)):
        ref = people[staff_id]
        period = PersonPeriod(ref)
        rows = assignments[staff_id]
        for day in days:
            unit_id = rows[0][0] if len(rows) == 1 and _covers(rows[0], day) else _unit_on(rows, day)
            employed = unit_id is not None and _employed(ref, day)
            plan = calendars.plan(unit_id, day, policy)
            period.days.append(plan.evaluate(
                punches.get((staff_id, day), ()), excuses.get((staff_id, day), ()),
                now=calendars.local_now(unit_id, now), employed=employed))
            period.units.append(unit_id)
        results.append(period)
    return results


class _Calendars:
    """Day schedules and zones per unit, computed once per (unit, day)."""

    def __init__(self, session: Session, units: dict[int, Unit], start: date, end: date) -> None:
        self._session, self._units, self._start, self._end = session, units, start, end
        self._calendars: dict[int | None, UnitCalendar] = {}
        self._days: dict[tuple[int | None, date], DaySchedule] = {}
        self._plans: dict[tuple[int | None, date], DayPlan] = {}
        self._now: dict[int | None, datetime] = {}
        self._zones: dict[int | None, ZoneInfo] = {}

    def day(self, unit_id: int | None, day: date) -> DaySchedule:
        key = (unit_id, day)
        found = self._days.get(key)
        if found is None:
            found = self._days[key] = self._calendar(unit_id).day(day)
        return found

    def plan(self, unit_id: int | None, day: date, policy: RulePolicy) -> DayPlan:
        key = (unit_id, day)
        found = self._plans.get(key)
        if found is None:
            found = self._plans[key] = plan_day(self.day(unit_id, day), policy)
        return found

    def zone(self, unit_id: int | None) -> ZoneInfo:
        """The unit's own zone, else its nearest ancestor's, else the service's."""
        found = self._zones.get(unit_id)
        if found is None:
            unit = self._units.get(unit_id) if unit_id is not None else None
            found = self._zones[unit_id] = unit_zone(session=self._session, unit=unit)
        return found

    def local_now(self, unit_id: int | None, now: datetime) -> datetime:
        found = self._now.get(unit_id)
        if found is None:
            found = self._now[unit_id] = now.astimezone(self.zone(unit_id)).replace(tzinfo=None)
        return found

    def _calendar(self, unit_id: int | None) -> UnitCalendar:
        found = self._calendars.get(unit_id)
        if found is None:
            unit = self._units.get(unit_id) if unit_id is not None else None
            if unit is None:
                unit = Unit(id=-1, name="", path="")
            found = self._calendars[unit_id] = unit_calendar(
                session=self._session, unit=unit, start=self._start, end=self._end)
        return found


def _assignments(session: Session, start: date, end: date, unit_ids: set[int] | None,
                 staff_ids: Iterable[int] | None) -> dict[int, list[tuple[int, date, date | None]]]:
    query = sa_select(col(StaffAssignment.staff_id), col(StaffAssignment.unit_id), col(StaffAssignment.valid_from),
                      col(StaffAssignment.valid_to)).where(
        col(StaffAssignment.valid_from) <= end,
        or_(col(StaffAssignment.valid_to).is_(None), col(StaffAssignment.valid_to) >= start))
    wanted = set(staff_ids) if staff_ids is not None else None
    result: dict[int, list[tuple[int, date, date | None]]] = defaultdict(list)
    for staff_id, unit_id, valid_from, valid_to in session.execute(query):
        if wanted is not None and staff_id not in wanted:
            continue
        if unit_ids is not None and unit_id not in unit_ids:
            continue
        result[staff_id].append((unit_id, valid_from, valid_to))
    return result


def _staff(session: Session, ids: list[int]) -> dict[int, StaffRef]:
    people: dict[int, StaffRef] = {}
    for offset in range(0, len(ids), 900):
        rows = session.execute(sa_select(col(Staff.id), col(Staff.code), col(Staff.full_name), col(Staff.pin),
                                         col(Staff.position), col(Staff.start_date), col(Staff.end_date))
                               .where(col(Staff.id).in_(ids[offset:offset + 900])))
        for row in rows:
            people[row[0]] = StaffRef(*row)
    return people


def _punches_by_day(session: Session, people: dict[int, StaffRef],
                    assignments: dict[int, list[tuple[int, date, date | None]]], start: date, end: date,
                    calendars: _Calendars) -> dict[tuple[int, date], list[datetime]]:
    """Each person's non-quarantined punches, as local naive times grouped by local date.

    Local means the zone of the unit the person belonged to on that date; a person who moved
    between units of different zones has each punch read in the zone of the day it falls on."""
    late = LateOwners(session, list(people))
    # No zone is more than 14 hours from UTC: a day either side covers every zone.
    low = datetime.combine(start, datetime.min.time(), UTC) - timedelta(days=1)
    high = datetime.combine(end, datetime.min.time(), UTC) + timedelta(days=2)
    base = sa_select(col(Punch.staff_id), col(Punch.pin), _naive_utc(session, col(Punch.punched_at)),
                     col(Punch.pin_scope_id)).where(
        col(Punch.punched_at) >= low, col(Punch.punched_at) < high, col(Punch.quarantined).is_(False))
    queries = []
    if len(people) > _SCAN_THRESHOLD:
        queries.append(base)
    else:
        ids, pins = list(people), late.pins
        queries.append(base.where(col(Punch.staff_id).in_(ids)))
        if pins:
            queries.append(base.where(and_(col(Punch.staff_id).is_(None), col(Punch.pin).in_(pins))))
    offsets: dict[ZoneInfo, timedelta | None] = {}
    person_zones: dict[int, tuple[ZoneInfo, ...]] = {}
    for staff_id, rows in assignments.items():
        zones = tuple(dict.fromkeys(calendars.zone(row[0]) for row in rows))
        person_zones[staff_id] = zones
        for zone in zones:
            if zone not in offsets:
                offsets[zone] = _fixed_offset(zone, low, high)
    grouped: dict[tuple[int, date], list[datetime]] = defaultdict(list)
    everyone = set(offsets)
    common = offsets[next(iter(everyone))] if len(everyone) == 1 else None
    for query in queries:
        result = session.execute(query)
        if common is not None:
            # Everyone's units share one fixed-offset zone (a whole province): the fast path.
            for staff_id, pin, naive_utc, scope in result:
                owner = staff_id if staff_id is not None else late.owner(scope, pin)
                if owner is None or owner not in people:
                    continue
                if isinstance(naive_utc, str):
                    naive_utc = datetime.fromisoformat(naive_utc)
                local = naive_utc + common
                day = local.date()
                if start <= day <= end:
                    grouped[(owner, day)].append(local)
            continue
        for staff_id, pin, naive_utc, scope in result:
            owner = staff_id if staff_id is not None else late.owner(scope, pin)
            if owner is None or owner not in people:
                continue
            if isinstance(naive_utc, str):
                naive_utc = datetime.fromisoformat(naive_utc)
            zones = person_zones[owner]
            for zone in zones:
                offset = offsets[zone]
                if offset is not None:
                    local = naive_utc + offset
                else:
                    local = naive_utc.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)
                day = local.date()
                if not start <= day <= end:
                    continue
                if len(zones) > 1 and calendars.zone(_unit_on(assignments[owner], day)) != zone:
                    continue
                grouped[(owner, day)].append(local)
    return grouped


def _naive_utc(session: Session, column: Any) -> Any:
    """The instant as naive UTC, skipping the per-row time-zone processing of the column type."""
    if session.get_bind().dialect.name == "postgresql":
        return type_coerce(func.timezone("UTC", column), DateTime())
    return type_coerce(column, String())  # SQLite keeps ISO text: fromisoformat is the fast parser


def _fixed_offset(zone: ZoneInfo, low: datetime, high: datetime) -> timedelta | None:
    """The zone's UTC offset if it does not change between `low` and `high` (true for Vietnam)."""
    offsets = set()
    moment = low
    while moment <= high + timedelta(days=1):
        offsets.add(moment.astimezone(zone).utcoffset())
        moment += timedelta(hours=12)
    return offsets.pop() if len(offsets) == 1 else None


def _covers(row: tuple[int, date, date | None], day: date) -> bool:
    return row[1] <= day and (row[2] is None or day <= row[2])


def _unit_on(rows: list[tuple[int, date, date | None]], day: date) -> int | None:
    for unit_id, valid_from, valid_to in rows:
        if valid_from <= day and (valid_to is None or day <= valid_to):
            return unit_id
    return None


def _employed(ref: StaffRef, day: date) -> bool:
    return (ref.start_date is None or ref.start_date <= day) and (ref.end_date is None or day <= ref.end_date)
