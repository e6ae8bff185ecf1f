"""The read models the API serves: a unit's day board and one person's month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from attendance.calendar import month_days
from attendance.evaluation import evaluate_period
from attendance.leave_charge import leave_balance
from attendance.models import Punch, Staff, Unit
from attendance.pin_scope import LateOwners
from attendance.rules import DayResult, SessionResult, SessionStatus
from attendance.staff import get_staff
from attendance.timeutil import local_day_bounds, to_local
from attendance.zones import unit_zone_by_id


@dataclass(frozen=True, slots=True)
class BoardRow:
    staff_id: int
    code: str
    full_name: str
    unit_id: int | None
    day: DayResult


def day_board(*, session: Session, unit: Unit, day: date, now: datetime | None = None) -> list[BoardRow]:
    """Every person of the unit (sub-units included) on `day`, with both sessions."""
    rows = []
    for period in evaluate_period(session=session, start=day, end=day, unit=unit, now=now):
        result = period.days[0]
        if result.morning.status is SessionStatus.NOT_EMPLOYED:
            continue
        rows.append(BoardRow(period.staff.id, period.staff.code, period.staff.full_name, period.units[0], result))
    return rows


def person_month(*, session: Session, staff_id: int, year: int, month: int,
                 now: datetime | None = None) -> dict[str, Any]:
    """One person's month: every day's sessions, the raw punches behind them, leave balance."""
    staff = get_staff(session=session, staff_id=staff_id)
    days = month_days(year, month)
    periods = evaluate_period(session=session, start=days[0], end=days[-1], staff_ids=[staff_id], now=now)
    results = periods[0].days if periods else []
    punches = month_punches(session=session, staff=staff, start=days[0], end=days[-1])
    balance = leave_balance(session=session, staff=staff, year=year)
    return {
        "staff": {"id": staff.id, "code": staff.code, "full_name": staff.full_name, "unit_id": staff.unit_id},
        "year": year,
        "month": month,
        "days": [day_json(day) for day in results],
        "punches": punches,
        "totals": totals_json(results),
        "leave_balance": {"year": balance.year, "entitled_days": balance.entitled_days,
                          "used_days": balance.used_days, "remaining_days": balance.remaining_days},
    }


def month_punches(*, session: Session, staff: Staff, start: date, end: date) -> list[dict[str, Any]]:
    """Raw punches of a person between two local dates (quarantined ones flagged, not hidden)."""
    zone = unit_zone_by_id(session=session, unit_id=staff.unit_id)
    low, _ = local_day_bounds(start, zone)
    _, high = local_day_bounds(end, zone)
    owner = col(Punch.staff_id) == staff.id
    if staff.pin:
        owner = owner | ((col(Punch.staff_id).is_(None)) & (col(Punch.pin) == staff.pin))
    late = LateOwners(session, [staff.id or 0])
    rows = [p for p in session.exec(select(Punch).where(owner, col(Punch.punched_at) >= low,
                                                        col(Punch.punched_at) < high).order_by(col(Punch.punched_at)))
            if p.staff_id is not None or late.owner(p.pin_scope_id, p.pin) == staff.id]
    return [{"id": p.id, "at": to_local(p.punched_at, zone).isoformat(), "source": p.source,
             "device": p.device_serial, "quarantined": p.quarantined, "note": p.note, "verify": p.verify}
            for p in rows]


def session_json(result: SessionResult) -> dict[str, Any]:
    return {
        "session": result.session.value,
        "status": result.status.value,
        "check_in": result.check_in.strftime("%H:%M:%S") if result.check_in else None,
        "check_out": result.check_out.strftime("%H:%M:%S") if result.check_out else None,
        "late_minutes": result.late_minutes,
        "early_minutes": result.early_minutes,
        "excuse_kind": result.excuse_kind,
        "explained_late_minutes": result.explained_late_minutes,
        "explained_early_minutes": result.explained_early_minutes,
        "explained_missing": result.explained_missing,
    }


def day_json(day: DayResult) -> dict[str, Any]:
    return {"date": day.day.isoformat(), "morning": session_json(day.morning),
            "afternoon": session_json(day.afternoon)}


def board_json(rows: list[BoardRow], unit: Unit, day: date) -> dict[str, Any]:
    return {
        "unit": {"id": unit.id, "path": unit.path},
        "date": day.isoformat(),
        "staff": [{"staff_id": r.staff_id, "code": r.code, "full_name": r.full_name, "unit_id": r.unit_id,
                   **{k: v for k, v in day_json(r.day).items() if k != "date"}} for r in rows],
        "summary": totals_json([r.day for r in rows]),
    }


def totals_json(days: list[DayResult]) -> dict[str, int]:
    """Counts over sessions: scheduled, attended, late, early, missing, absent, excused."""
    totals = {"sessions_scheduled": 0, "sessions_present": 0, "late_count": 0, "late_minutes": 0,
              "early_count": 0, "early_minutes": 0, "missing_punches": 0, "absent_sessions": 0,
              "excused_sessions": 0, "not_yet_due": 0, "sessions_due": 0, "explained_late_count": 0, "explained_late_minutes": 0,
              "explained_early_count": 0, "explained_early_minutes": 0, "explained_missing_punches": 0}
    for day in days:
        for result in day.sessions:
            if not result.scheduled:
                continue
            totals["sessions_scheduled"] += 1
            totals["sessions_present"] += result.attended
            totals["late_count"] += result.late_minutes > 0
            totals["late_minutes"] += result.late_minutes
            totals["early_count"] += result.early_minutes > 0
            totals["early_minutes"] += result.early_minutes
            totals["missing_punches"] += result.status in (SessionStatus.MISSING_CHECK_IN,
                                                           SessionStatus.MISSING_CHECK_OUT)
            totals["absent_sessions"] += result.status is SessionStatus.ABSENT
            totals["excused_sessions"] += result.status is SessionStatus.EXCUSED
            totals["not_yet_due"] += result.status is SessionStatus.NOT_YET_DUE
            # "x of y sessions": y counts only sessions already due, not the rest of the month.
            totals["sessions_due"] += result.status is not SessionStatus.NOT_YET_DUE or result.attended
            totals["explained_late_count"] += result.explained_late_minutes > 0
            totals["explained_late_minutes"] += result.explained_late_minutes
            totals["explained_early_count"] += result.explained_early_minutes > 0
            totals["explained_early_minutes"] += result.explained_early_minutes
            totals["explained_missing_punches"] += result.explained_missing
    return totals
