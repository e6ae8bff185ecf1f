"""Who is looking at a page, and the route class that turns every error into a page, never a traceback."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, HTTPException
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from sqlalchemy.exc import DataError
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from api.auth.principal import Principal
from api.auth.roles import Permission
from api.auth.service import TwoFactorEnrolmentRequired
from api.auth.throttle import TooManyAttempts
from api.deps import OptionalUser
from api.pages.i18n import language_of, translate
from api.pages.validation import explain_validation
from attendance.errors import AttendanceError, Conflict, Forbidden, InvalidInput, NotFound

log = logging.getLogger(__name__)


class LoginRequired(Exception):
    """No valid session cookie: the page sends the browser to the login page."""


class PageForbidden(Exception):
    """Logged in, but this page or record is not theirs to see."""


def page_principal(user: OptionalUser) -> Principal:
    """The logged-in user behind the session cookie, else LoginRequired."""
    if user is None:
        raise LoginRequired
    return user


PageUser = Annotated[Principal, Depends(page_principal)]


def require(principal: Principal, *permissions: Permission) -> None:
    """PageForbidden unless the user holds at least one of `permissions`."""
    if not any(principal.can(p) for p in permissions):
        raise PageForbidden


def require_staff(principal: Principal, *, staff_id: int, unit_id: int | None) -> None:
    if not principal.sees_staff(staff_id=staff_id, unit_id=unit_id):
        raise PageForbidden


class PageRoute(APIRoute):
    """Errors become a readable page (or a redirect to the login page), in the user's language."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except TwoFactorEnrolmentRequired:
                return RedirectResponse("/account", status_code=303)
            except LoginRequired:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
            except PageForbidden:
                return error_page(request, 403, translate("error.forbidden", language_of(request)))
            except Forbidden as err:
                return error_page(request, 403, translate("error.forbidden", language_of(request)),
                                  err.message(language_of(request)))
            except TooManyAttempts as err:  # a password or code checked on any page: the login's answer
                refused = error_page(request, 429, translate("login.too_many", language_of(request)))
                refused.headers["Retry-After"] = str(err.retry_after)
                return refused
            except NotFound as err:
                return error_page(request, 404, translate("error.not_found", language_of(request)),
                                  err.message(language_of(request)))
            except (InvalidInput, Conflict, AttendanceError) as err:
                status = 409 if isinstance(err, Conflict) else 422 if isinstance(err, InvalidInput) else 400
                language = language_of(request)
                return error_page(request, status, translate("error.invalid", language), err.message(language))
            except (OverflowError, DataError):
                # A number or date the database cannot hold: only a client sends one.
                return error_page(request, 422, translate("error.invalid", language_of(request)),
                                  translate("error.out_of_range", language_of(request)))
            except RequestValidationError as err:
                language = language_of(request)
                return error_page(request, 422, translate("error.invalid", language),
                                  explain_validation(err.errors(), language))
            except HTTPException as err:
                if err.status_code == 401:  # an ended or expired session: forget its cookie too
                    from api.auth.cookies import clear_session_cookie

                    expired = RedirectResponse("/login", status_code=303)
                    clear_session_cookie(expired)
                    return expired
                # The detail is the framework's English: the page says only what kind of error it is.
                key = {403: "error.forbidden", 404: "error.not_found"}.get(err.status_code, "error.invalid")
                return error_page(request, err.status_code, translate(key, language_of(request)))
            except Exception:
                log.exception("page %s failed", request.url.path)
                return error_page(request, 500, translate("error.server", language_of(request)))

        return handle


def error_page(request: Request, status: int, message: str, detail: str = "") -> Response:
    """The service's error page, with the menu when the browser is logged in."""
    from api.pages.render import render

    return render(request, "error.html", {"status": status, "message": message, "detail": detail},
                  status_code=status, user=_viewer(request))


def _viewer(request: Request) -> Principal | None:
    """Who is logged in on this browser, for the menu; None when unknown or the lookup fails."""
    from api.auth.service import principal_for_token
    from api.auth.settings import get_auth_settings
    from attendance.db import get_engine

    token = request.cookies.get(get_auth_settings().cookie_name)
    if not token:
        return None
    try:
        with Session(get_engine(), expire_on_commit=False) as session:
            principal = principal_for_token(session=session, token=token)
            session.commit()
            return principal if principal.user is not None else None
    except Exception:  # the error page itself must never fail
        return None
