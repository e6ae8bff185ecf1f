"""Sáp nhập, chia tách: merge a unit into another, or split staff out into a new unit, from a date (admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from sqlmodel import col, select
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from api.auth.roles import Permission
from api.deps import SessionDep
from api.pages.deps import PageRoute, PageUser, require
from api.pages.i18n import language_of, translate
from api.pages.render import flash_redirect, render
from api.pages.scope import visible_units
from api.services.account_scope import audit_condition
from api.services.scope import apply
from api.services.unit_scope import ensure_path_in_scope, visible_unit
from attendance.errors import AttendanceError, InvalidInput
from attendance.local_input import parse_day
from attendance.mergers import merge_unit, split_unit
from attendance.models import AuditEntry, Staff

router = APIRouter(route_class=PageRoute)
CHANGES_SHOWN = 50


@router.get("/units/changes", response_class=HTMLResponse, include_in_schema=False)
def changes_page(request: Request, session: SessionDep, user: PageUser) -> HTMLResponse:
    return _view(request, session, user)


@router.post("/units/merge", include_in_schema=False)
def merge_page(request: Request, session: SessionDep, user: PageUser, source: Annotated[int, Form()],
               target: Annotated[int, Form()], effective: Annotated[str, Form(max_length=20)]) -> Response:
    require(user, Permission.UNITS_WRITE)
    language = language_of(request)
    try:
        change = merge_unit(session=session, source=visible_unit(session, user, source),
                            target=visible_unit(session, user, target), effective=parse_day(effective),
                            actor=user.actor)
    except AttendanceError as err:
        session.rollback()
        return _view(request, session, user, error=err.message(language),
                     form={"source": source, "target": target, "effective": effective})
    return flash_redirect(session, "/units/changes", translate(
        "units.merged", language, staff=change.staff_moved, devices=change.devices_moved))


@router.post("/units/split", include_in_schema=False)
def split_page(request: Request, session: SessionDep, user: PageUser, source: Annotated[int, Form()],
               new_path: Annotated[str, Form(max_length=1000)], effective: Annotated[str, Form(max_length=20)],
               staff_codes: Annotated[str, Form(max_length=20_000)] = "") -> Response:
    require(user, Permission.UNITS_WRITE)
    language = language_of(request)
    codes = sorted({c.strip() for c in staff_codes.replace("\n", ",").split(",") if c.strip()})
    try:
        people = list(session.exec(select(Staff).where(col(Staff.code).in_(codes)))) if codes else []
        if not people or len(people) != len(codes):
            raise InvalidInput(code="merger.staff_not_in_unit", unit=new_path, count=len(codes) - len(people))
        ensure_path_in_scope(session, user, new_path)
        change = split_unit(session=session, source=visible_unit(session, user, source), new_path=new_path,
                            staff=people, devices=[], effective=parse_day(effective), actor=user.actor)
    except AttendanceError as err:
        session.rollback()
        return _view(request, session, user, error=err.message(language),
                     form={"source": source, "new_path": new_path, "effective": effective,
                           "staff_codes": staff_codes})
    return flash_redirect(session, "/units/changes", translate(
        "units.split_done", language, staff=change.staff_moved))


def _view(request: Request, session: SessionDep, user: PageUser, *, error: str | None = None,
          form: dict[str, object] | None = None) -> HTMLResponse:
    require(user, Permission.UNITS_WRITE)
    units = [u for u in visible_units(session=session, principal=user) if u.dissolved_on is None]
    merges = apply(select(AuditEntry), audit_condition(user))
    history = list(session.exec(merges.where(col(AuditEntry.action).in_(("unit.merge", "unit.split")))
                                .order_by(col(AuditEntry.at).desc()).limit(CHANGES_SHOWN)))
    return render(request, "units_changes.html", {"units": units, "history": history, "error": error,
                                                  "form": form or {}}, user=user,
                  status_code=422 if error else 200)
