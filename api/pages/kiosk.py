"""The door kiosk and the live punch stream that feeds it and the board."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Header
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, StreamingResponse

from api.auth.roles import Permission
from api.deps import get_optional_principal
from api.pages.deps import LoginRequired, PageRoute, PageUser, require
from api.pages.i18n import language_of
from api.pages.live import StreamScope, punch_events
from api.pages.params import MAX_EVENT_ID, EventIdQuery
from api.pages.render import render
from api.pages.scope import today
from attendance.db import get_engine
from config import get_settings

router = APIRouter(route_class=PageRoute)


@router.get("/kiosk", response_class=HTMLResponse, include_in_schema=False)
def kiosk_page(request: Request, user: PageUser, device: str | None = None) -> HTMLResponse:
    """The door screen; `?device=SERIAL` shows only that terminal's or camera's punches."""
    require(user, Permission.BOARD_READ)
    stream = "/live/punches" + (f"?{urlencode({'device': device})}" if device else "")
    return render(request, "kiosk.html", {"day": today(), "zone": get_settings().timezone, "stream": stream},
                  user=user)


@router.get("/live/punches", include_in_schema=False)
async def live_punches(request: Request, after: EventIdQuery = -1, device: str | None = None,
                       last_event_id: str | None = Header(None)) -> StreamingResponse:
    """Server-sent events: one `punch` event per new ledger row the viewer may see (one door's with
    `device`), from now on (or after `after`)."""
    # A short session of its own: the stream must not hold a database connection while it waits.
    with Session(get_engine()) as session:
        user = get_optional_principal(request, session, None)
    if user is None or user.user is None:
        raise LoginRequired
    require(user, Permission.BOARD_READ)
    if last_event_id and last_event_id.isdigit() and int(last_event_id) <= MAX_EVENT_ID:
        after = int(last_event_id)
    scope = StreamScope(unit_ids=user.unit_ids, device=device or None)
    return StreamingResponse(punch_events(request, after_id=after, language=language_of(request), scope=scope),
                             media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
