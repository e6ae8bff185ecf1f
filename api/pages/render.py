"""Rendering: the Jinja2 environment, the shared page context and how statuses look."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from fastapi.templating import Jinja2Templates
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from api.pages.filters import install_filters
from api.pages.i18n import language_of, translate, translator
from config import get_settings

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

FLASH_COOKIE = "flash"

templates = Jinja2Templates(directory=str(TEMPLATES))
install_filters(templates.env)

# status -> css class; the colours live in app.css
STATUS_CLASS = {
    "present": "ok", "late": "late", "left_early": "late", "late_and_left_early": "late",
    "missing_check_in": "missing", "missing_check_out": "missing", "absent": "absent",
    "excused": "excused", "holiday": "off", "not_workday": "off", "not_yet_due": "due",
    "not_employed": "off",
}


def session_label(result: dict[str, Any], language: str) -> str:
    """A session's status in words, with the minutes where they matter."""
    status = result["status"]
    if status == "not_yet_due" and result.get("check_in"):
        return translate("status.in_session", language)
    if status == "excused" and result.get("excuse_kind"):
        return translate(f"kind.{result['excuse_kind']}", language)
    explained = _explained(result, language)
    if status == "present" and explained:
        return translate("status.explained", language, what=", ".join(explained))
    return translate(f"status.{status}", language, n=result.get("late_minutes") or result.get("early_minutes"),
                     m=result.get("early_minutes"))


def _explained(result: dict[str, Any], language: str) -> list[str]:
    """What an approved explanation excused in an attended session (R9a), in words."""
    parts = []
    if result.get("explained_late_minutes"):
        parts.append(translate("explained.late", language, n=result["explained_late_minutes"]))
    if result.get("explained_early_minutes"):
        parts.append(translate("explained.early", language, n=result["explained_early_minutes"]))
    if result.get("explained_missing"):
        parts.append(translate("explained.missing", language))
    return parts


_SHORT = {"present": "✓", "missing_check_in": "?", "missing_check_out": "?", "absent": "✗", "excused": "P",
          "holiday": "L", "not_workday": "–", "not_yet_due": "·", "not_employed": ""}


def session_short(result: dict[str, Any]) -> str:
    """A one-glyph version of the status for small calendar cells (colours carry the rest)."""
    if result["status"] in ("late", "left_early", "late_and_left_early"):
        parts = [f"{result['late_minutes']}′"] if result.get("late_minutes") else []
        parts += [f"−{result['early_minutes']}′"] if result.get("early_minutes") else []
        return "/".join(parts)
    if result["status"] == "not_yet_due" and result.get("check_in"):
        return "✓"
    return _SHORT.get(result["status"], "")


def session_class(result: dict[str, Any]) -> str:
    if result["status"] == "not_yet_due" and result.get("check_in"):
        return "ok"
    return STATUS_CLASS.get(result["status"], "off")


def format_date(day: date | str, language: str) -> str:
    if isinstance(day, str):
        day = date.fromisoformat(day)
    weekday = translate(f"weekday.{day.weekday()}", language)
    return f"{weekday} {day.day:02d}/{day.month:02d}/{day.year}"


def format_local(value: datetime | None, pattern: str = "%d/%m/%Y %H:%M") -> str:
    """An aware instant in the service's zone (stored instants are UTC)."""
    if value is None:
        return ""
    return value.astimezone(get_settings().zone).strftime(pattern)


def format_time(value: datetime | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value[11:16] if "T" in value else value[:5]
    return value.strftime("%H:%M")


def flash_redirect(session: Session, url: str, message: str) -> RedirectResponse:
    """Commit the form post's work, then redirect with a one-time message for the next page.

    The commit happens here, before the response leaves: the request's own session dependency
    commits only after the response is sent, and the browser's next GET could outrun it."""
    session.commit()
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(FLASH_COOKIE, quote(message[:1500]), max_age=60, path="/", httponly=True, samesite="lax")
    return response


def _lang_href(request: Request, other: str) -> str:
    """This page in the other language, its query parameters kept.

    A page shown in answer to a form post points at the page the form was on (its URL takes only posts)."""
    path, query = request.url.path, request.url.query
    if request.method != "GET":
        referer = urlsplit(request.headers.get("referer", ""))
        same_site = referer.netloc == request.url.netloc and referer.path.startswith("/")
        path, query = (referer.path, referer.query) if same_site else ("/", "")
    params = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "lang"] + [("lang", other)]
    return f"{path}?{urlencode(params)}"


def render(request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200,
           user: Any = None) -> HTMLResponse:
    """A full page or fragment, with the language, the translator and the navigation."""
    from api.pages.nav import navigation

    language = language_of(request)
    base: dict[str, Any] = {
        "lang": language,
        "t": translator(language),
        "user": user,
        "nav": navigation(user, language) if user is not None else [],
        "session_label": lambda r: session_label(r, language),
        "session_class": session_class,
        "session_short": session_short,
        "format_date": lambda d: format_date(d, language),
        "format_time": format_time,
        "format_local": format_local,
        "path": request.url.path,
        "lang_href": _lang_href(request, "en" if language == "vi" else "vi"),
        "form": {}, "punch_form": {},  # what a form showed when it comes back with an error
    }
    flash = request.cookies.get(FLASH_COOKIE)
    if flash:
        base["flash"] = unquote(flash)
    if context and context.get("error"):
        base["flash"], base["flash_kind"] = context["error"], "error"
    base.update({k: v for k, v in (context or {}).items() if k != "error"})
    response = templates.TemplateResponse(request, name, base, status_code=status_code)
    if flash:
        response.delete_cookie(FLASH_COOKIE, path="/")
    if request.query_params.get("lang") in ("vi", "en"):
        response.set_cookie("lang", request.query_params["lang"], max_age=365 * 86400, samesite="lax")
    return response
