"""The requests page's actions on many or on decided requests: bulk decisions, revocation, documents."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from starlette.requests import Request as HttpRequest
from starlette.responses import Response

from api.auth.roles import Permission
from api.deps import SessionDep, client_address
from api.pages.deps import PageForbidden, PageRoute, PageUser, require
from api.pages.i18n import language_of, translate
from api.pages.params import IdPath
from api.pages.requests import back, own_scope, requests_page
from api.routes.request_workflow import attachment_response
from api.services.request_scope import may_decide, may_revoke, may_see
from attendance.errors import AttendanceError
from attendance.models import Request, Staff
from attendance.models.requests import OPEN_STATUSES
from attendance.request_actions import decide_many, revoke
from attendance.request_files import attach, open_attachment, sealer
from config import get_settings

router = APIRouter(route_class=PageRoute)


@router.post("/requests/decisions", include_in_schema=False)
def bulk_decision_page(request: HttpRequest, session: SessionDep, user: PageUser,
                       decision: Annotated[str, Form()], comment: Annotated[str, Form(max_length=2000)] = "",
                       request_ids: Annotated[list[int] | None, Form(max_length=500)] = None) -> Response:
    """Approve or reject the chosen requests with one comment; say what was done and what was not."""
    require(user, Permission.REQUESTS_DECIDE)
    language = language_of(request)
    if decision not in ("approve", "reject"):
        return back(session, translate("req.choose_decision", language))

    def allowed(row: Request) -> bool:
        staff = session.get(Staff, row.staff_id)
        return staff is not None and may_see(user, staff) and (
            row.status not in OPEN_STATUSES or may_decide(user, row, staff))

    if not request_ids:
        return back(session, translate("req.bulk_none", language))
    outcome = decide_many(session=session, request_ids=request_ids, approve=decision == "approve",
                          actor=user.actor, comment=comment.strip() or None, may_decide=allowed)
    key = "req.bulk_approved" if decision == "approve" else "req.bulk_rejected"
    message = translate(key, language, n=len(outcome.decided))
    if outcome.refused:
        reasons = "; ".join(f"#{r.request_id}: {r.error.message(language)}" for r in outcome.refused[:5])
        message += " " + translate("req.bulk_refused", language, n=len(outcome.refused), reasons=reasons)
    return back(session, message)


@router.post("/requests/{request_id}/revoke", include_in_schema=False)
def revoke_page(request: HttpRequest, session: SessionDep, user: PageUser, request_id: IdPath,
                reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    require(user, Permission.REQUESTS_DECIDE)
    row, staff = own_scope(session, user, request_id)
    if not may_revoke(user, staff):
        raise PageForbidden
    try:
        revoke(session=session, request=row, actor=user.actor, reason=reason)
    except AttendanceError as err:  # a closed month, a reason left out: said on the list, not an error page
        session.rollback()
        return requests_page(request, session, user, error=err.message(language_of(request)))
    return back(session, translate("req.revoked_msg", language_of(request), name=staff.full_name))


@router.post("/requests/{request_id}/attachments", include_in_schema=False)
def attach_page(request: HttpRequest, session: SessionDep, user: PageUser, request_id: IdPath,
                      attachment: Annotated[UploadFile, File()]) -> Response:
    row, staff = own_scope(session, user, request_id)
    if staff.id != user.staff_id and not user.can(Permission.REQUESTS_FILE):
        raise PageForbidden
    policy = get_settings().requests
    data = attachment.file.read(policy.max_attachment_bytes + 1)
    try:
        attach(session=session, request=row, filename=attachment.filename or "", data=data, actor=user.actor,
               sealer=sealer(), max_bytes=policy.max_attachment_bytes, max_count=policy.max_attachments)
    except AttendanceError as err:
        session.rollback()
        return requests_page(request, session, user, error=err.message(language_of(request)))
    return back(session, translate("req.attached_msg", language_of(request)))


@router.get("/requests/{request_id}/attachments/{attachment_id}", include_in_schema=False)
def attachment_page(request: HttpRequest, session: SessionDep, user: PageUser, request_id: IdPath,
                    attachment_id: IdPath) -> Response:
    """The document, for those who may see the request (the same rule as the request itself); audited."""
    row, _ = own_scope(session, user, request_id)
    stored, data = open_attachment(session=session, request=row, attachment_id=attachment_id, actor=user.actor,
                                   sealer=sealer(), client=client_address(request))
    session.commit()
    return attachment_response(stored.content_type, stored.filename, data)
