"""A small per-process cache of rendered day boards.

A board is read far more often than its inputs change (pages refresh it live), and building one
for 1,000 people costs hundreds of milliseconds. Every input change is a new punch or an audited
write, so the newest punch and audit entry identify a board's content; for today (sessions fall due
as time passes) the current minute does too, so an un-audited edit is at most a minute stale there.
One request builds a missing board while the others asking for it wait (no thundering herd).
"""

from __future__ import annotations

import gzip
import json
import threading
from collections import OrderedDict
from datetime import date, datetime

from sqlmodel import Session, func, select

from attendance.models import AuditEntry, Punch, Unit
from attendance.queries import board_json, day_board
from attendance.zones import unit_today

MAX_ENTRIES = 64
_cache: OrderedDict[tuple[object, ...], tuple[bytes, bytes]] = OrderedDict()
_building: dict[tuple[object, ...], threading.Lock] = {}
_lock = threading.Lock()


def board_bytes(*, session: Session, unit: Unit, day: date, now: datetime) -> tuple[bytes, bytes]:
    """The board of `unit` on `day` as JSON bytes and gzipped, rebuilt only when its inputs changed."""
    today = unit_today(session=session, unit=unit, now=now)
    minute = now.strftime("%Y%m%d%H%M") if day >= today else None
    key = (unit.id, day, minute, *data_version(session))
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
        builder = _building.setdefault(key, threading.Lock())
    with builder:
        with _lock:
            found = _cache.get(key)
        if found is not None:
            return found
        try:
            plain = json.dumps(board_json(day_board(session=session, unit=unit, day=day, now=now), unit, day),
                               ensure_ascii=False, separators=(",", ":")).encode()
            body = (plain, gzip.compress(plain, compresslevel=5, mtime=0))
            with _lock:
                _cache[key] = body
                while len(_cache) > MAX_ENTRIES:
                    _cache.popitem(last=False)
        finally:
            with _lock:
                _building.pop(key, None)
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
