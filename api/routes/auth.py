"""Login: access tokens for API clients, a cookie session for the pages, logout, one's own password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from api.auth import two_factor
from api.auth.cookies import clear_session_cookie, set_session_cookie
from api.auth.principal import Principal
from api.auth.service import authenticate, confirm_password, set_password
from api.auth.sessions import COOKIE, TOKEN, end_all_sessions, end_session, open_session
from api.auth.tokens import create_access_token
from api.deps import CurrentUser, SessionDep, client_address
from api.schemas.auth import (
    LoginIn,
    Me,
    PasswordChange,
    PasswordConfirm,
    RecoveryCodes,
    SessionsEnded,
    TokenOut,
    TwoFactorCode,
    TwoFactorSetup,
    UserPublic,
)
from api.schemas.common import COMMON_RESPONSES

router = APIRouter(prefix="/api/auth", tags=["auth"], responses=COMMON_RESPONSES)


@router.post("/login", summary="Log in: username and password -> access token")
def login(body: LoginIn, request: Request, session: SessionDep) -> TokenOut:
    return _token(session, body.username, body.password, request, otp=body.otp)


@router.post("/token", summary="OAuth2 password flow (form), for the OpenAPI 'Authorize' button")
def token(form: Annotated[OAuth2PasswordRequestForm, Depends()], request: Request, session: SessionDep) -> TokenOut:
    return _token(session, form.username, form.password, request)


@router.post("/session", summary="Log in the browser: sets the HttpOnly session cookie")
def open_browser_session(body: LoginIn, request: Request, response: Response, session: SessionDep) -> UserPublic:
    client = client_address(request)
    user = authenticate(session=session, username=body.username, password=body.password, client=client,
                        otp=body.otp)
    row = open_session(session=session, user=user, kind=COOKIE, client=client,
                       user_agent=request.headers.get("user-agent", ""))
    set_session_cookie(response, user, row)
    return UserPublic.model_validate(user)


@router.delete("/session", status_code=204, summary="Log out: ends this session (cookie or bearer) at once")
def close_session(user: CurrentUser, request: Request, session: SessionDep) -> Response:
    return _logout(user, request, session)


@router.post("/logout", status_code=204, summary="Log out: ends this session (cookie or bearer) at once")
def logout(user: CurrentUser, request: Request, session: SessionDep) -> Response:
    return _logout(user, request, session)


@router.post("/logout-everywhere", summary="End every session of one's own account, this one included")
def logout_everywhere(user: CurrentUser, request: Request, session: SessionDep) -> SessionsEnded:
    assert user.user is not None
    count = end_all_sessions(session=session, user_id=user.user.id, reason="logout-everywhere", actor=user.actor,
                             client=client_address(request))
    return SessionsEnded(ended=count)


@router.get("/me", summary="The logged-in account, its permissions and scope")
def me(user: CurrentUser) -> Me:
    return me_out(user)


@router.post("/password", status_code=204, summary="Change one's own password (ends every session)")
def change_password(body: PasswordChange, user: CurrentUser, request: Request, session: SessionDep) -> Response:
    assert user.user is not None
    client = client_address(request)
    confirm_password(session=session, user=user.user, password=body.current_password, client=client)
    set_password(session=session, user=user.user, password=body.new_password, actor=user.actor, client=client)
    response = Response(status_code=204)
    clear_session_cookie(response)
    return response


@router.post("/2fa/setup", summary="Start two-factor set-up: a new seed and its QR code (not active yet)")
def two_factor_setup(user: CurrentUser, session: SessionDep) -> TwoFactorSetup:
    assert user.user is not None
    enrolment = two_factor.start_enrolment(session=session, user=user.user)
    return TwoFactorSetup(secret=enrolment.secret, uri=enrolment.uri, qr_svg=str(enrolment.qr_svg))


@router.post("/2fa/enable", summary="Turn two-factor sign-in on with a first code; returns recovery codes once")
def two_factor_enable(body: TwoFactorCode, user: CurrentUser, request: Request, session: SessionDep) -> RecoveryCodes:
    assert user.user is not None
    codes = two_factor.confirm_enrolment(session=session, user=user.user, code=body.code, actor=user.actor,
                                         client=client_address(request))
    return RecoveryCodes(recovery_codes=codes)


@router.post("/2fa/disable", status_code=204, summary="Turn two-factor sign-in off (needs the password)")
def two_factor_disable(body: PasswordConfirm, user: CurrentUser, request: Request, session: SessionDep) -> Response:
    assert user.user is not None
    client = client_address(request)
    confirm_password(session=session, user=user.user, password=body.password, client=client)
    two_factor.disable(session=session, user=user.user, actor=user.actor, client=client)
    return Response(status_code=204)


def me_out(principal: Principal) -> Me:
    assert principal.user is not None
    data = UserPublic.model_validate(principal.user).model_dump()
    unit_ids = sorted(principal.unit_ids) if principal.unit_ids is not None else None
    return Me(**data, permissions=sorted(p.value for p in principal.permissions), unit_ids=unit_ids)


def _logout(user: Principal, request: Request, session: SessionDep) -> Response:
    if user.auth_session is not None:
        end_session(session=session, row=user.auth_session, reason="logout", actor=user.actor,
                    client=client_address(request))
    response = Response(status_code=204)
    clear_session_cookie(response)
    return response


def _token(session: SessionDep, username: str, password: str, request: Request,
           otp: str | None = None) -> TokenOut:
    client = client_address(request)
    user = authenticate(session=session, username=username, password=password, client=client, otp=otp)
    row = open_session(session=session, user=user, kind=TOKEN, client=client,
                       user_agent=request.headers.get("user-agent", ""))
    access, expires = create_access_token(user, row)
    return TokenOut(access_token=access, expires_at=expires, user=UserPublic.model_validate(user))
