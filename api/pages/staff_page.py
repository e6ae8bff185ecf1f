"""The staff directory: search, filter, sort and page on the server; add, edit, move, last day, import.

Every change goes through the functions the API uses (attendance.staff, api.services.records), so it
is checked and audited the same way; a refused form comes back with what was typed."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from api.auth.principal import Principal
from api.auth.roles import Permission
from api.deps import SessionDep
from api.pages.deps import PageForbidden, PageRoute, PageUser, require
from api.pages.i18n import language_of, translate
from api.pages.pager import PAGE_SIZE, BlankIdQuery, PageQuery, offset_of, pager
from api.pages.params import IdPath
from api.pages.render import flash_redirect, render
from api.pages.scope import today, visible_units
from api.services.records import update_staff_details
from attendance.errors import AttendanceError
from attendance.local_input import parse_day
from attendance.models import Unit
from attendance.org import subtree_ids
from attendance.staff import assign_pin, create_staff, get_staff, mark_left, move_staff
from attendance.staff_directory import SORTS, STATUSES, is_current, staff_page
from attendance.staff_import import MAX_ROWS, import_staff

router = APIRouter(route_class=PageRoute)

MAX_UPLOAD = 5 * 1024 * 1024
_FIELDS = ("code", "full_name", "position", "pin", "card", "start_date", "email")


@router.get("/staff", response_class=HTMLResponse, include_in_schema=False)
def staff_list(request: Request, session: SessionDep, user: PageUser, q: str = "", unit: BlankIdQuery = None,
               status: str = "active", sort: str = "name", page: PageQuery = 1) -> HTMLResponse:
    return _list_view(request, session, user, q=q[:200], unit=unit, status=status, sort=sort, page=page)


@router.post("/staff", include_in_schema=False)
def staff_create(request: Request, session: SessionDep, user: PageUser, unit: Annotated[int, Form()],
                 code: Annotated[str, Form(max_length=50)], full_name: Annotated[str, Form(max_length=200)],
                 position: Annotated[str, Form(max_length=200)] = "", pin: Annotated[str, Form(max_length=24)] = "",
                 card: Annotated[str, Form(max_length=32)] = "",
                 start_date: Annotated[str, Form(max_length=20)] = "") -> Response:
    require(user, Permission.STAFF_WRITE)
    typed = {"unit": str(unit), "code": code, "full_name": full_name, "position": position, "pin": pin,
             "card": card, "start_date": start_date}
    _ensure_unit(user, unit)
    try:
        staff = create_staff(session=session, unit_id=unit, code=code, full_name=full_name, pin=pin or None,
                             card=card or None, position=position.strip() or None,
                             start_date=parse_day(start_date) if start_date.strip() else None, actor=user.actor)
    except AttendanceError as err:
        session.rollback()
        return _list_view(request, session, user, error=err.message(language_of(request)), form=typed)
    return flash_redirect(session, f"/staff/{staff.id}",
                          translate("staff.created", language_of(request), name=staff.full_name, code=staff.code))


@router.post("/staff/import", include_in_schema=False)
async def staff_import(request: Request, session: SessionDep, user: PageUser,
                       file: Annotated[UploadFile, File()]) -> Response:
    require(user, Permission.STAFF_WRITE)
    if user.unit_ids is not None:  # an import may create units anywhere in the tree
        raise PageForbidden
    language = language_of(request)
    suffix = Path(file.filename or "").suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        return _list_view(request, session, user, error=translate("staff.import_kind", language))
    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        return _list_view(request, session, user, error=translate("staff.import_size", language))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"import{suffix}"
        path.write_bytes(data)
        try:
            report = import_staff(session=session, path=path, actor=user.actor)
        except (AttendanceError, ValueError) as err:
            session.rollback()
            message = err.message(language) if isinstance(err, AttendanceError) else str(err)
            return _list_view(request, session, user, error=message)
    session.commit()
    return _list_view(request, session, user, imported=report)


@router.get("/staff/{staff_id}", response_class=HTMLResponse, include_in_schema=False)
def staff_detail(request: Request, session: SessionDep, user: PageUser, staff_id: IdPath) -> HTMLResponse:
    return _detail_view(request, session, user, staff_id)


@router.post("/staff/{staff_id}", include_in_schema=False)
def staff_edit(request: Request, session: SessionDep, user: PageUser, staff_id: IdPath,
               full_name: Annotated[str, Form(max_length=200)], position: Annotated[str, Form(max_length=200)] = "",
               card: Annotated[str, Form(max_length=32)] = "", email: Annotated[str, Form(max_length=254)] = "",
               start_date: Annotated[str, Form(max_length=20)] = "") -> Response:
    staff = _writable(session, user, staff_id)
    typed = {"full_name": full_name, "position": position, "card": card, "email": email, "start_date": start_date}
    try:
        update_staff_details(session=session, staff=staff, actor=user.actor, changes={
            "full_name": full_name, "position": position.strip() or None, "card": card.strip() or None,
            "email": email.strip() or None, "start_date": parse_day(start_date) if start_date.strip() else None})
    except AttendanceError as err:
        session.rollback()
        return _detail_view(request, session, user, staff_id, error=err.message(language_of(request)), form=typed)
    return flash_redirect(session, f"/staff/{staff_id}", translate("common.saved", language_of(request)))


@router.post("/staff/{staff_id}/pin", include_in_schema=False)
def staff_pin(request: Request, session: SessionDep, user: PageUser, staff_id: IdPath,
              pin: Annotated[str, Form(max_length=24)] = "") -> Response:
    staff = _writable(session, user, staff_id)
    try:
        assign_pin(session=session, staff=staff, pin=pin.strip() or None, actor=user.actor)
    except AttendanceError as err:
        session.rollback()
        return _detail_view(request, session, user, staff_id, error=err.message(language_of(request)),
                            form={"pin": pin})
    return flash_redirect(session, f"/staff/{staff_id}", translate("common.saved", language_of(request)))


@router.post("/staff/{staff_id}/move", include_in_schema=False)
def staff_move(request: Request, session: SessionDep, user: PageUser, staff_id: IdPath,
               unit: Annotated[int, Form()], effective: Annotated[str, Form(max_length=20)]) -> Response:
    staff = _writable(session, user, staff_id)
    _ensure_unit(user, unit)
    try:
        move_staff(session=session, staff=staff, unit_id=unit, effective=parse_day(effective), actor=user.actor)
    except AttendanceError as err:
        session.rollback()
        return _detail_view(request, session, user, staff_id, error=err.message(language_of(request)),
                            form={"move_unit": str(unit), "effective": effective})
    return flash_redirect(session, f"/staff/{staff_id}", translate("staff.moved", language_of(request)))


@router.post("/staff/{staff_id}/leave", include_in_schema=False)
def staff_leave(request: Request, session: SessionDep, user: PageUser, staff_id: IdPath,
                last_day: Annotated[str, Form(max_length=20)]) -> Response:
    staff = _writable(session, user, staff_id)
    try:
        mark_left(session=session, staff=staff, last_day=parse_day(last_day), actor=user.actor)
    except AttendanceError as err:
        session.rollback()
        return _detail_view(request, session, user, staff_id, error=err.message(language_of(request)),
                            form={"last_day": last_day})
    return flash_redirect(session, f"/staff/{staff_id}", translate("staff.left", language_of(request)))


def _list_view(request: Request, session: SessionDep, user: Principal, *, q: str = "", unit: int | None = None,
               status: str = "active", sort: str = "name", page: int = 1, error: str | None = None,
               form: dict[str, str] | None = None, imported: Any = None) -> HTMLResponse:
    require(user, Permission.STAFF_READ)
    units = visible_units(session=session, principal=user)
    unit_ids = None
    if unit is not None:
        chosen = session.get(Unit, unit)
        if chosen is None or not user.sees_unit(chosen.id):
            raise PageForbidden
        unit_ids = subtree_ids(session=session, unit=chosen)
    status = status if status in STATUSES else "active"
    sort = sort if sort in SORTS else "name"
    found = staff_page(session=session, query=q, unit_ids=unit_ids, status=status, sort=sort,
                       scope_units=user.unit_ids, own_id=user.staff_id,
                       limit=PAGE_SIZE, offset=offset_of(page))
    names = {u.id: u.path for u in units}
    return render(request, "staff.html", {
        "q": q, "unit_id": unit, "status": status, "sort": sort, "units": units, "unit_names": names,
        "rows": found.rows, "pager": pager(request, total=found.total, page=page), "statuses": STATUSES,
        "sorts": SORTS, "can_write": user.can(Permission.STAFF_WRITE), "can_import": user.unit_ids is None,
        "today": today(), "is_current": is_current, "error": error, "form": form or {}, "imported": imported,
        "max_rows": MAX_ROWS,
    }, user=user, status_code=422 if error else 200)


def _detail_view(request: Request, session: SessionDep, user: Principal, staff_id: int, *,
                 error: str | None = None, form: dict[str, str] | None = None) -> HTMLResponse:
    require(user, Permission.STAFF_READ)
    staff = get_staff(session=session, staff_id=staff_id)
    if not user.sees_staff(staff_id=staff.id, unit_id=staff.unit_id):
        raise PageForbidden
    units = visible_units(session=session, principal=user)
    unit = session.get(Unit, staff.unit_id)
    shown = {name: "" if getattr(staff, name) is None else getattr(staff, name) for name in _FIELDS}
    return render(request, "staff_detail.html", {
        "staff": staff, "unit": unit, "units": units, "shown": shown, "today": today(),
        "can_write": user.can(Permission.STAFF_WRITE), "current": is_current(staff, today()),
        "error": error, "form": form or {},
    }, user=user, status_code=422 if error else 200)


def _writable(session: SessionDep, user: Principal, staff_id: int) -> Any:
    require(user, Permission.STAFF_WRITE)
    staff = get_staff(session=session, staff_id=staff_id)
    if not user.sees_unit(staff.unit_id):  # one's own record outside one's units is read-only
        raise PageForbidden
    return staff


def _ensure_unit(user: Principal, unit_id: int) -> None:
    if not user.sees_unit(unit_id):
        raise PageForbidden
