"""The requests' workflow over the API: bulk decisions, revocation, attachments, the pending count."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, UploadFile
from starlette.requests import Request as HttpRequest
from starlette.responses import Response

from api.auth.principal import Principal
from api.auth.roles import Permission
from api.deps import MAX_ID, CurrentRequest, SessionDep, client_address, require
from api.pages.i18n import language_of
from api.schemas.activity import RequestPublic
from api.schemas.common import COMMON_RESPONSES
from api.schemas.request_workflow import (
    AttachmentPublic,
    BulkDecisionIn,
    BulkDecisionOut,
    PendingCount,
    Refused,
    RevokeIn,
)
from api.services.request_scope import may_decide, may_revoke, may_see, pending_badge
from attendance.models import Request, Staff
from attendance.models.requests import OPEN_STATUSES
from attendance.request_actions import decide_many, revoke
from attendance.request_files import attach, attachments_of, open_attachment, sealer
from config import get_settings

router = APIRouter(prefix="/api/requests", tags=["requests"], responses=COMMON_RESPONSES)
RequestsRead = Annotated[Principal, Depends(require(Permission.REQUESTS_READ))]
RequestsFile = Annotated[Principal, Depends(require(Permission.REQUESTS_FILE))]
RequestsDecide = Annotated[Principal, Depends(require(Permission.REQUESTS_DECIDE))]
AttachmentId = Annotated[int, Path(ge=1, le=MAX_ID, description="attachment id")]


@router.get("/pending/count", summary="How many requests wait for the caller's decision")
def pending_count(session: SessionDep, principal: RequestsRead) -> PendingCount:
    return PendingCount(count=pending_badge(session, principal))


@router.post("/decisions", summary="Approve or reject many requests with one comment; each decided once")
def bulk_decision(body: BulkDecisionIn, request: HttpRequest, session: SessionDep,
                  principal: RequestsDecide) -> BulkDecisionOut:
    outcome = decide_many(session=session, request_ids=body.request_ids, approve=body.decision == "approve",
                          actor=principal.actor, comment=(body.comment or "").strip() or None,
                          may_decide=lambda row: _may_decide(session, principal, row))
    language = language_of(request)
    return BulkDecisionOut(
        decided=[RequestPublic.model_validate(row) for row in outcome.decided],
        refused=[Refused(request_id=r.request_id, code=r.error.code or None, detail=str(r.error),
                         message=r.error.message(language)) for r in outcome.refused])


@router.post("/{request_id}/revoke", summary="Take back an approved request (audited; its effect undone)")
def revoke_request(body: RevokeIn, row: CurrentRequest, session: SessionDep,
                   principal: RequestsDecide) -> RequestPublic:
    if not may_revoke(principal, _staff(session, row)):
        raise HTTPException(403, "only someone who decides this person's requests may revoke one")
    return RequestPublic.model_validate(revoke(session=session, request=row, actor=principal.actor,
                                               reason=body.reason))


@router.get("/{request_id}/attachments", summary="The documents filed with a request")
def list_attachments(row: CurrentRequest, session: SessionDep, _: RequestsRead) -> list[AttachmentPublic]:
    assert row.id is not None
    return [AttachmentPublic.model_validate(a) for a in attachments_of(session=session, request_ids=[row.id])
            .get(row.id, [])]


@router.post("/{request_id}/attachments", status_code=201,
             summary="Add a PDF, JPEG or PNG document to a request that waits for a decision")
def add_attachment(file: UploadFile, row: CurrentRequest, session: SessionDep,
                         principal: RequestsFile) -> AttachmentPublic:
    policy = get_settings().requests
    data = file.file.read(policy.max_attachment_bytes + 1)
    stored = attach(session=session, request=row, filename=file.filename or "", data=data, actor=principal.actor,
                    sealer=sealer(), max_bytes=policy.max_attachment_bytes,
                    max_count=policy.max_attachments)
    return AttachmentPublic.model_validate(stored)


@router.get("/{request_id}/attachments/{attachment_id}", response_class=Response,
            summary="One document's bytes (audited), for those who may see the request",
            responses={200: {"content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}}}})
def read_attachment(attachment_id: AttachmentId, row: CurrentRequest, request: HttpRequest, session: SessionDep,
                    principal: RequestsRead) -> Response:
    stored, data = open_attachment(session=session, request=row, attachment_id=attachment_id,
                                   actor=principal.actor, sealer=sealer(),
                                   client=client_address(request))
    return attachment_response(stored.content_type, stored.filename, data)


def attachment_response(content_type: str, filename: str, data: bytes) -> Response:
    """The document as a download: never rendered by the service's origin as a page."""
    from urllib.parse import quote

    return Response(data, media_type=content_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})


def _staff(session: SessionDep, row: Request) -> Staff:
    staff = session.get(Staff, row.staff_id)
    assert staff is not None
    return staff


def _may_decide(session: SessionDep, principal: Principal, row: Request) -> bool:
    """In scope, and decidable by this caller; one decided meanwhile is left to the core to report."""
    staff = _staff(session, row)
    return may_see(principal, staff) and (row.status not in OPEN_STATUSES or may_decide(principal, row, staff))
