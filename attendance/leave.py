"""Leave requests and explanations: file, approve, reject, cancel; manual punches by HR.

Approved requests excuse the sessions they cover (DOMAIN.md R8-R9). Every decision is audited;
raw punches are never edited: a manual punch is a new ledger entry with its reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from attendance import audit
from attendance.errors import Conflict, InvalidInput, NotFound, OutsideEmployment
from attendance.ledger import IngestResult, PunchIn, ingest_punches
from attendance.models import ExcuseKind, PunchSource, Request, RequestStatus, RequestType, SessionPart, Staff
from attendance.month_lock import ensure_open_for_staff
from attendance.rules import Excuse, SessionName
from attendance.staff import ledger_pin
from attendance.timeutil import utcnow
from attendance.zones import unit_zone_by_id

MANUAL_DEVICE = "manual"
MAX_REQUEST_DAYS = 366
_PART_SESSIONS = {
    SessionPart.ALL: frozenset({SessionName.MORNING, SessionName.AFTERNOON}),
    SessionPart.MORNING: frozenset({SessionName.MORNING}),
    SessionPart.AFTERNOON: frozenset({SessionName.AFTERNOON}),
}


def file_request(*, session: Session, staff: Staff, type: str, kind: str | None, start_date: date,
                 end_date: date | None = None, part: str = SessionPart.ALL, reason: str = "",
                 actor: str) -> Request:
    """File a leave request or an explanation; it waits for a head's decision."""
    request_type = _enum(RequestType, type, "request type")
    if request_type is RequestType.EXPLANATION:
        kind = ExcuseKind.EXPLANATION
        if not reason.strip():
            raise InvalidInput(code="request.needs_reason")
    excuse_kind = _enum(ExcuseKind, kind or "", "leave kind")
    if request_type is RequestType.LEAVE and excuse_kind is ExcuseKind.EXPLANATION:
        raise InvalidInput(code="request.explanation_not_leave")
    end_date = end_date or start_date
    if end_date < start_date:
        raise InvalidInput(code="request.ends_before_start")
    if (end_date - start_date).days >= MAX_REQUEST_DAYS:
        raise InvalidInput(code="request.too_long", days=MAX_REQUEST_DAYS)
    session_part = _enum(SessionPart, part, "session part")
    if (staff.start_date and start_date < staff.start_date) or (staff.end_date and end_date > staff.end_date):
        raise OutsideEmployment(code="request.outside_employment", name=staff.full_name, start=start_date,
                                end=end_date)
    _check_no_overlap(session, staff, start_date, end_date, session_part)
    assert staff.id is not None
    ensure_open_for_staff(session=session, staff_id=staff.id, start=start_date, end=end_date)
    row = Request(staff_id=staff.id, type=request_type, kind=excuse_kind, start_date=start_date,
                  end_date=end_date, part=session_part, reason=reason.strip(), created_by=actor,
                  created_at=utcnow())
    session.add(row)
    session.flush()
    audit.record(session=session, actor=actor, action=f"{request_type.value}.file", entity="request",
                 entity_id=row.id, after=audit.snapshot(row))
    return row


def get_request(*, session: Session, request_id: int) -> Request:
    row = session.get(Request, request_id)
    if row is None:
        raise NotFound(code="request.unknown_id", request_id=request_id)
    return row


def decide(*, session: Session, request: Request, approve: bool, actor: str, comment: str | None = None) -> Request:
    """Approve or reject a pending request, once: of two decisions at the same time exactly one wins.

    The state change is a compare-and-set (UPDATE ... WHERE status = 'pending'); the loser gets a
    Conflict naming who decided."""
    _ensure_pending(request)
    if approve:
        ensure_open_for_staff(session=session, staff_id=request.staff_id, start=request.start_date,
                              end=request.end_date)
    before = audit.snapshot(request)
    status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    _compare_and_set(session, request, status=status, decided_by=actor, decided_at=utcnow(),
                     decision_comment=comment)
    audit.record(session=session, actor=actor, action=f"{request.type}.{request.status}", entity="request",
                 entity_id=request.id, before=before, after=audit.snapshot(request), reason=comment)
    return request


def cancel(*, session: Session, request: Request, actor: str) -> Request:
    """Withdraw a request that is still pending."""
    if request.status != RequestStatus.PENDING:
        raise Conflict(code="request.not_pending", status=request.status)
    before = audit.snapshot(request)
    _compare_and_set(session, request, status=RequestStatus.CANCELLED)
    audit.record(session=session, actor=actor, action=f"{request.type}.cancel", entity="request",
                 entity_id=request.id, before=before, after=audit.snapshot(request))
    return request


