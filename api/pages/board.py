"""Today's board for a unit: counters that open the filtered list, the late, missing and absent lists,
and everyone in a searchable, sortable, paged list (api/pages/board_list.py), with live updates."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from sqlmodel import Session, col, select
from starlette.requests import Request
from starlette.responses import HTMLResponse

from api.auth.roles import Permission
from api.deps import SessionDep
from api.pages.board_list import FILTERS, PAGE_SIZE, SORTS, board_page, lists_html, snapshot
from api.pages.deps import PageForbidden, PageRoute, PageUser, require
from api.pages.i18n import language_of
from api.pages.outages import board_outages
from api.pages.pager import BlankIdQuery, PageQuery, pager
from api.pages.params import IdQuery
from api.pages.render import render
from api.pages.scope import parse_day
from attendance.models import Unit
from attendance.timeutil import utcnow
from attendance.zones import unit_zone

router = APIRouter(route_class=PageRoute)


@router.get("/today", response_class=HTMLResponse, include_in_schema=False)
def today_page(request: Request, session: SessionDep, user: PageUser, unit: IdQuery = None,
               day: str | None = None, q: str = "", show: str = "all", dept: BlankIdQuery = None, sort: str = "name",
               page: PageQuery = 1) -> HTMLResponse:
    require(user, Permission.BOARD_READ)
    context = board_context(request, session=session, user=user, unit_id=unit, day=day, q=q, show=show, dept=dept,
                            sort=sort, page=page)
    context["units"] = unit_choices(session=session, principal=user)
    return render(request, "today.html", context, user=user)


@router.get("/today/fragment", response_class=HTMLResponse, include_in_schema=False)
def today_fragment(request: Request, session: SessionDep, user: PageUser, unit: IdQuery = None,
                   day: str | None = None, q: str = "", show: str = "all", dept: BlankIdQuery = None,
                   sort: str = "name", page: PageQuery = 1) -> HTMLResponse:
    require(user, Permission.BOARD_READ)
    context = board_context(request, session=session, user=user, unit_id=unit, day=day, q=q, show=show, dept=dept,
                            sort=sort, page=page)
    return render(request, "_board.html", context, user=user)


def unit_choices(*, session: Session, principal: Any) -> list[Any]:
    """(id, path) of the units this user may choose, by path: plain rows, as the board asks on every refresh."""
    query = select(Unit.id, Unit.path).order_by(col(Unit.path))
    if principal.unit_ids is not None:
        query = query.where(col(Unit.id).in_(sorted(principal.unit_ids) or [-1]))
    return list(session.exec(query))


def _chosen(*, session: Session, principal: Any, unit_id: int | None) -> Unit | None:
    """As api.pages.scope.chosen_unit (the unit asked for, else one's own, else the first), without
    loading every unit as an object first."""
    if unit_id is not None:
        unit = session.get(Unit, unit_id)
        if unit is None or not principal.sees_unit(unit.id):
            raise PageForbidden
        return unit
    own = principal.user.unit_id if principal.user else None
    if own is not None and principal.sees_unit(own):
        return session.get(Unit, own)
    choices = unit_choices(session=session, principal=principal)
    return session.get(Unit, choices[0].id) if choices else None


def board_context(request: Request, *, session: Session, user: Any, unit_id: int | None, day: str | None,
                  q: str = "", show: str = "all", dept: int | None = None, sort: str = "name",
                  page: int = 1) -> dict[str, Any]:
    """The board of the chosen unit and day: counters, the short lists and one page of the full list."""
    unit = _chosen(session=session, principal=user, unit_id=unit_id)
    zone = unit_zone(session=session, unit=unit)
    local_today = utcnow().astimezone(zone).date()
    the_day = parse_day(day) if day else local_today
    if unit is None:
        return {"unit": None, "day": the_day, "board": None, "is_today": the_day == local_today}
    q, show = q[:200], show if show in FILTERS else "all"
    sort = sort if sort in SORTS else "name"
    snap = snapshot(session=session, unit=unit, day=the_day, today=local_today)
    language = language_of(request)
    found = board_page(snap, query=q, status=show, dept=dept, sort=sort, page=page, language=language)
    base = {"unit": unit.id, "day": the_day.isoformat()}

    def filter_href(name: str) -> str:
        return "/today?" + urlencode({**base, "show": name}) + "#list"

    params = {**base, "q": q, "show": show, "dept": dept or "", "sort": sort, "page": page}
    # Read on every request (one query): a terminal falling silent is no audited change of the snapshot.
    outages = board_outages(session=session, unit=unit, day=the_day, zone=zone, staff=(p.data for p in snap.people),
                            paths=snap.unit_paths, language=language)
    return {"unit": unit, "day": the_day, "board": {"summary": snap.summary, "staff": found.rows},
            "people_count": len(snap.people), "counts": snap.counts, "total": found.total,
            "lists_html": lists_html(snap, language, filter_href), "outages": outages, "schedule": snap.schedule,
            "is_today": the_day == local_today,
            "unit_names": snap.unit_names, "q": q, "show": show, "dept": dept, "sort": sort, "filters": FILTERS,
            "sorts": SORTS, "pager": pager(request, total=found.total, page=page, size=PAGE_SIZE, path="/today"),
            "filter_href": filter_href,
            "fragment_href": "/today/fragment?" + urlencode(params)}
