"""The pages' cookie session: a signed token naming a server-side session, in an HttpOnly cookie."""

from __future__ import annotations

from fastapi import Response

from api.auth.models import AuthSession, User
from api.auth.settings import get_auth_settings
from api.auth.tokens import create_access_token
from config import get_settings


def set_session_cookie(response: Response, user: User, auth_session: AuthSession) -> None:
    """Log `user` in on this browser, for as long as `auth_session` lives."""
    settings = get_auth_settings()
    token, _ = create_access_token(user, auth_session)
    response.set_cookie(settings.cookie_name, token, max_age=settings.session_minutes * 60, httponly=True,
                        secure=cookie_secure(), samesite="lax", path="/")


def clear_session_cookie(response: Response) -> None:
    """Forget the cookie on this browser (the session itself is ended server-side)."""
    settings = get_auth_settings()
    response.delete_cookie(settings.cookie_name, path="/", httponly=True, secure=cookie_secure(),
                           samesite="lax")


def cookie_secure() -> bool:
    configured = get_auth_settings().cookie_secure
    if configured is not None:
        return configured
    return get_settings().environment not in ("development", "test")
