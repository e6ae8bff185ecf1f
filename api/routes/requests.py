"""Leave requests and explanations (giải trình): file, list, approve, reject, cancel."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query

from api.auth.principal import Principal
from api.auth.roles import Permission
from api.deps import MAX_ID, CurrentRequest, SessionDep, require
from api.schemas.activity import DecisionIn, RequestCreate, RequestPublic
from api.schemas.common import COMMON_RESPONSES, Page
from api.services.paging import Limit, Offset
from api.services.request_scope import actor_names, ensure_may_decide, visible_condition
from api.services.scope import visible_staff
from attendance.leave import cancel, decide, file_request
from attendance.models import ExcuseKind, RequestStatus, RequestType, Staff
from attendance.models import Request as LeaveRequest
from attendance.request_list import RequestFilter, find_requests

router = APIRouter(prefix="/api/requests", tags=["requests"], responses=COMMON_RESPONSES)
RequestsRead = Annotated[Principal, Depends(require(Permission.REQUESTS_READ))]
RequestsFile = Annotated[Principal, Depends(require(Permission.REQUESTS_FILE))]
RequestsDecide = Annotated[Principal, Depends(require(Permission.REQUESTS_DECIDE))]
Day = Annotated[date, Query(ge=date(1900, 1, 1), le=date(2200, 12, 31))]


@router.get("", summary="Requests the caller may see (staff: their own), filterable and paginated")
def list_requests(session: SessionDep, principal: RequestsRead, limit: Limit = 50, offset: Offset = 0,
                  staff_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
                  status: RequestStatus | None = None, type: RequestType | None = None,
                  kind: ExcuseKind | None = None,
                  unit_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="the unit and its sub-units")]
                  = None,
                  person: Annotated[str | None, Query(max_length=100, description="part of a name or code")] = None,
                  start: Annotated[Day | None, Query(description="requests ending on or after")] = None,
                  end: Annotated[Day | None, Query(description="requests starting on or before")] = None,
                  ) -> Page[RequestPublic]:
    where = RequestFilter(statuses=(status,) if status else (), type=type, kind=kind, staff_id=staff_id,
                          person=person or None, unit_id=unit_id, start=start, end=end)
    found = find_requests(session=session, where=where, visible=visible_condition(principal), limit=limit,
                          offset=offset)
    names = actor_names(session, [row.request.decided_by for row in found.rows])
    items = [RequestPublic.model_validate(row.request).model_copy(
        update={"decided_by_name": names.get(row.request.decided_by or "")}) for row in found.rows]
    return Page[RequestPublic](items=items, total=found.total, limit=limit, offset=offset)


@router.post("", status_code=201, summary="File a leave request or an explanation (for oneself, or HR for others)")
def create(body: RequestCreate, session: SessionDep, principal: RequestsFile) -> RequestPublic:
    staff_id = body.staff_id if body.staff_id is not None else principal.staff_id
    if staff_id is None:
        raise HTTPException(422, "this account is not linked to a staff member: give staff_id")
    staff = visible_staff(session, principal, staff_id)
    row = file_request(session=session, staff=staff, type=body.type, kind=body.kind, start_date=body.start_date,
                       end_date=body.end_date, part=body.part, reason=body.reason, actor=principal.actor,
                       punch_at=body.punch_at)
    return RequestPublic.model_validate(row)


@router.get("/{request_id}", summary="One request")
def read(row: CurrentRequest, _: RequestsRead) -> RequestPublic:
    return RequestPublic.model_validate(row)


@router.post("/{request_id}/approve", summary="Approve a pending request (not one's own)")
def approve(body: DecisionIn, row: CurrentRequest, session: SessionDep, principal: RequestsDecide) -> RequestPublic:
    _not_own(row, principal, session)
    return RequestPublic.model_validate(decide(session=session, request=row, approve=True, actor=principal.actor,
                                               comment=body.comment))


@router.post("/{request_id}/reject", summary="Reject a pending request (not one's own)")
def reject(body: DecisionIn, row: CurrentRequest, session: SessionDep, principal: RequestsDecide) -> RequestPublic:
    _not_own(row, principal, session)
    return RequestPublic.model_validate(decide(session=session, request=row, approve=False, actor=principal.actor,
                                               comment=body.comment))


@router.post("/{request_id}/cancel", summary="Withdraw a pending request (its owner, or whoever may decide it)")
def cancel_request(row: CurrentRequest, session: SessionDep, principal: RequestsRead) -> RequestPublic:
    if row.staff_id != principal.staff_id and not principal.can(Permission.REQUESTS_DECIDE):
        raise HTTPException(403, "only the requester or an approver may cancel a request")
    return RequestPublic.model_validate(cancel(session=session, request=row, actor=principal.actor))


def _not_own(row: LeaveRequest, principal: Principal, session: SessionDep) -> None:
    if principal.staff_id is not None and row.staff_id == principal.staff_id:
        raise HTTPException(403, "nobody decides their own request")
    staff = session.get(Staff, row.staff_id)
    assert staff is not None
    ensure_may_decide(principal, row, staff)
