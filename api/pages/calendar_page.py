"""Calendar and schedules: holidays (pre-filled, editable), make-up days, seasonal session times, grace."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated

from fastapi import APIRouter, Form
from sqlmodel import col, select
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from api.auth.roles import Permission
from api.deps import SessionDep
from api.pages.deps import PageForbidden, PageRoute, PageUser, require
from api.pages.i18n import explain_error, language_of, translate
from api.pages.params import IdQuery, YearQuery
from api.pages.render import flash_redirect, render
from api.pages.scope import chosen_unit, today, visible_units
from attendance.calendar import add_exception, add_schedule, national_days
from attendance.errors import AttendanceError
from attendance.models import CalendarException, ExceptionKind, Schedule
from attendance.org import ancestors
from config import get_settings

router = APIRouter(route_class=PageRoute)


@router.get("/calendar", response_class=HTMLResponse, include_in_schema=False)
def calendar_page(request: Request, session: SessionDep, user: PageUser, unit: IdQuery = None,
                  year: YearQuery = None, error: str | None = None) -> HTMLResponse:
    require(user, Permission.SCHEDULES_READ)
    year = year or today().year
    if not 2000 <= year <= 2100:
        year = today().year
    chosen = chosen_unit(session=session, principal=user, unit_id=unit)
    national, makeup = national_days(year)
    chain = ancestors(session=session, unit=chosen) if chosen else []
    ids = [u.id for u in chain]
    names = {u.id: u.name for u in chain}
    exceptions = list(session.exec(
        select(CalendarException).where(
            CalendarException.day >= date(year, 1, 1), CalendarException.day <= date(year, 12, 31),
            col(CalendarException.unit_id).in_(ids) | col(CalendarException.unit_id).is_(None))
        .order_by(col(CalendarException.day))))
    removed = {e.day for e in exceptions if e.kind == ExceptionKind.NOT_HOLIDAY}
    schedules = list(session.exec(select(Schedule).where(col(Schedule.unit_id).in_(ids))
                                  .order_by(col(Schedule.valid_from)))) if ids else []
    policy = get_settings().policy
    return render(request, "calendar.html", {
        "units": visible_units(session=session, principal=user), "unit": chosen, "year": year,
        "national": sorted(national.items()), "makeup": sorted(d for d in makeup if d.year == year), "removed": removed,
        "exceptions": exceptions, "unit_names": names, "schedules": schedules, "policy": policy,
        "can_write": user.can(Permission.SCHEDULES_WRITE), "all_units": user.unit_ids is None,
        "error": error,
    }, user=user, status_code=422 if error else 200)


@router.post("/calendar/exceptions", include_in_schema=False)
def add_exception_page(request: Request, session: SessionDep, user: PageUser, unit: Annotated[int, Form()],
                       day: Annotated[date, Form()], kind: Annotated[str, Form()],
                       name: Annotated[str, Form(max_length=200)] = "",
                       scope: Annotated[str, Form()] = "unit") -> Response:
    require(user, Permission.SCHEDULES_WRITE)
    chosen = chosen_unit(session=session, principal=user, unit_id=unit)
    if scope == "all" and user.unit_ids is not None:
        raise PageForbidden
    try:
        add_exception(session=session, day=day, kind=kind, name=name.strip(),
                      unit_id=None if scope == "all" else chosen.id if chosen else None, actor=user.actor)
    except AttendanceError as err:
        session.rollback()
        return calendar_page(request, session, user, unit=unit, year=day.year, error=explain_error(str(err), language_of(request)))
    return flash_redirect(session, f"/calendar?unit={unit}&year={day.year}", translate("common.saved", language_of(request)))


@router.post("/calendar/schedules", include_in_schema=False)
def add_schedule_page(request: Request, session: SessionDep, user: PageUser, unit: Annotated[int, Form()],
                      valid_from: Annotated[date, Form()], morning_start: Annotated[time, Form()],
                      morning_end: Annotated[time, Form()], afternoon_start: Annotated[time, Form()],
                      afternoon_end: Annotated[time, Form()], grace_minutes: Annotated[int, Form(ge=0, le=120)],
                      workdays: Annotated[list[int] | None, Form()] = None,
                      valid_to: Annotated[date | None, Form()] = None,
                      name: Annotated[str, Form(max_length=100)] = "") -> Response:
    require(user, Permission.SCHEDULES_WRITE)
    chosen = chosen_unit(session=session, principal=user, unit_id=unit)
    assert chosen is not None and chosen.id is not None
    try:
        add_schedule(session=session, unit_id=chosen.id, actor=user.actor, schedule={
            "valid_from": valid_from, "valid_to": valid_to, "name": name.strip(),
            "workdays": ",".join(str(d) for d in sorted(set(workdays or []))),
            "morning_start": morning_start, "morning_end": morning_end, "afternoon_start": afternoon_start,
            "afternoon_end": afternoon_end, "grace_minutes": grace_minutes})
    except AttendanceError as err:
        session.rollback()
        return calendar_page(request, session, user, unit=unit, year=valid_from.year, error=explain_error(str(err), language_of(request)))
    return flash_redirect(session, f"/calendar?unit={unit}&year={valid_from.year}",
                          translate("common.saved", language_of(request)))
