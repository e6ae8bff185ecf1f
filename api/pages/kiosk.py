"""The door kiosk and the live punch stream that feeds it and the board."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Header
from sqlmodel import Session, select
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, StreamingResponse

from api.auth.roles import Permission
from api.deps import SessionDep, get_optional_principal
from api.pages.deps import LoginRequired, PageRoute, PageUser, require
from api.pages.i18n import language_of, translate
from api.pages.live import StreamScope, punch_events
from api.pages.params import MAX_EVENT_ID, EventIdQuery
from api.pages.render import render
from attendance.db import get_engine
from attendance.models import Device
from attendance.timeutil import utcnow
from attendance.zones import unit_zone_by_id
from recognition.attempts import current_prompt

router = APIRouter(route_class=PageRoute)


@router.get("/kiosk", response_class=HTMLResponse, include_in_schema=False)
def kiosk_page(request: Request, session: SessionDep, user: PageUser, device: str | None = None) -> HTMLResponse:
    """The door screen; `?device=SERIAL` shows only that terminal's or camera's punches."""
    require(user, Permission.BOARD_READ)
    stream = "/live/punches" + (f"?{urlencode({'device': device})}" if device else "")
    # The door's clock is its unit's: the terminal's unit if given, else the viewer's.
    door = session.exec(select(Device).where(Device.serial == device)).first() if device else None
    unit_id = door.unit_id if door is not None and door.unit_id else (user.user.unit_id if user.user else None)
    zone = unit_zone_by_id(session=session, unit_id=unit_id)
    return render(request, "kiosk.html", {"day": utcnow().astimezone(zone).date(), "zone": zone.key,
                                          "stream": stream, "device": device or ""}, user=user)


@router.get("/kiosk/prompt", include_in_schema=False)
def kiosk_prompt(request: Request, session: SessionDep, user: PageUser, device: str) -> JSONResponse:
    """What the door camera asks of the face before it now ({} when nothing): polled by the kiosk."""
    require(user, Permission.BOARD_READ)
    prompt = current_prompt(session=session, serial=device)
    if prompt is None:
        return JSONResponse({})
    challenge, name = prompt
    language = language_of(request)
    return JSONResponse({"challenge": challenge, "text": translate(f"kiosk.prompt.{challenge}", language),
                         "name": name})


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
