"""Requests: staff file leave, explanations and punch requests; heads and the personnel office decide,
seeing what changes; the whole history, filtered and paged on the server."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from sqlmodel import Session
from starlette.requests import Request as HttpRequest
from starlette.responses import HTMLResponse, RedirectResponse, Response

from api.auth.principal import Principal
from api.auth.roles import Permission
from api.deps import SessionDep
from api.pages.deps import PageForbidden, PageRoute, PageUser, require, require_staff
from api.pages.i18n import language_of, translate
from api.pages.pager import PageQuery, pager
from api.pages.params import IdPath, IdQuery
from api.pages.render import flash_redirect, render, session_label
from api.pages.scope import today, visible_staff, visible_units
from api.services.request_scope import (
    actor_names,
    decidable_statuses,
    may_decide,
    may_revoke,
    visible_condition,
)
from attendance import local_input
from attendance.errors import AttendanceError, InvalidInput
from attendance.evaluation import evaluate_period
from attendance.leave import cancel, decide, file_request, get_request
from attendance.leave_charge import charged_days, leave_balance
from attendance.models import ExcuseKind, Request, RequestStatus, RequestType, SessionPart, Staff
from attendance.models.requests import OPEN_STATUSES
from attendance.queries import session_json
from attendance.request_files import attach, attachments_of, sealer
from attendance.request_list import RequestFilter, find_requests
from attendance.rules import SessionStatus
from attendance.staff import get_staff
from attendance.zones import unit_zone_by_id
from config import get_settings

router = APIRouter(route_class=PageRoute)

LEAVE_KINDS = [k.value for k in ExcuseKind if k is not ExcuseKind.EXPLANATION]
TYPES = [t.value for t in RequestType]
STATUSES = [s.value for s in RequestStatus]
_CLOSED = tuple(s for s in RequestStatus if s not in OPEN_STATUSES)
_PARTS = {SessionPart.ALL: ("morning", "afternoon"), SessionPart.MORNING: ("morning",),
          SessionPart.AFTERNOON: ("afternoon",)}
_FORM_FIELDS = ("type", "kind", "start_date", "end_date", "part", "reason", "staff_id", "punch_time")


@router.get("/requests", response_class=HTMLResponse, include_in_schema=False)
def requests_page(request: HttpRequest, session: SessionDep, user: PageUser, type: str = "leave",
                  date: str | None = None, status: str = "", kind: str = "",
                  person: Annotated[str, Query(max_length=100)] = "", unit: IdQuery = None,
                  start: str = "", end: str = "", filter_type: str = "",
                  page: PageQuery = 1,
                  error: str | None = None, form: dict[str, Any] | None = None) -> HTMLResponse:
    require(user, Permission.REQUESTS_READ, Permission.REQUESTS_FILE, Permission.SELF_READ)
    language = language_of(request)
    size = get_settings().requests.page_size
    unit_id = unit if unit is not None and user.sees_unit(unit) else None
    filters = RequestFilter(
        type=filter_type if filter_type in TYPES else None, kind=kind if kind else None,
        person=person.strip() or None, unit_id=unit_id, start=_optional_day(start), end=_optional_day(end))
    visible = visible_condition(user)
    open_page = find_requests(session=session, where=_with_statuses(filters, OPEN_STATUSES), visible=visible,
                              limit=size)
    open_rows = open_page.rows
    chosen = (status,) if status in STATUSES else _CLOSED
    history = find_requests(session=session, where=_with_statuses(filters, chosen), visible=visible, limit=size,
                            offset=(page - 1) * size)
    decidable = decidable_statuses(user)
    pending = [(row, request_effect(session=session, request=row.request, language=language),
                may_decide(user, row.request, row.staff)) for row in open_rows]
    requests_shown = [r.request for r in open_rows] + [r.request for r in history.rows]
    names = actor_names(session, [a for r in requests_shown for a in (r.decided_by, r.first_decided_by,
                                                                        r.revoked_by)])
    files = attachments_of(session=session, request_ids=[r.id for r in requests_shown if r.id is not None])
    people = visible_staff(session=session, principal=user) if user.can(Permission.REQUESTS_DECIDE) else []
    shown_form = {"type": type if type in TYPES else "leave", "start_date": date or today().isoformat(),
                  **(form or {})}
    return render(request, "requests.html", {
        "pending": pending, "pending_total": open_page.total, "history": history, "people": people, "kinds": LEAVE_KINDS, "types": TYPES,
        "statuses": STATUSES, "units": visible_units(session=session, principal=user), "form": shown_form,
        "filters": {"status": status, "kind": kind, "person": person, "unit": unit_id, "start": start, "end": end,
                    "filter_type": filter_type},
        "names": names, "files": files, "can_decide": bool(decidable), "can_bulk": any(d for *_, d in pending),
        "may_revoke": lambda row: may_revoke(user, row.staff),
        "pager": pager(request, total=history.total, page=page, size=size, path="/requests"),
        "max_attachment_mb": f"{get_settings().requests.max_attachment_bytes / 1_000_000:g}",
        "error": error,
    }, user=user, status_code=422 if error else 200)


@router.post("/requests", include_in_schema=False)
def file_page(request: HttpRequest, session: SessionDep, user: PageUser,
                    type: Annotated[str, Form()], start_date: Annotated[str, Form(max_length=20)],
                    end_date: Annotated[str, Form(max_length=20)] = "", kind: Annotated[str, Form()] = "",
                    part: Annotated[str, Form()] = "all", reason: Annotated[str, Form(max_length=2000)] = "",
                    staff_id: Annotated[int | None, Form(ge=1, le=2_147_483_647)] = None,
                    punch_time: Annotated[str, Form(max_length=10)] = "",
                    attachment: Annotated[UploadFile | None, File()] = None) -> Response:
    """File a request, with its document if one is chosen; on an error the form comes back as typed."""
    require(user, Permission.REQUESTS_FILE, Permission.SELF_READ)
    staff_id = staff_id or user.staff_id
    if staff_id is None:
        raise InvalidInput(code="request.choose_person")
    staff = get_staff(session=session, staff_id=staff_id)
    if staff_id != user.staff_id and not user.can(Permission.REQUESTS_FILE):
        raise PageForbidden
    require_staff(user, staff_id=staff_id, unit_id=staff.unit_id)
    language = language_of(request)
    typed = {"type": type, "kind": kind, "start_date": start_date, "end_date": end_date, "part": part,
             "reason": reason, "staff_id": staff_id, "punch_time": punch_time}
    # A sync route (run in the thread pool): the upload is read from its spooled file, not awaited.
    data = attachment.file.read(get_settings().requests.max_attachment_bytes + 1) if attachment else b""
    try:
        first = local_input.parse_day(start_date)
        last = local_input.parse_day(end_date) if end_date.strip() else None
        punch_at = _punch_moment(session, staff, first, punch_time) if type == RequestType.PUNCH else None
        row = file_request(session=session, staff=staff, type=type, kind=kind or None, start_date=first,
                           end_date=last, part=part, reason=reason, actor=user.actor, punch_at=punch_at)
        if data:
            policy = get_settings().requests
            attach(session=session, request=row, filename=(attachment.filename if attachment else None) or "",
                   data=data, actor=user.actor, sealer=sealer(), max_bytes=policy.max_attachment_bytes,
                   max_count=policy.max_attachments)
    except AttendanceError as err:
        session.rollback()
        return requests_page(request, session, user, error=err.message(language), form=typed)
    return back(session, translate("req.filed", language))


@router.post("/requests/{request_id}/decide", include_in_schema=False)
def decide_page(request: HttpRequest, session: SessionDep, user: PageUser, request_id: IdPath,
                decision: Annotated[str, Form()], comment: Annotated[str, Form(max_length=2000)] = "") -> Response:
    require(user, Permission.REQUESTS_DECIDE)
    row, staff = own_scope(session, user, request_id)
    if staff.id == user.staff_id:
        raise PageForbidden
    if row.status in OPEN_STATUSES and not may_decide(user, row, staff):
        raise PageForbidden
    if decision not in ("approve", "reject"):
        raise InvalidInput(code="request.unknown_decision", decision=decision)
    language = language_of(request)
    effect = request_effect(session=session, request=row, language=language)
    try:
        decided = decide(session=session, request=row, approve=decision == "approve", actor=user.actor,
                         comment=comment.strip() or None)
    except AttendanceError as err:  # decided meanwhile, a closed month: said on the list
        session.rollback()
        return requests_page(request, session, user, error=err.message(language))
    if decided.status == RequestStatus.AWAITING_SECOND:
        return back(session, translate("req.first_approved_msg", language))
    if decision == "approve":
        return back(session, translate("req.approved_msg", language, effect=effect["summary"]))
    return back(session, translate("req.rejected_msg", language))


@router.post("/requests/{request_id}/cancel", include_in_schema=False)
def cancel_page(request: HttpRequest, session: SessionDep, user: PageUser, request_id: IdPath) -> Response:
    row, staff = own_scope(session, user, request_id)
    if staff.id != user.staff_id and not user.can(Permission.REQUESTS_FILE):
        raise PageForbidden
    try:
        cancel(session=session, request=row, actor=user.actor)
    except AttendanceError as err:
        session.rollback()
        return requests_page(request, session, user, error=err.message(language_of(request)))
    return back(session, translate("req.cancelled_msg", language_of(request)))


def request_effect(*, session: Session, request: Request, language: str) -> dict[str, Any]:
    """What approving the request changes: the sessions that become excused, the annual leave left."""
    if request.type == RequestType.PUNCH:
        at = request.punch_at
        when = at.astimezone(unit_zone_by_id(session=session, unit_id=_unit_of(session, request))) if at else None
        summary = translate("req.effect_punch", language, at=f"{when:%H:%M %d/%m/%Y}" if when else "?")
        return {"summary": summary, "sessions": [], "more": 0}
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


def own_scope(session: Session, user: Principal, request_id: int) -> tuple[Request, Staff]:
    """The request and its person, if this user may see them (else the 403 page)."""
    row = get_request(session=session, request_id=request_id)
    staff = get_staff(session=session, staff_id=row.staff_id)
    require_staff(user, staff_id=staff.id, unit_id=staff.unit_id)  # type: ignore[arg-type]
    return row, staff


def back(session: Session, message: str) -> RedirectResponse:
    return flash_redirect(session, "/requests", message)


def _with_statuses(filters: RequestFilter, statuses: tuple[str, ...]) -> RequestFilter:
    return replace(filters, statuses=tuple(statuses))


def _optional_day(value: str) -> date | None:
    """A filter's date, or none when it is empty or unreadable (a filter never fails the page)."""
    try:
        return local_input.parse_day(value) if value.strip() else None
    except AttendanceError:
        return None


def _punch_moment(session: Session, staff: Staff, day: date, clock: str) -> datetime:
    """The punch asked for, on the person's own clock (their unit's zone)."""
    if not clock.strip():
        raise InvalidInput(code="request.needs_punch_time")
    at = local_input.parse_clock(clock)
    return datetime.combine(day, at).replace(tzinfo=unit_zone_by_id(session=session, unit_id=staff.unit_id))


def _unit_of(session: Session, request: Request) -> int | None:
    staff = session.get(Staff, request.staff_id)
    return staff.unit_id if staff is not None else None
