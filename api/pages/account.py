"""One's own account: two-factor sign-in (set up with a QR code, recovery codes) and open sessions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from api.auth import two_factor
from api.auth.cookies import clear_session_cookie
from api.auth.principal import Principal
from api.auth.service import WrongPassword, confirm_password
from api.auth.sessions import active_sessions, end_all_sessions
from api.deps import SessionDep, client_address
from api.notify import settings_of
from api.pages.deps import PageRoute, PageUser
from api.pages.i18n import language_of, translate
from api.pages.render import flash_redirect, render
from attendance.errors import InvalidInput

router = APIRouter(route_class=PageRoute)


@router.get("/account", response_class=HTMLResponse, include_in_schema=False)
def account_page(request: Request, session: SessionDep, user: PageUser) -> HTMLResponse:
    return _page(request, session, user)


@router.post("/account/2fa/setup", include_in_schema=False)
def setup(request: Request, session: SessionDep, user: PageUser) -> Response:
    assert user.user is not None
    two_factor.start_enrolment(session=session, user=user.user)
    session.commit()
    return RedirectResponse("/account", status_code=303)


@router.post("/account/2fa/enable", include_in_schema=False)
def enable(request: Request, session: SessionDep, user: PageUser, code: Annotated[str, Form(max_length=32)]) -> Response:
    assert user.user is not None
    try:
        codes = two_factor.confirm_enrolment(session=session, user=user.user, code=code, actor=user.actor,
                                             client=client_address(request))
    except InvalidInput:
        return _page(request, session, user, error=translate("acc.code_wrong", language_of(request)), status=422)
    session.commit()
    return _page(request, session, user, recovery_codes=codes)


@router.post("/account/2fa/disable", include_in_schema=False)
def disable(request: Request, session: SessionDep, user: PageUser,
            password: Annotated[str, Form(max_length=256)]) -> Response:
    assert user.user is not None
    client = client_address(request)
    try:
        confirm_password(session=session, user=user.user, password=password, client=client)
    except WrongPassword:
        return _page(request, session, user, error=translate("acc.password_wrong", language_of(request)), status=422)
    two_factor.disable(session=session, user=user.user, actor=user.actor, client=client)
    return flash_redirect(session, "/account", translate("acc.2fa_disabled", language_of(request)))


@router.post("/account/logout-everywhere", include_in_schema=False)
def logout_everywhere(request: Request, session: SessionDep, user: PageUser) -> Response:
    assert user.user is not None
    end_all_sessions(session=session, user_id=user.user.id, reason="logout-everywhere", actor=user.actor,
                     client=client_address(request))
    session.commit()
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response)
    return response


def account_page_with(request: Request, session: SessionDep, user: Principal, *, error: str,
                      notify_form: dict[str, Any]) -> HTMLResponse:
    """The account page again with the notice settings as typed, and why they were refused."""
    return _page(request, session, user, error=error, notify_form=notify_form, status=422)


def _page(request: Request, session: SessionDep, user: Principal, *, error: str = "",
          recovery_codes: list[str] | None = None, status: int = 200,
          notify_form: dict[str, Any] | None = None) -> HTMLResponse:
    account = user.user
    assert account is not None and account.id is not None
    notices = settings_of.of_account(session=session, user=account)
    context: dict[str, Any] = {
        "enabled": two_factor.enabled(account), "required": two_factor.required(account),
        "enrolment": two_factor.pending_enrolment(account), "recovery_codes": recovery_codes or [],
        "sessions": active_sessions(session=session, user_id=account.id), "error": error,
        "notify_form": notify_form or {"email": notices.email, "notify_email": notices.notify_email},
    }
    return render(request, "account.html", context, user=user, status_code=status)
