"""Login: access tokens for API clients, a cookie session for the pages, one's own password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from api.auth.cookies import clear_session_cookie, set_session_cookie
from api.auth.passwords import verify_password
from api.auth.principal import Principal
from api.auth.service import authenticate, set_password
from api.auth.settings import get_auth_settings
from api.auth.tokens import create_access_token
from api.deps import CurrentUser, SessionDep
from api.schemas.auth import LoginIn, Me, PasswordChange, TokenOut, UserPublic
from api.schemas.common import COMMON_RESPONSES
from attendance.errors import InvalidInput

router = APIRouter(prefix="/api/auth", tags=["auth"], responses=COMMON_RESPONSES)


@router.post("/login", summary="Log in: username and password -> access token")
def login(body: LoginIn, request: Request, session: SessionDep) -> TokenOut:
    return _token(session, body.username, body.password, request)


@router.post("/token", summary="OAuth2 password flow (form), for the OpenAPI 'Authorize' button")
def token(form: Annotated[OAuth2PasswordRequestForm, Depends()], request: Request, session: SessionDep) -> TokenOut:
    return _token(session, form.username, form.password, request)


@router.post("/session", summary="Log in the browser: sets the HttpOnly session cookie")
def open_session(body: LoginIn, request: Request, response: Response, session: SessionDep) -> UserPublic:
    user = authenticate(session=session, username=body.username, password=body.password,
                        client=_client(request))
    set_session_cookie(response, user)
    return UserPublic.model_validate(user)


@router.delete("/session", status_code=204, summary="Log out the browser")
def close_session(response: Response) -> Response:
    clear_session_cookie(response)
    response.status_code = 204
    return response


@router.get("/me", summary="The logged-in account, its permissions and scope")
def me(user: CurrentUser) -> Me:
    return me_out(user)


@router.post("/password", status_code=204, summary="Change one's own password (logs out other sessions)")
def change_password(body: PasswordChange, user: CurrentUser, session: SessionDep) -> Response:
    assert user.user is not None
    ok, _ = verify_password(body.current_password, user.user.password_hash)
    if not ok:
        raise InvalidInput("the current password is wrong")
    set_password(session=session, user=user.user, password=body.new_password, actor=user.actor)
    return Response(status_code=204)


def me_out(principal: Principal) -> Me:
    assert principal.user is not None
    data = UserPublic.model_validate(principal.user).model_dump()
    unit_ids = sorted(principal.unit_ids) if principal.unit_ids is not None else None
    return Me(**data, permissions=sorted(p.value for p in principal.permissions), unit_ids=unit_ids)


def _token(session: SessionDep, username: str, password: str, request: Request) -> TokenOut:
    user = authenticate(session=session, username=username, password=password, client=_client(request))
    access, expires = create_access_token(user, minutes=get_auth_settings().access_token_minutes)
    return TokenOut(access_token=access, expires_at=expires, user=UserPublic.model_validate(user))


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"
