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
from attendance.errors import Conflict, Forbidden, InvalidInput, NotFound, OutsideEmployment
from attendance.ledger import IngestResult, PunchIn, ingest_punches
from attendance.models import (
    ExcuseKind,
    Punch,
    PunchSource,
    Request,
    RequestStatus,
    RequestType,
    SessionPart,
    Staff,
    Unit,
)
from attendance.models.requests import OPEN_STATUSES
from attendance.month_lock import ensure_open_for_staff
from attendance.org import ancestors
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
                 actor: str, punch_at: datetime | None = None) -> Request:
    """File a leave request, an explanation or a punch request; it waits for a head's decision."""
    request_type = _enum(RequestType, type, "request type")
    if request_type is RequestType.PUNCH:
        if punch_at is None or punch_at.tzinfo is None:
            raise InvalidInput(code="request.needs_punch_time")
        start_date = end_date = punch_at.astimezone(unit_zone_by_id(session=session, unit_id=staff.unit_id)).date()
    if request_type in (RequestType.EXPLANATION, RequestType.PUNCH):
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
    if request_type is not RequestType.PUNCH:
        _check_no_overlap(session, staff, start_date, end_date, session_part)
    assert staff.id is not None
    ensure_open_for_staff(session=session, staff_id=staff.id, start=start_date, end=end_date)
    row = Request(staff_id=staff.id, type=request_type, kind=excuse_kind, start_date=start_date,
                  end_date=end_date, part=session_part, reason=reason.strip(), created_by=actor,
                  created_at=utcnow(), punch_at=punch_at if request_type is RequestType.PUNCH else None)
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
    """Approve or reject an open request, once: of two decisions at the same time exactly one wins.

    The state change is a compare-and-set (UPDATE ... WHERE status = <the state it was read in>);
    the loser gets a Conflict naming who decided. In a unit with two-step approval the first
    approval moves the request to "awaiting second approval"; only a second person's approval
    makes it take effect. Approving a punch request adds its manual punch."""
    _ensure_open(request)
    if approve:
        ensure_open_for_staff(session=session, staff_id=request.staff_id, start=request.start_date,
                              end=request.end_date)
    before = audit.snapshot(request)
    expected = RequestStatus(request.status)
    now = utcnow()
    if approve and expected is RequestStatus.PENDING and needs_second_approval(session=session,
                                                                               staff_id=request.staff_id):
        compare_and_set(session, request, expected=expected, status=RequestStatus.AWAITING_SECOND,
                         first_decided_by=actor, first_decided_at=now, first_comment=comment)
        audit.record(session=session, actor=actor, action=f"{request.type}.first_approval", entity="request",
                     entity_id=request.id, before=before, after=audit.snapshot(request), reason=comment)
        return request
    if expected is RequestStatus.AWAITING_SECOND and request.first_decided_by == actor:
        raise Conflict(code="request.same_approver", request_id=request.id)
    status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    compare_and_set(session, request, expected=expected, status=status, decided_by=actor, decided_at=now,
                     decision_comment=comment)
    if approve and request.type == RequestType.PUNCH:
        _add_requested_punch(session, request, actor)
    audit.record(session=session, actor=actor, action=f"{request.type}.{request.status}", entity="request",
                 entity_id=request.id, before=before, after=audit.snapshot(request), reason=comment)
    return request


def needs_second_approval(*, session: Session, staff_id: int) -> bool:
    """True when the person's unit, or the nearest ancestor that says, asks for two approvals."""
    staff = session.get(Staff, staff_id)
    unit = session.get(Unit, staff.unit_id) if staff is not None else None
    return unit is not None and unit_needs_second_approval(session=session, unit=unit)


def unit_needs_second_approval(*, session: Session, unit: Unit) -> bool:
    """The unit's own two-step setting, else the nearest ancestor's, else one approval."""
    for candidate in ancestors(session=session, unit=unit):
        if candidate.two_step_approval is not None:
            return candidate.two_step_approval
    return False


