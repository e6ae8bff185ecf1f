"""A small per-process cache of values that are costly to build and read far more often than they change.

The day boards (the API's JSON and the pages' list snapshot) are the users: building one for 1,000+
people costs hundreds of milliseconds, while every open board asks again every few seconds. The key
names what the value was built from (see `board_key`), so a cached value is never stale by more than
its key allows. One caller builds a missing value while the others asking for the same key wait for
it (no thundering herd); when a `family` is given (the same board at another version), the others are
served the family's previous value instead of waiting.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date, datetime
from typing import Generic, TypeVar

from sqlmodel import Session, func, select

from attendance.models import AuditEntry, Punch, Unit
from attendance.zones import unit_today

V = TypeVar("V")


class BuildOnce(Generic[V]):
    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._latest: OrderedDict[Hashable, V] = OrderedDict()  # family -> its newest value
        self._building: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], V], *, family: Hashable | None = None) -> V:
        with self._lock:
            found = self._values.get(key)
            if found is not None:
                self._values.move_to_end(key)
                return found
            builder = self._building.setdefault(key, threading.Lock())
            previous = self._latest.get(family) if family is not None else None
        if not builder.acquire(blocking=previous is None):
            assert previous is not None
            return previous
        try:
            with self._lock:
                found = self._values.get(key)
            if found is not None:
                return found
            built = build()
            with self._lock:
                self._values[key] = built
                if family is not None:
                    self._latest[family] = built
                    self._latest.move_to_end(family)
                for kept in (self._values, self._latest):
                    while len(kept) > self.max_entries:
                        kept.popitem(last=False)
            return built
        finally:
            builder.release()
            with self._lock:
                self._building.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._latest.clear()


def board_key(*, session: Session, unit: Unit, day: date, now: datetime,
              today: date | None = None) -> tuple[object, ...]:
    """What a unit's board on `day` is built from. Every input change is a new punch or an audited write,
    so the newest punch and audit entry identify its content; for today and later (sessions fall due as
    time passes) the current minute does too, so an un-audited edit is at most a minute stale there."""
    today = today or unit_today(session=session, unit=unit, now=now)
    minute = now.strftime("%Y%m%d%H%M") if day >= today else None
    return (unit.id, day, minute, *data_version(session))


def data_version(session: Session) -> tuple[object, ...]:
    """The newest punch and audit entry (id and time), in one round trip: they change with every write
    that can alter a board, and the times keep a re-created database (ids starting over) from matching."""
    newest_punch = select(func.max(Punch.id)).scalar_subquery()
    newest_audit = select(func.max(AuditEntry.id)).scalar_subquery()
    query = select(newest_punch, select(Punch.ingested_at).where(Punch.id == newest_punch).scalar_subquery(),
                   newest_audit, select(AuditEntry.at).where(AuditEntry.id == newest_audit).scalar_subquery())
    return tuple(session.exec(query).one())  # type: ignore[call-overload]
