"""Acting on many requests at once, and taking back an approved one.

A bulk decision is a series of single decisions through `leave.decide`'s compare-and-set: a
request someone else decided meanwhile is reported, never overwritten, and each decision writes
its own audit entry. A revocation undoes an approval: the request stops excusing its sessions
and stops counting against the leave balance (both read approved requests only), and the manual
punch a punch request added is voided (quarantined, with the reason), never deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from attendance import audit
from attendance.errors import AttendanceError, Conflict, InvalidInput
from attendance.leave import compare_and_set, decide
from attendance.models import Punch, Request, RequestStatus
from attendance.month_lock import ensure_open_for_staff
from attendance.timeutil import utcnow


@dataclass(frozen=True, slots=True)
class Refusal:
    """One request of a bulk decision that was left as it was, and why."""

    request_id: int
    error: AttendanceError


@dataclass(slots=True)
class BulkOutcome:
    decided: list[Request] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


def decide_many(*, session: Session, request_ids: Sequence[int], approve: bool, actor: str,
                comment: str | None = None, may_decide: Callable[[Request], bool] | None = None) -> BulkOutcome:
    """Approve or reject each request with one comment; those that cannot be decided are reported.

    `may_decide` is the caller's scope rule (who may decide which request); a request it refuses
    is reported like one decided meanwhile."""
    ids = list(dict.fromkeys(request_ids))
    if not ids:
        raise InvalidInput(code="request.none_chosen")
    rows: dict[int, Request] = {}
    for offset in range(0, len(ids), 900):
        for loaded in session.exec(select(Request).where(col(Request.id).in_(ids[offset:offset + 900]))):
            assert loaded.id is not None
            rows[loaded.id] = loaded
    outcome = BulkOutcome()
    for request_id in ids:
        found = rows.get(request_id)
        if found is None:
            outcome.refused.append(Refusal(request_id, InvalidInput(code="request.unknown_id",
                                                                    request_id=request_id)))
            continue
        row = found
        if may_decide is not None and not may_decide(row):
            outcome.refused.append(Refusal(request_id, Conflict(code="request.not_yours_to_decide",
                                                                request_id=request_id)))
            continue
        # Each decision in its own savepoint: one that fails half-way (a punch the ledger refuses after
        # the approval) leaves nothing behind, and the others still go through.
        savepoint = session.begin_nested()
        try:
            decided = decide(session=session, request=row, approve=approve, actor=actor, comment=comment)
        except AttendanceError as err:
            savepoint.rollback()
            outcome.refused.append(Refusal(request_id, err))
            continue
        savepoint.commit()
        outcome.decided.append(decided)
    return outcome


def revoke(*, session: Session, request: Request, actor: str, reason: str) -> Request:
    """Take back an approved request: audited, its effect undone; refused in a closed month."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput(code="request.revoke_needs_reason")
    if request.status != RequestStatus.APPROVED:
        raise Conflict(code="request.not_approved", request_id=request.id, status=request.status)
    ensure_open_for_staff(session=session, staff_id=request.staff_id, start=request.start_date,
                          end=request.end_date)
    before = audit.snapshot(request)
    compare_and_set(session, request, expected=RequestStatus.APPROVED, status=RequestStatus.REVOKED,
                     revoked_by=actor, revoked_at=utcnow(), revoke_reason=reason)
    if request.punch_id is not None:
        _void_punch(session, request, actor, reason)
    audit.record(session=session, actor=actor, action=f"{request.type}.revoke", entity="request",
                 entity_id=request.id, before=before, after=audit.snapshot(request), reason=reason)
    return request


def _void_punch(session: Session, request: Request, actor: str, reason: str) -> None:
    """The manual punch stays in the ledger as evidence, quarantined: the evaluation no longer counts it."""
    punch = session.get(Punch, request.punch_id)
    if punch is None or punch.quarantined:
        return
    before = audit.snapshot(punch)
    punch.quarantined = True
    punch.quarantine_reason = f"voided: request {request.id} revoked"
    session.add(punch)
    session.flush()
    audit.record(session=session, actor=actor, action="punch.void", entity="punch", entity_id=punch.id,
                 before=before, after=audit.snapshot(punch), reason=reason)