def cancel(*, session: Session, request: Request, actor: str) -> Request:
    """Withdraw a request that is still waiting for a decision."""
    if request.status not in OPEN_STATUSES:
        raise Conflict(code="request.not_pending", status=request.status)
    before = audit.snapshot(request)
    compare_and_set(session, request, expected=RequestStatus(request.status), status=RequestStatus.CANCELLED)
    audit.record(session=session, actor=actor, action=f"{request.type}.cancel", entity="request",
                 entity_id=request.id, before=before, after=audit.snapshot(request))
    return request


def add_manual_punch(*, session: Session, staff: Staff, at: datetime, reason: str, actor: str,
                     actor_staff_id: int | None = None) -> IngestResult:
    """HR records a punch the person made but no device kept: a new ledger entry, with its reason.

    Nobody adds a manual punch for themselves (`actor_staff_id` is the actor's own record): they
    file a punch request, which someone else approves."""
    if actor_staff_id is not None and actor_staff_id == staff.id:
        raise Forbidden(code="punch.not_for_oneself")
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
            if row.type == RequestType.PUNCH:
                continue  # its effect is the manual punch, not an excuse
            excuse = Excuse(kind=row.kind, sessions=_PART_SESSIONS[SessionPart(row.part)], request_id=row.id,
                            explanation=row.type == RequestType.EXPLANATION)
            day = max(row.start_date, start)
            while day <= min(row.end_date, end):
                result[(row.staff_id, day)].append(excuse)
                day += timedelta(days=1)
    return result


def _ensure_open(request: Request) -> None:
    if request.status in OPEN_STATUSES:
        return
    if request.status in (RequestStatus.APPROVED, RequestStatus.REJECTED):
        at = request.decided_at.isoformat(timespec="seconds") if request.decided_at else "?"
        raise Conflict(f"request {request.id} was already {request.status} by {request.decided_by} at {at}",
                       code="request.already_decided", request_id=request.id, status=request.status)
    raise Conflict(code="request.already_decided", request_id=request.id, status=request.status)


def compare_and_set(session: Session, request: Request, *, expected: RequestStatus = RequestStatus.PENDING,
                     **values: object) -> None:
    """Move a request from `expected` to new values in one conditional UPDATE; refuse if someone moved it first."""
    session.flush()
    changed = session.execute(
        update(Request).where(col(Request.id) == request.id, col(Request.status) == expected)
        .values(**values).execution_options(synchronize_session=False))
    session.refresh(request)
    if getattr(changed, "rowcount", 0) != 1:
        if expected in OPEN_STATUSES:
            _ensure_open(request)
        raise Conflict(code="request.changed", request_id=request.id)


def _add_requested_punch(session: Session, request: Request, actor: str) -> None:
    """The manual punch an approved punch request asks for, remembered so a revocation can void it."""
    staff = session.get(Staff, request.staff_id)
    assert staff is not None and request.punch_at is not None
    result = add_manual_punch(session=session, staff=staff, at=request.punch_at, reason=request.reason or "",
                              actor=actor)
    if not result.stored:
        return  # the ledger already had this punch: not this request's to void later
    punch_id = session.exec(select(Punch.id).where(
        Punch.source == PunchSource.MANUAL, Punch.staff_id == staff.id, Punch.punched_at == request.punch_at)
        .order_by(col(Punch.id).desc())).first()
    request.punch_id = punch_id
    session.add(request)
    session.flush()


def _check_no_overlap(session: Session, staff: Staff, start: date, end: date, part: SessionPart) -> None:
    rows = session.exec(select(Request).where(
        Request.staff_id == staff.id,
        col(Request.status).in_([*OPEN_STATUSES, RequestStatus.APPROVED]),
        col(Request.type) != RequestType.PUNCH,  # a punch request excuses nothing: it cannot overlap
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
