"""Accounts and roles in the browser (administrators): list, create, change role, unit, linked person
or active flag, reset a password, end sessions. Each calls the auth service the users API calls."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query
from sqlmodel import col, func, or_, select
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from api.auth.models import User
from api.auth.principal import Principal
from api.auth.roles import Permission, Role
from api.auth.service import create_user, set_password, update_user
from api.auth.sessions import active_sessions, end_all_sessions
from api.deps import SessionDep
from api.pages.deps import PageRoute, PageUser, require
from api.pages.i18n import language_of, translate
from api.pages.pager import PAGE_SIZE, PageQuery, offset_of, pager
from api.pages.params import IdPath
from api.pages.render import flash_redirect, render
from api.pages.scope import visible_units
from api.services.account_scope import account_condition, ensure_account_in_scope, visible_account
from api.services.scope import apply
from attendance.errors import AttendanceError
from attendance.models import Staff
from attendance.staff import get_staff_by_code

router = APIRouter(route_class=PageRoute)

ROLES = tuple(r.value for r in Role)
Text = Annotated[str, Form(max_length=200)]


@router.get("/users", response_class=HTMLResponse, include_in_schema=False)
def users_page(request: Request, session: SessionDep, user: PageUser, q: Annotated[str, Query(max_length=100)] = "",
               role: Annotated[str, Query(max_length=16)] = "", page: PageQuery = 1) -> HTMLResponse:
    return _list_view(request, session, user, q=q, role=role, page=page)


@router.post("/users", include_in_schema=False)
def users_create(request: Request, session: SessionDep, user: PageUser, username: Text, role: Text,
                 full_name: Text = "", unit: Text = "", staff_code: Text = "",
                 password: Annotated[str, Form(max_length=200)] = "") -> Response:
    require(user, Permission.USERS_MANAGE)
    typed = {"username": username, "role": role, "full_name": full_name, "unit": unit, "staff_code": staff_code}
    try:
        staff_id = get_staff_by_code(session=session, code=staff_code.strip()).id if staff_code.strip() else None
        created, secret = create_user(session=session, username=username, role=role, password=password or None,
                                      full_name=full_name, unit_id=int(unit) if unit.strip() else None,
                                      staff_id=staff_id, actor=user.actor)
        ensure_account_in_scope(session, user, created)
    except (AttendanceError, ValueError) as err:
        session.rollback()
        return _list_view(request, session, user, error=_message(err, request), form=typed)
    session.commit()
    # The password is shown once, on this page, never stored readable nor put in a redirect.
    return _detail_view(request, session, user, created.id or 0, password=None if password else secret,
                        notice=translate("users.created", language_of(request), name=created.username))


@router.get("/users/{user_id}", response_class=HTMLResponse, include_in_schema=False)
def user_page(request: Request, session: SessionDep, user: PageUser, user_id: IdPath) -> HTMLResponse:
    return _detail_view(request, session, user, user_id)


@router.post("/users/{user_id}", include_in_schema=False)
def user_edit(request: Request, session: SessionDep, user: PageUser, user_id: IdPath, role: Text,
              full_name: Text = "", unit: Text = "", staff_code: Text = "",
              active: Annotated[str, Form(max_length=5)] = "") -> Response:
    require(user, Permission.USERS_MANAGE)
    account = visible_account(session, user, user_id)
    typed = {"role": role, "full_name": full_name, "unit": unit, "staff_code": staff_code, "active": active}
    try:
        staff_id = get_staff_by_code(session=session, code=staff_code.strip()).id if staff_code.strip() else None
        update_user(session=session, user=account, actor=user.actor, changes={
            "role": role, "full_name": full_name.strip(), "unit_id": int(unit) if unit.strip() else None,
            "staff_id": staff_id, "active": active == "on"})
        ensure_account_in_scope(session, user, account)
    except (AttendanceError, ValueError) as err:
        session.rollback()
        return _detail_view(request, session, user, user_id, error=_message(err, request), form=typed)
    return flash_redirect(session, f"/users/{user_id}", translate("common.saved", language_of(request)))


@router.post("/users/{user_id}/password", include_in_schema=False)
def user_password(request: Request, session: SessionDep, user: PageUser, user_id: IdPath) -> Response:
    require(user, Permission.USERS_MANAGE)
    account = visible_account(session, user, user_id)
    secret = set_password(session=session, user=account, password=None, actor=user.actor,
                          client=request.client.host if request.client else None)
    session.commit()
    return _detail_view(request, session, user, user_id, password=secret,
                        notice=translate("users.password_reset", language_of(request)))


@router.post("/users/{user_id}/sessions/end", include_in_schema=False)
def user_sessions_end(request: Request, session: SessionDep, user: PageUser, user_id: IdPath) -> Response:
    require(user, Permission.USERS_MANAGE)
    account = visible_account(session, user, user_id)
    ended = end_all_sessions(session=session, user_id=account.id, reason="admin", actor=user.actor,
                             client=request.client.host if request.client else None)
    return flash_redirect(session, f"/users/{user_id}", translate("users.sessions_ended", language_of(request),
                                                                  n=ended))


def _list_view(request: Request, session: SessionDep, user: Principal, *, q: str = "", role: str = "",
               page: int = 1, error: str | None = None, form: dict[str, str] | None = None) -> HTMLResponse:
    require(user, Permission.USERS_MANAGE)
    query = apply(select(User), account_condition(user))
    if role in ROLES:
        query = query.where(User.role == role)
    if q.strip():
        pattern = f"%{q.strip().lower()}%"
        query = query.where(or_(col(User.username).like(pattern), func.lower(User.full_name).like(pattern)))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = list(session.exec(query.order_by(col(User.username)).limit(PAGE_SIZE).offset(offset_of(page))))
    units = visible_units(session=session, principal=user)
    return render(request, "users.html", {
        "rows": rows, "pager": pager(request, total=total, page=page), "q": q, "role": role, "roles": ROLES,
        "units": units, "unit_names": {u.id: u.path for u in units}, "error": error, "form": form or {},
    }, user=user, status_code=_status(error))


def _detail_view(request: Request, session: SessionDep, user: Principal, user_id: int, *, error: str | None = None,
                 form: dict[str, str] | None = None, password: str | None = None,
                 notice: str | None = None) -> HTMLResponse:
    require(user, Permission.USERS_MANAGE)
    account = visible_account(session, user, user_id)
    staff = session.get(Staff, account.staff_id) if account.staff_id else None
    shown: dict[str, Any] = {"role": account.role, "full_name": account.full_name, "unit": account.unit_id or "",
                             "staff_code": staff.code if staff else "", "active": "on" if account.active else ""}
    shown.update(form or {})
    assert account.id is not None
    context = {"account": account, "staff": staff, "shown": shown, "roles": ROLES, "password": password,
               "units": visible_units(session=session, principal=user), "error": error,
               "sessions": active_sessions(session=session, user_id=account.id)}
    if notice:
        context["flash"] = notice
    return render(request, "user_detail.html", context, user=user, status_code=_status(error))


def _message(err: Exception, request: Request) -> str:
    if isinstance(err, AttendanceError):
        return err.message(language_of(request))
    return translate("users.bad_unit", language_of(request))


def _status(error: str | None) -> int:
    return 422 if error else 200
