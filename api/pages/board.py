"""Today's board for a unit: both sessions of everyone, the late and missing lists, live updates."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlmodel import Session, col, select
from starlette.requests import Request
from starlette.responses import HTMLResponse

from api.auth.roles import Permission
from api.deps import SessionDep
from api.pages.deps import PageRoute, PageUser, require
from api.pages.i18n import language_of
from api.pages.outages import board_outages
from api.pages.params import IdQuery
from api.pages.render import render, session_class, session_label
from api.pages.scope import chosen_unit, parse_day, visible_units
from attendance.calendar import day_schedule
from attendance.models import Unit
from attendance.queries import board_json, day_board
from attendance.zones import unit_today, unit_zone

router = APIRouter(route_class=PageRoute)

_MISSING = ("missing_check_in", "missing_check_out")


@router.get("/today", response_class=HTMLResponse, include_in_schema=False)
def today_page(request: Request, session: SessionDep, user: PageUser, unit: IdQuery = None,
               day: str | None = None) -> HTMLResponse:
    require(user, Permission.BOARD_READ)
    context = board_context(session=session, user=user, unit_id=unit, day=day,
                                                  language=language_of(request))
    context["units"] = visible_units(session=session, principal=user)
    return render(request, "today.html", context, user=user)


@router.get("/today/fragment", response_class=HTMLResponse, include_in_schema=False)
def today_fragment(request: Request, session: SessionDep, user: PageUser, unit: IdQuery = None,
                   day: str | None = None) -> HTMLResponse:
    require(user, Permission.BOARD_READ)
    context = board_context(session=session, user=user, unit_id=unit, day=day, language=language_of(request))
    return render(request, "_board.html", context, user=user)


def board_context(*, session: Session, user: Any, unit_id: int | None, day: str | None,
                  language: str) -> dict[str, Any]:
    """The board of the chosen unit and day, with the lists the personnel office reads first."""
    unit = chosen_unit(session=session, principal=user, unit_id=unit_id)
    local_today = unit_today(session=session, unit=unit)
    the_day = parse_day(day) if day else local_today
    if unit is None:
        return {"unit": None, "day": the_day, "board": None, "is_today": the_day == local_today}
    rows = day_board(session=session, unit=unit, day=the_day)
    board = board_json(rows, unit, the_day)
    for row, data in zip(rows, board["staff"], strict=True):
        for result in row.day.sessions:
            cell = data[result.session.value]
            cell["punches"] = [p.strftime("%H:%M") for p in result.punches]
            # Worked out once here: a thousand-person board is mostly these two calls.
            cell["label"], cell["css"] = session_label(cell, language), session_class(cell)
    late, early, missing, absent = [], [], [], []
    for row in board["staff"]:
        for name in ("morning", "afternoon"):
            result = row[name]
            if result["late_minutes"]:
                late.append((row, name, result["late_minutes"], result["check_in"]))
            if result["early_minutes"]:
                early.append((row, name, result["early_minutes"], result["check_out"]))
            if result["status"] in _MISSING:
                missing.append((row, name, result["status"]))
            if result["status"] == "absent":
                absent.append((row, name))
    late.sort(key=lambda item: -item[2])
    unit_ids = {row["unit_id"] for row in board["staff"]} - {unit.id}
    subunits = list(session.exec(select(Unit).where(col(Unit.id).in_(unit_ids)))) if unit_ids else []
    names = {u.id: u.name for u in subunits}
    schedule = day_schedule(session=session, unit=unit, day=the_day)
    outages = board_outages(session=session, unit=unit, day=the_day, zone=unit_zone(session=session, unit=unit),
                            staff=board["staff"], paths={u.id or 0: u.path for u in subunits}, language=language)
    return {"unit": unit, "day": the_day, "board": board, "late": late, "early": early, "missing": missing,
            "absent": absent, "schedule": schedule, "is_today": the_day == local_today, "unit_names": names,
            "outages": outages}
