"""Logging in and out of the pages (the session cookie of api.auth), and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from api.auth.cookies import clear_session_cookie, set_session_cookie
from api.auth.models import User
from api.auth.service import (
    LoginFailed,
    SecondFactorRequired,
    TooManyAttempts,
    authenticate,
    complete_second_factor,
    principal_for_user,
)
from api.auth.sessions import COOKIE, end_session, open_session
from api.auth.settings import get_auth_settings
from api.auth.tokens import InvalidToken, create_second_factor_token, decode_second_factor_token
from api.deps import OptionalUser, SessionDep, client_address
from api.pages.deps import PageRoute
from api.pages.i18n import language_of, translate
from api.pages.nav import home_for
from api.pages.render import render

router = APIRouter(route_class=PageRoute)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def start(request: Request, user: OptionalUser) -> Response:
    """Someone logged in goes to their start page; anyone else sees the login form."""
    if user is not None:
        return RedirectResponse(home_for(user), status_code=303)
    return _form(request, next_url="")


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_form(request: Request, user: OptionalUser, next: str = "") -> Response:
    if user is not None:
        return RedirectResponse(_safe_next(next) or home_for(user), status_code=303)
    return _form(request, next_url=next)


@router.post("/login", include_in_schema=False)
def login(request: Request, session: SessionDep, username: Annotated[str, Form(max_length=200)],
          password: Annotated[str, Form(max_length=500)], next: Annotated[str, Form()] = "") -> Response:
    language = language_of(request)
    client = client_address(request)
    try:
        account = authenticate(session=session, username=username, password=password, client=client)
    except SecondFactorRequired as err:
        pending = create_second_factor_token(err.user, minutes=get_auth_settings().second_factor_minutes)
        return _code_form(request, next_url=next, pending=pending)
    except TooManyAttempts as err:
        refused = _form(request, next_url=next, username=username, status=429,
                        error=translate("login.too_many", language))
        refused.headers["Retry-After"] = str(err.retry_after)
        return refused
    except LoginFailed:
        return _form(request, next_url=next, username=username, status=401,
                     error=translate("login.failed", language))
    return _signed_in(request, session, account, client, next)


@router.post("/login/code", include_in_schema=False)
def login_code(request: Request, session: SessionDep, pending: Annotated[str, Form(max_length=2000)],
               code: Annotated[str, Form(max_length=32)], next: Annotated[str, Form()] = "") -> Response:
    """The second step: the password was right (the signed `pending`), now the two-factor code."""
    language = language_of(request)
    client = client_address(request)
    try:
        user_id, version = decode_second_factor_token(pending)
    except InvalidToken:
        return _form(request, next_url=next, status=401, error=translate("login.code_expired", language))
    account = session.get(User, user_id)
    if account is None or not account.active or account.token_version != version:
        return _form(request, next_url=next, status=401, error=translate("login.code_expired", language))
    try:
        complete_second_factor(session=session, user=account, code=code, client=client)
    except TooManyAttempts as err:
        refused = _code_form(request, next_url=next, pending=pending, status=429,
                             error=translate("login.too_many", language))
        refused.headers["Retry-After"] = str(err.retry_after)
        return refused
    except LoginFailed:
        return _code_form(request, next_url=next, pending=pending, status=401,
                          error=translate("login.code_failed", language))
    return _signed_in(request, session, account, client, next)


def _signed_in(request: Request, session: SessionDep, account: User, client: str, next_url: str) -> Response:
    principal = principal_for_user(session=session, user=account)
    row = open_session(session=session, user=account, kind=COOKIE, client=client,
                       user_agent=request.headers.get("user-agent", ""))
    session.commit()
    response = RedirectResponse(_safe_next(next_url) or home_for(principal), status_code=303)
    set_session_cookie(response, account, row)
    return response


def _code_form(request: Request, *, next_url: str, pending: str, error: str = "", status: int = 200) -> HTMLResponse:
    return render(request, "login.html", {"next": _safe_next(next_url), "pending": pending, "login_error": error},
                  status_code=status)


@router.post("/logout", include_in_schema=False)
def logout(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    if user is not None and user.auth_session is not None:
        end_session(session=session, row=user.auth_session, reason="logout", actor=user.actor,
                    client=client_address(request))
        session.commit()
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response)
    return response


def _form(request: Request, *, next_url: str, username: str = "", error: str = "",
          status: int = 200) -> HTMLResponse:
    return render(request, "login.html", {"next": _safe_next(next_url), "username": username,
                                          "login_error": error}, status_code=status)


def _safe_next(value: str) -> str:
    """Only a path on this site: never another host ('//evil', 'https://...')."""
    if value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return ""
