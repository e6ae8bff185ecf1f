"""Requests: staff file leave and explanations; heads and the personnel office decide, seeing what changes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form
from sqlmodel import Session, col, select
from starlette.requests import Request as HttpRequest
from starlette.responses import HTMLResponse, RedirectResponse, Response

from api.auth.principal import Principal
from api.auth.roles import Permission
from api.deps import SessionDep
from api.pages.deps import PageForbidden, PageRoute, PageUser, require, require_staff
from api.pages.form_types import LocalDate, OptionalLocalDate
from api.pages.i18n import language_of, translate
from api.pages.params import IdPath
from api.pages.render import flash_redirect, render, session_label
from api.pages.scope import today, visible_staff
from attendance.errors import AttendanceError, InvalidInput
from attendance.evaluation import evaluate_period
from attendance.leave import cancel, decide, file_request, get_request
from attendance.leave_charge import charged_days, leave_balance
from attendance.models import ExcuseKind, Request, RequestStatus, SessionPart, Staff
from attendance.queries import session_json
from attendance.rules import SessionStatus
from attendance.staff import get_staff

router = APIRouter(route_class=PageRoute)

LEAVE_KINDS = [k.value for k in ExcuseKind if k is not ExcuseKind.EXPLANATION]
_PARTS = {SessionPart.ALL: ("morning", "afternoon"), SessionPart.MORNING: ("morning",),
          SessionPart.AFTERNOON: ("afternoon",)}


@router.get("/requests", response_class=HTMLResponse, include_in_schema=False)
def requests_page(request: HttpRequest, session: SessionDep, user: PageUser, type: str = "leave",
                  date: str | None = None, error: str | None = None) -> HTMLResponse:
    require(user, Permission.REQUESTS_READ, Permission.REQUESTS_FILE, Permission.SELF_READ)
    language = language_of(request)
    rows = _visible_requests(session, user)
    pending = [(rq, staff, request_effect(session=session, request=rq, language=language))
               for rq, staff in rows if rq.status == RequestStatus.PENDING]
    decided = [(rq, staff) for rq, staff in rows if rq.status != RequestStatus.PENDING][:50]
    people = visible_staff(session=session, principal=user) if user.can(Permission.REQUESTS_DECIDE) else []
    return render(request, "requests.html", {
        "pending": pending, "decided": decided, "people": people, "kinds": LEAVE_KINDS,
        "form": {"type": type if type in ("leave", "explanation") else "leave",
                 "date": date or today().isoformat()},
        "can_decide": user.can(Permission.REQUESTS_DECIDE), "error": error,
    }, user=user, status_code=422 if error else 200)


@router.post("/requests", include_in_schema=False)
def file_page(request: HttpRequest, session: SessionDep, user: PageUser,
              type: Annotated[str, Form()], start_date: Annotated[LocalDate, Form()],
              end_date: Annotated[OptionalLocalDate, Form()] = None, kind: Annotated[str, Form()] = "",
              part: Annotated[str, Form()] = "all", reason: Annotated[str, Form()] = "",
              staff_id: Annotated[int | None, Form()] = None) -> Response:
    require(user, Permission.REQUESTS_FILE, Permission.SELF_READ)
    staff_id = staff_id or user.staff_id
    if staff_id is None:
        raise InvalidInput(code="request.choose_person")
    staff = get_staff(session=session, staff_id=staff_id)
    if staff_id != user.staff_id and not user.can(Permission.REQUESTS_FILE):
        raise PageForbidden
    require_staff(user, staff_id=staff_id, unit_id=staff.unit_id)
    language = language_of(request)
    try:
        file_request(session=session, staff=staff, type=type, kind=kind or None, start_date=start_date,
                     end_date=end_date, part=part, reason=reason, actor=user.actor)
    except AttendanceError as err:
        session.rollback()
        return requests_page(request, session, user, type=type, date=start_date.isoformat(),
                             error=err.message(language))
    return _back(session, translate("req.filed", language))


@router.post("/requests/{request_id}/decide", include_in_schema=False)
def decide_page(request: HttpRequest, session: SessionDep, user: PageUser, request_id: IdPath,
                decision: Annotated[str, Form()], comment: Annotated[str, Form()] = "") -> Response:
    require(user, Permission.REQUESTS_DECIDE)
    row, staff = _own_scope(session, user, request_id)
    if staff.id == user.staff_id:
        raise PageForbidden
    if decision not in ("approve", "reject"):
        raise InvalidInput(code="request.unknown_decision", decision=decision)
    language = language_of(request)
    effect = request_effect(session=session, request=row, language=language)
    decide(session=session, request=row, approve=decision == "approve", actor=user.actor,
           comment=comment.strip() or None)
    if decision == "approve":
        return _back(session, translate("req.approved_msg", language, effect=effect["summary"]))
    return _back(session, translate("req.rejected_msg", language))


@router.post("/requests/{request_id}/cancel", include_in_schema=False)
def cancel_page(request: HttpRequest, session: SessionDep, user: PageUser, request_id: IdPath) -> Response:
    row, staff = _own_scope(session, user, request_id)
    if staff.id != user.staff_id and not user.can(Permission.REQUESTS_FILE):
        raise PageForbidden
    cancel(session=session, request=row, actor=user.actor)
    return _back(session, translate("req.cancelled_msg", language_of(request)))


def request_effect(*, session: Session, request: Request, language: str) -> dict[str, Any]:
    """What approving the request changes: the sessions that become excused, the annual leave left."""
    periods = evaluate_period(session=session, start=request.start_date, end=request.end_date,
                              staff_ids=[request.staff_id])
    changed: list[str] = []
    becomes = translate(f"kind.{request.kind}", language)
    for day in periods[0].days if periods else []:
        for name in _PARTS[SessionPart(request.part)]:
            result = getattr(day, name)
            if result.scheduled and result.status is not SessionStatus.EXCUSED:
                label = session_label(session_json(result), language)
                changed.append(f"{translate('session.' + name, language)} {day.day:%d/%m}: {label} → {becomes}")
    lines = [translate("req.effect_sessions", language, n=len(changed)) if changed
             else translate("req.effect_none", language)]
    if request.kind == ExcuseKind.ANNUAL_LEAVE and changed:
        staff = session.get(Staff, request.staff_id)
        balance = leave_balance(session=session, staff=staff, year=request.start_date.year)  # type: ignore[arg-type]
        charged = charged_days(session=session, staff_id=request.staff_id, start=request.start_date,
                               end=request.end_date, part=request.part)
        after = balance.remaining_days - charged
        lines.append(translate("req.effect_balance", language, before=f"{balance.remaining_days:g}", after=f"{after:g}"))
    return {"summary": "; ".join(lines), "sessions": changed[:14], "more": max(0, len(changed) - 14)}


def _visible_requests(session: Session, user: Principal) -> list[tuple[Request, Staff]]:
    query = (select(Request, Staff).join(Staff, col(Staff.id) == col(Request.staff_id))
             .order_by(col(Request.created_at).desc()).limit(300))
    reads_all = user.can(Permission.REQUESTS_READ)
    if not reads_all or user.unit_ids is not None:
        ids = (user.unit_ids or frozenset()) if reads_all else frozenset()
        query = query.where(col(Staff.unit_id).in_(ids) | (col(Staff.id) == user.staff_id))
    return [(rq, staff) for rq, staff in session.exec(query)]


def _own_scope(session: Session, user: Principal, request_id: int) -> tuple[Request, Staff]:
    row = get_request(session=session, request_id=request_id)
    staff = get_staff(session=session, staff_id=row.staff_id)
    require_staff(user, staff_id=staff.id, unit_id=staff.unit_id)  # type: ignore[arg-type]
    return row, staff


def _back(session: Session, message: str) -> RedirectResponse:
    return flash_redirect(session, "/requests", message)
