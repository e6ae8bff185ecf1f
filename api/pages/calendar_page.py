"""Calendar and schedules: holidays (pre-filled, editable), make-up days, seasonal session times, grace."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form
from sqlmodel import col, select
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from api.auth.roles import Permission
from api.deps import SessionDep
from api.pages.deps import PageForbidden, PageRoute, PageUser, require
from api.pages.i18n import language_of, translate
from api.pages.params import IdQuery, YearQuery
from api.pages.render import flash_redirect, render
from api.pages.scope import chosen_unit, today, visible_units
from attendance.calendar import add_exception, add_schedule, national_days
from attendance.errors import AttendanceError
from attendance.local_input import parse_clock, parse_day
from attendance.models import CalendarException, ExceptionKind, Schedule
from attendance.org import ancestors
from config import get_settings

router = APIRouter(route_class=PageRoute)


@router.get("/calendar", response_class=HTMLResponse, include_in_schema=False)
def calendar_page(request: Request, session: SessionDep, user: PageUser, unit: IdQuery = None,
                  year: YearQuery = None) -> HTMLResponse:
    return _calendar_view(request, session, user, unit=unit, year=year)


def _calendar_view(request: Request, session: SessionDep, user: PageUser, *, unit: int | None, year: int | None,
                   error: str | None = None, form: dict[str, str] | None = None) -> HTMLResponse:
    """The calendar page; after a refused form, with its message and what was typed."""
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
        "error": error, "form": form or {},
    }, user=user, status_code=422 if error else 200)


@router.post("/calendar/exceptions", include_in_schema=False)
def add_exception_page(request: Request, session: SessionDep, user: PageUser, unit: Annotated[int, Form()],
                       day: Annotated[str, Form(max_length=20)], kind: Annotated[str, Form()],
                       name: Annotated[str, Form(max_length=200)] = "",
                       scope: Annotated[str, Form()] = "unit") -> Response:
    require(user, Permission.SCHEDULES_WRITE)
    chosen = chosen_unit(session=session, principal=user, unit_id=unit)
    if scope == "all" and user.unit_ids is not None:
        raise PageForbidden
    try:
        the_day = parse_day(day)
        add_exception(session=session, day=the_day, kind=kind, name=name.strip(),
                      unit_id=None if scope == "all" else chosen.id if chosen else None, actor=user.actor)
    except AttendanceError as err:
        session.rollback()
        return _calendar_view(request, session, user, unit=unit, year=None, error=err.message(language_of(request)),
                              form={"day": day, "name": name, "kind": kind})
    return flash_redirect(session, f"/calendar?unit={unit}&year={the_day.year}",
                          translate("common.saved", language_of(request)))


@router.post("/calendar/schedules", include_in_schema=False)
def add_schedule_page(request: Request, session: SessionDep, user: PageUser, unit: Annotated[int, Form()],
                      valid_from: Annotated[str, Form(max_length=20)], morning_start: Annotated[str, Form(max_length=8)],
                      morning_end: Annotated[str, Form(max_length=8)],
                      afternoon_start: Annotated[str, Form(max_length=8)],
                      afternoon_end: Annotated[str, Form(max_length=8)], grace_minutes: Annotated[int, Form(ge=0, le=120)],
                      workdays: Annotated[list[int] | None, Form()] = None,
                      valid_to: Annotated[str, Form(max_length=20)] = "",
                      name: Annotated[str, Form(max_length=100)] = "") -> Response:
    require(user, Permission.SCHEDULES_WRITE)
    chosen = chosen_unit(session=session, principal=user, unit_id=unit)
    assert chosen is not None and chosen.id is not None
    typed = {"valid_from": valid_from, "valid_to": valid_to, "sched_name": name, "morning_start": morning_start,
             "morning_end": morning_end, "afternoon_start": afternoon_start, "afternoon_end": afternoon_end,
             "grace_minutes": str(grace_minutes)}
    try:
        start = parse_day(valid_from)
        add_schedule(session=session, unit_id=chosen.id, actor=user.actor, schedule={
            "valid_from": start, "valid_to": parse_day(valid_to) if valid_to.strip() else None, "name": name.strip(),
            "workdays": ",".join(str(d) for d in sorted(set(workdays or []))),
            "morning_start": parse_clock(morning_start), "morning_end": parse_clock(morning_end),
            "afternoon_start": parse_clock(afternoon_start), "afternoon_end": parse_clock(afternoon_end),
            "grace_minutes": grace_minutes})
    except AttendanceError as err:
        session.rollback()
        return _calendar_view(request, session, user, unit=unit, year=None, error=err.message(language_of(request)),
                              form=typed)
    return flash_redirect(session, f"/calendar?unit={unit}&year={start.year}",
                          translate("common.saved", language_of(request)))
