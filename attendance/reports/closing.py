"""Closing and reopening a month: a closed month serves the figures frozen when it was closed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from attendance import audit
from attendance.errors import Conflict, InvalidInput, NotFound
from attendance.evaluation import evaluate_period
from attendance.models import Unit
from attendance.month_lock import closure_covering
from attendance.reports import discipline, timesheet
from attendance.reports.common import month_label, month_range
from attendance.reports.models import ClosureStatus, MonthClosure
from attendance.timeutil import utcnow
from attendance.zones import unit_today


def close_month(*, session: Session, unit: Unit, year: int, month: int, actor: str,
                now: datetime | None = None) -> MonthClosure:
    """Freeze the unit's discipline report and timesheets for a month that is over."""
    now = now or utcnow()
    _, last = month_range(year, month)
    if unit_today(session=session, unit=unit, now=now) <= last:
        raise InvalidInput(code="month.not_over", month=month_label(year, month))
    covering = closure_covering(session=session, unit=unit, year=year, month=month)
    if covering is not None:
        raise Conflict(code="month.already_closed", month=month_label(year, month), path=covering[1].path)
    row = _closure(session, unit, year, month)
    before = audit.snapshot(row) if row is not None else None
    if row is None:
        assert unit.id is not None
        row = MonthClosure(unit_id=unit.id, year=year, month=month, closed_at=now, closed_by=actor)
    row.status, row.closed_at, row.closed_by = ClosureStatus.CLOSED, now, actor
    frozen = {"at": now.isoformat(timespec="seconds"), "by": actor}
    first, last = month_range(year, month)
    periods = evaluate_period(session=session, start=first, end=last, unit=unit, now=now)
    row.discipline = {**discipline.discipline_data(session=session, unit=unit, year=year, month=month, now=now,
                                                   periods=periods), "closed": frozen}
    row.timesheet = {**timesheet.timesheet_data(session=session, unit=unit, year=year, month=month, now=now,
                                                periods=periods), "closed": frozen}
    session.add(row)
    session.flush()
    audit.record(session=session, actor=actor, action="month.close", entity="month_closure", entity_id=row.id,
                 before=_summary(before), after=_summary(audit.snapshot(row)))
    return row


def reopen_month(*, session: Session, unit: Unit, year: int, month: int, actor: str, reason: str) -> MonthClosure:
    """Reopen a closed month (explicit, with a reason, audited); reports are live again."""
    if not reason.strip():
        raise InvalidInput(code="month.reopen_needs_reason")
    row = _closure(session, unit, year, month)
    if row is None or row.status != ClosureStatus.CLOSED:
        covering = closure_covering(session=session, unit=unit, year=year, month=month)
        where = f"; it is closed for {covering[1].path}" if covering is not None else ""
        raise NotFound(f"{month_label(year, month)} is not closed for {unit.path}{where}", code="month.not_closed",
                       month=month_label(year, month), path=unit.path)
    before = audit.snapshot(row)
    row.status, row.reopened_at, row.reopened_by, row.reopen_reason = (
        ClosureStatus.REOPENED, utcnow(), actor, reason.strip())
    session.add(row)
    session.flush()
    audit.record(session=session, actor=actor, action="month.reopen", entity="month_closure", entity_id=row.id,
                 before=_summary(before), after=_summary(audit.snapshot(row)), reason=reason.strip())
    return row


def discipline_report(*, session: Session, unit: Unit, year: int, month: int,
                      now: datetime | None = None) -> dict[str, Any]:
    """The discipline report: frozen if the month is closed, computed now otherwise."""
    covering = closure_covering(session=session, unit=unit, year=year, month=month)
    if covering is None:
        return discipline.discipline_data(session=session, unit=unit, year=year, month=month, now=now)
    closure, owner = covering
    assert closure.discipline is not None
    return closure.discipline if owner.id == unit.id else discipline.restrict(closure.discipline, unit)


def timesheet_report(*, session: Session, unit: Unit, year: int, month: int,
                     now: datetime | None = None) -> dict[str, Any]:
    """The timesheets: frozen if the month is closed, computed now otherwise."""
    covering = closure_covering(session=session, unit=unit, year=year, month=month)
    if covering is None:
        return timesheet.timesheet_data(session=session, unit=unit, year=year, month=month, now=now)
    closure, owner = covering
    assert closure.timesheet is not None
    return closure.timesheet if owner.id == unit.id else timesheet.restrict(closure.timesheet, unit)


def closure_json(row: MonthClosure, unit: Unit) -> dict[str, Any]:
    return {"unit": unit.path, "month": month_label(row.year, row.month), "status": row.status,
            "closed_at": row.closed_at.isoformat(timespec="seconds"), "closed_by": row.closed_by,
            "reopened_at": row.reopened_at.isoformat(timespec="seconds") if row.reopened_at else None,
            "reopened_by": row.reopened_by, "reopen_reason": row.reopen_reason}


def _closure(session: Session, unit: Unit, year: int, month: int) -> MonthClosure | None:
    return session.exec(select(MonthClosure).where(MonthClosure.unit_id == unit.id, MonthClosure.year == year,
                                                   MonthClosure.month == month)).first()


def _summary(snapshot: dict[str, Any] | None) -> dict[str, Any] | None:
    """An audit snapshot without the (large) frozen figures."""
    if snapshot is None:
        return None
    return {k: v for k, v in snapshot.items() if k not in ("discipline", "timesheet")}
