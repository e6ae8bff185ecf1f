"""Annual leave charged in working sessions of the person's own calendar (DOMAIN.md R8-R9).

A leave day is charged only where the person had to work: the unit's weekly pattern, holidays,
make-up Saturdays and the person's employment decide, exactly as the evaluation does; a session
counts half a day. The balance, the approval preview, the month page and the reports use this.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from attendance.evaluation import evaluate_period
from attendance.models import ExcuseKind, Request, RequestStatus, SessionPart, Staff
from attendance.rules import SessionName

_PART_SESSIONS = {
    SessionPart.ALL: frozenset({SessionName.MORNING, SessionName.AFTERNOON}),
    SessionPart.MORNING: frozenset({SessionName.MORNING}),
    SessionPart.AFTERNOON: frozenset({SessionName.AFTERNOON}),
}


@dataclass(frozen=True, slots=True)
class LeaveBalance:
    year: int
    entitled_days: float
    used_days: float

    @property
    def remaining_days(self) -> float:
        return self.entitled_days - self.used_days


def annual_leave_entitlement(staff: Staff, year: int) -> float:
    """12 days, plus one per full 5 years of service (DOMAIN.md R8)."""
    if staff.start_date is None:
        return 12.0
    years = max(0, year - staff.start_date.year)
    return 12.0 + years // 5


def charged_days(*, session: Session, staff_id: int, start: date, end: date, part: str = SessionPart.ALL) -> float:
    """Days a request from `start` to `end` takes: half a day per working session it covers."""
    sessions = _PART_SESSIONS[SessionPart(part)]
    periods = evaluate_period(session=session, start=start, end=end, staff_ids=[staff_id])
    if not periods:
        return 0.0
    return 0.5 * sum(1 for day in periods[0].days for result in day.sessions
                     if result.session in sessions and result.scheduled)


def leave_balance(*, session: Session, staff: Staff, year: int) -> LeaveBalance:
    """Annual leave entitled and used (approved requests, charged in working sessions) in `year`."""
    assert staff.id is not None
    first, last = date(year, 1, 1), date(year, 12, 31)
    rows = session.exec(select(Request).where(
        Request.staff_id == staff.id, Request.status == RequestStatus.APPROVED,
        Request.kind == ExcuseKind.ANNUAL_LEAVE, Request.start_date <= last, Request.end_date >= first))
    used = sum(charged_days(session=session, staff_id=staff.id, start=max(row.start_date, first),
                            end=min(row.end_date, last), part=row.part) for row in rows)
    return LeaveBalance(year, annual_leave_entitlement(staff, year), used)
