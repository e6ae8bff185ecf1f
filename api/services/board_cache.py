"""A small per-process cache of rendered day boards.

A board is read far more often than its inputs change (pages refresh it live), and building one
for 1,000 people costs hundreds of milliseconds. Every input change is a new punch or an audited
write, so the newest punch id and audit id, with the current minute (sessions fall due as time
passes), identify a board's content; anything else (an un-audited edit) is at most a minute stale.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from datetime import date, datetime

from sqlmodel import Session, func, select

from attendance.models import AuditEntry, Punch, Unit
from attendance.queries import board_json, day_board

MAX_ENTRIES = 64
_cache: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
_lock = threading.Lock()


def board_bytes(*, session: Session, unit: Unit, day: date, now: datetime) -> bytes:
    """The board of `unit` on `day` as JSON bytes, rebuilt only when its inputs changed."""
    key = (unit.id, day, now.strftime("%Y%m%d%H%M"), *data_version(session))
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    body = json.dumps(board_json(day_board(session=session, unit=unit, day=day, now=now), unit, day),
                      ensure_ascii=False, separators=(",", ":")).encode()
    with _lock:
        _cache[key] = body
        while len(_cache) > MAX_ENTRIES:
            _cache.popitem(last=False)
    return body


def data_version(session: Session) -> tuple[object, ...]:
    """The newest punch and audit entry (id and time), in one round trip: they change with every write
    that can alter a board, and the times keep a re-created database (ids starting over) from matching."""
    newest_punch = select(func.max(Punch.id)).scalar_subquery()
    newest_audit = select(func.max(AuditEntry.id)).scalar_subquery()
    query = select(newest_punch, select(Punch.ingested_at).where(Punch.id == newest_punch).scalar_subquery(),
                   newest_audit, select(AuditEntry.at).where(AuditEntry.id == newest_audit).scalar_subquery())
    return tuple(session.exec(query).one())  # type: ignore[call-overload]


def clear() -> None:
    with _lock:
        _cache.clear()
