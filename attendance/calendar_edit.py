"""Correcting the calendar: edit or delete an admin's holiday / make-up day entry and a unit's schedule.

Each change is refused inside a closed month (before and after the change) and audited with the values
before and after, as adding them is (attendance.calendar)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, select

from attendance import audit
from attendance.calendar import _ranges_overlap, validate_schedule
from attendance.errors import InvalidInput, NotFound, OverlappingSchedule
from attendance.models import CalendarException, ExceptionKind, Schedule
from attendance.month_lock import ensure_open_for_unit

SCHEDULE_FIELDS = ("name", "valid_from", "valid_to", "morning_start", "morning_end", "afternoon_start",
                   "afternoon_end", "grace_minutes", "workdays")


def update_exception(*, session: Session, exception_id: int, day: date, kind: str, name: str,
                     actor: str) -> CalendarException:
    """Change an entry's day, kind or name."""
    row = _exception(session, exception_id)
    try:
        kind = ExceptionKind(kind)
    except ValueError as err:
        raise InvalidInput(code="calendar.unknown_kind", kind=kind) from err
    for moment in (row.day, day):
        ensure_open_for_unit(session=session, unit_id=row.unit_id, start=moment, end=moment)
    before = audit.snapshot(row)
    row.day, row.kind, row.name = day, kind, name.strip()
    session.add(row)
    session.flush()
    audit.record(session=session, actor=actor, action="calendar.exception.update", entity="calendar_exception",
                 entity_id=row.id, before=before, after=audit.snapshot(row))
    return row


def update_schedule(*, session: Session, schedule_id: int, changes: dict[str, Any], actor: str) -> Schedule:
    """Change a schedule's range, times, grace or weekdays; ranges of one unit still may not overlap."""
    row = _schedule(session, schedule_id)
    unknown = set(changes) - set(SCHEDULE_FIELDS)
    if unknown:
        raise InvalidInput(f"cannot change {', '.join(sorted(unknown))}")
    candidate = Schedule.model_validate({**row.model_dump(), **changes})
    validate_schedule(candidate)
    ensure_open_for_unit(session=session, unit_id=row.unit_id, start=row.valid_from, end=row.valid_to)
    ensure_open_for_unit(session=session, unit_id=row.unit_id, start=candidate.valid_from, end=candidate.valid_to)
    for other in session.exec(select(Schedule).where(Schedule.unit_id == row.unit_id, Schedule.id != row.id)):
        if _ranges_overlap(candidate.valid_from, candidate.valid_to, other.valid_from, other.valid_to):
            raise OverlappingSchedule(code="schedule.overlaps", other_id=other.id, start=other.valid_from,
                                      end=other.valid_to or "…")
    before = audit.snapshot(row)
    for key in SCHEDULE_FIELDS:
        setattr(row, key, getattr(candidate, key))
    session.add(row)
    session.flush()
    audit.record(session=session, actor=actor, action="schedule.update", entity="schedule", entity_id=row.id,
                 before=before, after=audit.snapshot(row))
    return row


def remove_schedule(*, session: Session, schedule_id: int, actor: str, reason: str | None = None) -> None:
    """Delete a schedule entered in error: its days fall back to the parent unit's or the default times."""
    row = _schedule(session, schedule_id)
    ensure_open_for_unit(session=session, unit_id=row.unit_id, start=row.valid_from, end=row.valid_to)
    before = audit.snapshot(row)
    session.delete(row)
    session.flush()
    audit.record(session=session, actor=actor, action="schedule.remove", entity="schedule", entity_id=schedule_id,
                 before=before, reason=reason)


def _exception(session: Session, exception_id: int) -> CalendarException:
    row = session.get(CalendarException, exception_id)
    if row is None:
        raise NotFound(code="calendar.unknown_exception", exception_id=exception_id)
    return row


def _schedule(session: Session, schedule_id: int) -> Schedule:
    row = session.get(Schedule, schedule_id)
    if row is None:
        raise NotFound(f"no schedule with id {schedule_id}")
    return row
