"""Editing and deleting calendar entries and schedules from the calendar page (attendance.calendar_edit)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from api.auth.principal import Principal
from api.auth.roles import Permission
from api.deps import SessionDep
from api.pages.deps import PageForbidden, PageRoute, PageUser, require
from api.pages.i18n import language_of, translate
from api.pages.params import IdPath
from api.pages.render import flash_redirect, render
from attendance.calendar import remove_exception
from attendance.calendar_edit import remove_schedule, update_exception, update_schedule
from attendance.errors import AttendanceError, NotFound
from attendance.local_input import parse_clock, parse_day
from attendance.models import CalendarException, Schedule

router = APIRouter(route_class=PageRoute)

Day = Annotated[str, Form(max_length=20)]
Clock = Annotated[str, Form(max_length=8)]


@router.get("/calendar/exceptions/{exception_id}/edit", response_class=HTMLResponse, include_in_schema=False)
def exception_page(request: Request, session: SessionDep, user: PageUser, exception_id: IdPath) -> HTMLResponse:
    return _exception_view(request, user, _exception(session, user, exception_id))


@router.post("/calendar/exceptions/{exception_id}/edit", include_in_schema=False)
def exception_edit(request: Request, session: SessionDep, user: PageUser, exception_id: IdPath, day: Day,
                   kind: Annotated[str, Form(max_length=16)], name: Annotated[str, Form(max_length=200)] = ""
                   ) -> Response:
    row = _exception(session, user, exception_id)
    unit_id = row.unit_id
    try:
        the_day = parse_day(day)
        update_exception(session=session, exception_id=exception_id, day=the_day, kind=kind, name=name,
                         actor=user.actor)
    except AttendanceError as err:
        session.rollback()
        return _exception_view(request, user, _exception(session, user, exception_id),
                               error=err.message(language_of(request)), form={"day": day, "kind": kind, "name": name})
    return flash_redirect(session, _back(unit_id, the_day.year), translate("common.saved", language_of(request)))


@router.post("/calendar/exceptions/{exception_id}/delete", include_in_schema=False)
def exception_delete(request: Request, session: SessionDep, user: PageUser, exception_id: IdPath) -> Response:
    row = _exception(session, user, exception_id)
    unit_id, year = row.unit_id, row.day.year
    remove_exception(session=session, exception_id=exception_id, actor=user.actor)
    return flash_redirect(session, _back(unit_id, year), translate("caled.deleted", language_of(request)))


@router.get("/calendar/schedules/{schedule_id}/edit", response_class=HTMLResponse, include_in_schema=False)
def schedule_page(request: Request, session: SessionDep, user: PageUser, schedule_id: IdPath) -> HTMLResponse:
    return _schedule_view(request, user, _schedule(session, user, schedule_id))


@router.post("/calendar/schedules/{schedule_id}/edit", include_in_schema=False)
def schedule_edit(request: Request, session: SessionDep, user: PageUser, schedule_id: IdPath, valid_from: Day,
                  morning_start: Clock, morning_end: Clock, afternoon_start: Clock, afternoon_end: Clock,
                  grace_minutes: Annotated[int, Form(ge=0, le=120)],
                  workdays: Annotated[list[int] | None, Form()] = None, valid_to: Day = "",
                  name: Annotated[str, Form(max_length=100)] = "") -> Response:
    row = _schedule(session, user, schedule_id)
    unit_id = row.unit_id
    typed = {"valid_from": valid_from, "valid_to": valid_to, "name": name, "morning_start": morning_start,
             "morning_end": morning_end, "afternoon_start": afternoon_start, "afternoon_end": afternoon_end,
             "grace_minutes": str(grace_minutes), "workdays": ",".join(str(d) for d in sorted(set(workdays or [])))}
    try:
        start = parse_day(valid_from)
        update_schedule(session=session, schedule_id=schedule_id, actor=user.actor, changes={
            "valid_from": start, "valid_to": parse_day(valid_to) if valid_to.strip() else None, "name": name.strip(),
            "workdays": typed["workdays"], "morning_start": parse_clock(morning_start),
            "morning_end": parse_clock(morning_end), "afternoon_start": parse_clock(afternoon_start),
            "afternoon_end": parse_clock(afternoon_end), "grace_minutes": grace_minutes})
    except AttendanceError as err:
        session.rollback()
        return _schedule_view(request, user, _schedule(session, user, schedule_id),
                              error=err.message(language_of(request)), form=typed)
    return flash_redirect(session, _back(unit_id, start.year), translate("common.saved", language_of(request)))


@router.post("/calendar/schedules/{schedule_id}/delete", include_in_schema=False)
def schedule_delete(request: Request, session: SessionDep, user: PageUser, schedule_id: IdPath) -> Response:
    row = _schedule(session, user, schedule_id)
    unit_id, year = row.unit_id, row.valid_from.year
    try:
        remove_schedule(session=session, schedule_id=schedule_id, actor=user.actor)
    except AttendanceError as err:
        session.rollback()
        return _schedule_view(request, user, _schedule(session, user, schedule_id),
                              error=err.message(language_of(request)))
    return flash_redirect(session, _back(unit_id, year), translate("caled.deleted", language_of(request)))


def _exception_view(request: Request, user: Principal, row: CalendarException, *, error: str | None = None,
                    form: dict[str, str] | None = None) -> HTMLResponse:
    shown: dict[str, Any] = {"day": row.day, "kind": row.kind, "name": row.name, **(form or {})}
    return render(request, "calendar_edit.html", {"exception": row, "schedule": None, "shown": shown,
                                                  "error": error, "back": _back(row.unit_id, row.day.year)},
                  user=user, status_code=_status(error))


def _schedule_view(request: Request, user: Principal, row: Schedule, *, error: str | None = None,
                   form: dict[str, str] | None = None) -> HTMLResponse:
    shown: dict[str, Any] = {key: getattr(row, key) for key in (
        "name", "valid_from", "valid_to", "morning_start", "morning_end", "afternoon_start", "afternoon_end",
        "grace_minutes", "workdays")}
    shown.update(form or {})
    days = {int(d) for d in str(shown["workdays"]).split(",") if d.strip()}
    return render(request, "calendar_edit.html", {"exception": None, "schedule": row, "shown": shown,
                                                  "workdays": days, "error": error,
                                                  "back": _back(row.unit_id, row.valid_from.year)},
                  user=user, status_code=_status(error))


def _exception(session: SessionDep, user: Principal, exception_id: int) -> CalendarException:
    require(user, Permission.SCHEDULES_WRITE)
    row = session.get(CalendarException, exception_id)
    if row is None:
        raise NotFound(code="calendar.unknown_exception", exception_id=exception_id)
    # An entry for every unit is an administrator's; a unit's entry, its personnel office's.
    allowed = user.unit_ids is None if row.unit_id is None else user.sees_unit(row.unit_id)
    if not allowed:
        raise PageForbidden
    return row


def _schedule(session: SessionDep, user: Principal, schedule_id: int) -> Schedule:
    require(user, Permission.SCHEDULES_WRITE)
    row = session.get(Schedule, schedule_id)
    if row is None:
        raise NotFound(f"no schedule with id {schedule_id}")
    if not user.sees_unit(row.unit_id):
        raise PageForbidden
    return row


def _back(unit_id: int | None, year: int) -> str:
    return f"/calendar?unit={unit_id}&year={year}" if unit_id else f"/calendar?year={year}"


def _status(error: str | None) -> int:
    return 422 if error else 200
