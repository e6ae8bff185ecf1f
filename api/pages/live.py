"""Live updates over server-sent events: new ledger rows, found by polling for ids above the last seen.

Polling the database (one indexed query by primary key, twice a second) needs no hook in the
ingest paths and sees punches stored by any process: pollers, cameras, other API workers.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from anyio import to_thread
from sqlmodel import Session, col, func, select
from starlette.requests import Request

from api.pages.i18n import translate
from attendance.db import get_engine
from attendance.evaluation import evaluate_period
from attendance.models import Punch, Staff
from attendance.pin_scope import LateOwners
from attendance.timeutil import to_local
from attendance.zones import unit_zone_by_id

POLL_SECONDS = 0.5
HEARTBEAT_SECONDS = 15.0
STREAM_SECONDS = 600.0  # the browser's EventSource reconnects by itself, resuming from Last-Event-ID
BATCH = 200


def latest_punch_id(*, session: Session) -> int:
    return session.exec(select(func.max(Punch.id))).one() or 0


def punches_after(*, session: Session, after_id: int, limit: int = BATCH) -> list[Punch]:
    return list(session.exec(select(Punch).where(col(Punch.id) > after_id).order_by(col(Punch.id)).limit(limit)))


@dataclass(frozen=True, slots=True)
class StreamScope:
    """Whose punches a stream may carry: the viewer's units (None = all), optionally one door's device."""

    unit_ids: frozenset[int] | None
    device: str | None = None

    def admits(self, punch: Punch, staff: Staff | None) -> bool:
        if self.device is not None and punch.device_serial != self.device:
            return False
        if self.unit_ids is None:
            return True
        return staff is not None and staff.unit_id in self.unit_ids


def punch_owner(*, session: Session, punch: Punch) -> Staff | None:
    """The person a punch belongs to: its staff id, else the PIN's current holder."""
    staff = session.get(Staff, punch.staff_id) if punch.staff_id else None
    if staff is None and punch.pin:
        candidates = list(session.exec(select(Staff.id).where(Staff.pin == punch.pin)))
        owner = LateOwners(session, [c for c in candidates if c is not None]).owner(punch.pin_scope_id, punch.pin)
        staff = session.get(Staff, owner) if owner else None
    return staff


def describe_punch(*, session: Session, punch: Punch, language: str) -> dict[str, Any]:
    """What the door screen shows for one punch: who, when, and on time or late."""
    staff = punch_owner(session=session, punch=punch)
    zone = unit_zone_by_id(session=session, unit_id=staff.unit_id if staff else None)
    local = to_local(punch.punched_at, zone)
    event: dict[str, Any] = {"id": punch.id, "time": local.strftime("%H:%M:%S"), "date": local.date().isoformat(),
                             "staff_id": staff.id if staff else None,
                             "name": staff.full_name if staff else translate("kiosk.unknown", language),
                             "verdict": "recorded", "label": translate("kiosk.recorded", language), "minutes": 0}
    if staff is None or staff.id is None or punch.quarantined:
        return event
    periods = evaluate_period(session=session, start=local.date(), end=local.date(), staff_ids=[staff.id])
    if not periods:
        return event
    day = periods[0].days[0]
    for result in day.sessions:
        if result.status.value in ("holiday", "not_workday"):
            event.update(verdict="day_off", label=translate("kiosk.day_off", language))
            return event
        if result.check_in == local:
            if result.late_minutes:
                event.update(verdict="late", minutes=result.late_minutes,
                             label=translate("kiosk.late", language, n=result.late_minutes))
            else:
                event.update(verdict="on_time", label=translate("kiosk.on_time", language))
            return event
        if result.check_out == local:
            if result.early_minutes:
                event.update(verdict="early", minutes=result.early_minutes,
                             label=translate("kiosk.early", language, n=result.early_minutes))
            else:
                event.update(verdict="on_time", label=translate("kiosk.on_time", language))
            return event
    return event


def _poll(after_id: int, language: str, scope: StreamScope) -> tuple[int, list[dict[str, Any]]]:
    with Session(get_engine(), expire_on_commit=False) as session:
        if after_id < 0:
            return latest_punch_id(session=session), []
        rows = punches_after(session=session, after_id=after_id)
        events = [describe_punch(session=session, punch=row, language=language) for row in rows
                  if scope.admits(row, punch_owner(session=session, punch=row))]
        return (rows[-1].id or after_id if rows else after_id), events


async def punch_events(request: Request, *, after_id: int, language: str,
                       scope: StreamScope) -> AsyncIterator[str]:
    """SSE frames, one per new punch the scope admits; `after_id` < 0 means 'from now on'."""
    loop = asyncio.get_running_loop()
    started = last_beat = loop.time()
    after_id, _ = await to_thread.run_sync(_poll, after_id, language, scope) if after_id < 0 else (after_id, [])
    # The id makes a reconnecting browser resume here (Last-Event-ID) even if no punch came yet.
    yield f"retry: 1000\nid: {after_id}\nevent: ready\ndata: {after_id}\n\n"
    while loop.time() - started < STREAM_SECONDS:
        if await request.is_disconnected():
            return
        after_id, events = await to_thread.run_sync(_poll, after_id, language, scope)
        for event in events:
            yield f"id: {event['id']}\nevent: punch\ndata: {json.dumps(event, ensure_ascii=False)}\n\n"
        if loop.time() - last_beat >= HEARTBEAT_SECONDS:
            last_beat = loop.time()
            yield f": {datetime.now().isoformat(timespec='seconds')}\n\n"
        await asyncio.sleep(POLL_SECONDS)