def add_manual_punch(*, session: Session, staff: Staff, at: datetime, reason: str, actor: str) -> IngestResult:
    """HR records a punch the person made but no device kept: a new ledger entry, with its reason."""
    if not reason.strip():
        raise InvalidInput(code="punch.needs_reason")
    if at.tzinfo is None:
        raise InvalidInput(code="punch.needs_zone")
    assert staff.id is not None
    day = at.astimezone(unit_zone_by_id(session=session, unit_id=staff.unit_id)).date()
    ensure_open_for_staff(session=session, staff_id=staff.id, start=day, end=day)
    pin = ledger_pin(staff)
    result = ingest_punches(session=session, punches=[PunchIn(
        source=PunchSource.MANUAL, device_serial=MANUAL_DEVICE, pin=pin, device_time=at,
        staff_id=staff.id, note=reason.strip(), created_by=actor)])
    if result.rejected:
        raise InvalidInput(result.rejected[0].reason, code="punch.rejected", reason=result.rejected[0].reason)
    audit.record(session=session, actor=actor, action="punch.manual", entity="staff", entity_id=staff.id,
                 after={"at": at.isoformat(), "stored": result.stored}, reason=reason.strip())
    return result


def approved_excuses(*, session: Session, staff_ids: Iterable[int], start: date, end: date
                     ) -> dict[tuple[int, date], list[Excuse]]:
    """Approved requests overlapping [start, end], as excuses per (staff, day)."""
    ids = list(staff_ids)
    result: dict[tuple[int, date], list[Excuse]] = defaultdict(list)
    for offset in range(0, len(ids), 900):
        rows = session.exec(select(Request).where(
            col(Request.staff_id).in_(ids[offset:offset + 900]), Request.status == RequestStatus.APPROVED,
            Request.start_date <= end, Request.end_date >= start))
        for row in rows:
            excuse = Excuse(kind=row.kind, sessions=_PART_SESSIONS[SessionPart(row.part)], request_id=row.id,
                            explanation=row.type == RequestType.EXPLANATION)
            day = max(row.start_date, start)
            while day <= min(row.end_date, end):
                result[(row.staff_id, day)].append(excuse)
                day += timedelta(days=1)
    return result


def _ensure_pending(request: Request) -> None:
    if request.status == RequestStatus.PENDING:
        return
    if request.status in (RequestStatus.APPROVED, RequestStatus.REJECTED):
        at = request.decided_at.isoformat(timespec="seconds") if request.decided_at else "?"
        raise Conflict(f"request {request.id} was already {request.status} by {request.decided_by} at {at}",
                       code="request.already_decided", request_id=request.id, status=request.status)
    raise Conflict(code="request.already_decided", request_id=request.id, status=request.status)


def _compare_and_set(session: Session, request: Request, **values: object) -> None:
    """Move a pending request to new values in one conditional UPDATE; refuse if someone moved it first."""
    session.flush()
    changed = session.execute(
        update(Request).where(col(Request.id) == request.id, col(Request.status) == RequestStatus.PENDING)
        .values(**values).execution_options(synchronize_session=False))
    session.refresh(request)
    if getattr(changed, "rowcount", 0) != 1:
        _ensure_pending(request)
        raise Conflict(code="request.changed", request_id=request.id)


def _check_no_overlap(session: Session, staff: Staff, start: date, end: date, part: SessionPart) -> None:
    rows = session.exec(select(Request).where(
        Request.staff_id == staff.id,
        col(Request.status).in_([RequestStatus.PENDING, RequestStatus.APPROVED]),
        Request.start_date <= end, Request.end_date >= start))
    for row in rows:
        if _PART_SESSIONS[SessionPart(row.part)] & _PART_SESSIONS[part]:
            raise Conflict(code="request.overlaps", other_id=row.id, kind=row.kind, start=row.start_date,
                           end=row.end_date, status=row.status)


def _enum(enum_type, value, what):  # type: ignore[no-untyped-def]
    try:
        return enum_type(value)
    except ValueError as err:
        allowed = ", ".join(e.value for e in enum_type)
        raise InvalidInput(code="choice.unknown", what=what, value=value, allowed=allowed) from err
