"""Closed months refuse changes that would alter them (DOMAIN.md R9b).

Requests, decisions, manual punches, calendar exceptions and schedules dated inside a month that
is closed for the units they touch raise `MonthClosed`, saying how to reopen. Real terminal
punches are never refused: they are stored and reported as arrived after closing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from attendance.errors import MonthClosed
from attendance.models import Punch, Staff, StaffAssignment, Unit
from attendance.org import ancestors, subtree_ids
from attendance.reports.models import ClosureStatus, MonthClosure
from attendance.timeutil import local_day_bounds, to_local
from attendance.zones import unit_zone


def ensure_open_for_staff(*, session: Session, staff_id: int, start: date, end: date) -> None:
    """Refuse if a month between `start` and `end` is closed for a unit the person belonged to then."""
    rows = session.exec(select(StaffAssignment).where(
        StaffAssignment.staff_id == staff_id, col(StaffAssignment.valid_from) <= end,
        or_(col(StaffAssignment.valid_to).is_(None), col(StaffAssignment.valid_to) >= start)))
    units = {row.unit_id for row in rows}
    if not units:
        staff = session.get(Staff, staff_id)
        units = {staff.unit_id} if staff is not None else set()
    unit_ids: set[int] = set()
    for unit_id in units:
        unit = session.get(Unit, unit_id)
        if unit is not None:
            unit_ids |= {u.id for u in ancestors(session=session, unit=unit) if u.id is not None}
    _refuse_if_closed(session, unit_ids, start, end)


def ensure_open_for_unit(*, session: Session, unit_id: int | None, start: date, end: date | None) -> None:
    """Refuse if a month between `start` and `end` (None: open-ended) is closed for a unit the change
    reaches: the unit's sub-tree and its ancestors (their closures include it); None = every unit."""
    if unit_id is None:
        unit_ids = None
    else:
        unit = session.get(Unit, unit_id)
        if unit is None:
            return
        unit_ids = set(subtree_ids(session=session, unit=unit))
        unit_ids |= {u.id for u in ancestors(session=session, unit=unit) if u.id is not None}
    _refuse_if_closed(session, unit_ids, start, end)


def closure_covering(*, session: Session, unit: Unit, year: int, month: int) -> tuple[MonthClosure, Unit] | None:
    """The closure that freezes `unit`'s month: its own, else its nearest closed ancestor's."""
    chain = ancestors(session=session, unit=unit)
    rows = {r.unit_id: r for r in session.exec(select(MonthClosure).where(
        col(MonthClosure.unit_id).in_([u.id for u in chain]), MonthClosure.year == year,
        MonthClosure.month == month, MonthClosure.status == ClosureStatus.CLOSED))}
    for candidate in chain:
        if candidate.id in rows:
            return rows[candidate.id], candidate
    return None


def arrived_after_closing(*, session: Session, unit: Unit, year: int, month: int) -> list[dict[str, Any]]:
    """Terminal punches dated in a closed month of `unit`'s people that were stored after it closed.

    They are in the ledger but not in the frozen figures: the month page and the next month's
    report list them so the personnel office can decide whether to reopen."""
    covering = closure_covering(session=session, unit=unit, year=year, month=month)
    if covering is None:
        return []
    closure = covering[0]
    first = date(year, month, 1)
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    units = subtree_ids(session=session, unit=unit)
    people = {s.id: s for s in session.exec(
        select(Staff).join(StaffAssignment, col(StaffAssignment.staff_id) == col(Staff.id)).where(
            col(StaffAssignment.unit_id).in_(units), col(StaffAssignment.valid_from) <= last,
            or_(col(StaffAssignment.valid_to).is_(None), col(StaffAssignment.valid_to) >= first)))}
    if not people:
        return []
    zone = unit_zone(session=session, unit=unit)
    low, _ = local_day_bounds(first, zone)
    _, high = local_day_bounds(last, zone)
    by_pin = {s.pin: s for s in people.values() if s.pin}
    owner: Any = col(Punch.staff_id).in_(list(people))
    if by_pin:
        owner = owner | (col(Punch.staff_id).is_(None) & col(Punch.pin).in_(list(by_pin)))
    rows = session.exec(select(Punch).where(owner, col(Punch.punched_at) >= low, col(Punch.punched_at) < high,
                                            col(Punch.ingested_at) > closure.closed_at)
                        .order_by(col(Punch.punched_at), col(Punch.id)))
    result = []
    for punch in rows:
        staff = people.get(punch.staff_id) if punch.staff_id else by_pin.get(punch.pin)
        if staff is None:
            continue
        result.append({"code": staff.code, "full_name": staff.full_name,
                       "at": to_local(punch.punched_at, zone).isoformat(timespec="seconds"),
                       "device": punch.device_serial, "source": punch.source,
                       "stored_at": to_local(punch.ingested_at, zone).isoformat(timespec="seconds"),
                       "month": f"{year:04d}-{month:02d}"})
    return result


def _refuse_if_closed(session: Session, unit_ids: Iterable[int] | None, start: date, end: date | None) -> None:
    query = select(MonthClosure).where(
        MonthClosure.status == ClosureStatus.CLOSED,
        col(MonthClosure.year) * 100 + col(MonthClosure.month) >= start.year * 100 + start.month)
    if end is not None:
        query = query.where(col(MonthClosure.year) * 100 + col(MonthClosure.month) <= end.year * 100 + end.month)
    if unit_ids is not None:
        ids = list(unit_ids)
        if not ids:
            return
        query = query.where(col(MonthClosure.unit_id).in_(ids))
    closure = session.exec(query.order_by(col(MonthClosure.year), col(MonthClosure.month))).first()
    if closure is None:
        return
    unit = session.get(Unit, closure.unit_id)
    path = unit.path if unit is not None else str(closure.unit_id)
    month = f"{closure.year:04d}-{closure.month:02d}"
    raise MonthClosed(
        f"{month} is closed for {path} (closed by {closure.closed_by}); reopen it first: "
        f"attendance report reopen --unit \"{path}\" --month {month} --reason \"...\" "
        f"(or POST /api/reports/reopen), then make the change and close the month again",
        code="month.closed", month=month, path=path, by=closure.closed_by)
