"""The camera's on-disk outbox (a SQLite file): punches wait here until the server has them."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY,
    device_serial TEXT NOT NULL,
    pin TEXT NOT NULL,
    staff_id INTEGER,
    device_time TEXT NOT NULL,
    note TEXT,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    delivered_at TEXT,
    UNIQUE (device_serial, pin, device_time)
);
CREATE INDEX IF NOT EXISTS ix_outbox_pending ON outbox (delivered_at, id);
"""
# Outbox files written before dead letters existed get the columns on open.
_DEAD_COLUMNS = (("dead_at", "TEXT"), ("dead_reason", "TEXT"))


@dataclass(frozen=True, slots=True)
class OutboxPunch:
    """A camera punch: `device_time` is an aware UTC instant, to the second (the ledger's key)."""

    device_serial: str
    pin: str
    staff_id: int | None
    device_time: datetime
    note: str | None = None
    id: int | None = None


class Outbox:
    """Durable queue; `add` is idempotent on the ledger key, delivery is marked only after the ack."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # a punch acknowledged to the camera survives power loss
        self._db.executescript(_SCHEMA)
        present = {row[1] for row in self._db.execute("PRAGMA table_info(outbox)")}
        for name, kind in _DEAD_COLUMNS:
            if name not in present:
                self._db.execute(f"ALTER TABLE outbox ADD COLUMN {name} {kind}")

    def add(self, punch: OutboxPunch) -> bool:
        """Queue a punch; False if the same punch is already queued or delivered."""
        moment = punch.device_time.astimezone(UTC).replace(microsecond=0)
        with self._lock:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO outbox (device_serial, pin, staff_id, device_time, note, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (punch.device_serial, punch.pin, punch.staff_id, moment.isoformat(), punch.note, _now()),
            )
            return cursor.rowcount == 1

    def pending(self, limit: int = 200) -> list[OutboxPunch]:
        """The oldest undelivered punches."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, device_serial, pin, staff_id, device_time, note FROM outbox"
                " WHERE delivered_at IS NULL AND dead_at IS NULL ORDER BY id LIMIT ?",
                (limit,),
            ).fetchall()
        return [
            OutboxPunch(serial, pin, staff_id, datetime.fromisoformat(moment), note, row_id)
            for row_id, serial, pin, staff_id, moment, note in rows
        ]

    def mark_delivered(self, ids: list[int]) -> None:
        with self._lock:
            self._db.executemany(
                "UPDATE outbox SET delivered_at = ?, attempts = attempts + 1 WHERE id = ?",
                [(_now(), row_id) for row_id in ids],
            )

    def mark_failed(self, ids: list[int], error: str) -> None:
        with self._lock:
            self._db.executemany(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
                [(error[:500], row_id) for row_id in ids],
            )

    def mark_dead(self, dead: list[tuple[int, str]]) -> None:
        """Set aside punches the server refused for good (with its reason): they no longer block the rest."""
        with self._lock:
            self._db.executemany(
                "UPDATE outbox SET dead_at = ?, dead_reason = ?, attempts = attempts + 1 WHERE id = ?",
                [(_now(), reason[:500], row_id) for row_id, reason in dead],
            )

    def dead_letters(self, limit: int = 100) -> list[tuple[OutboxPunch, str]]:
        """Punches set aside, newest first, with the server's reason."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, device_serial, pin, staff_id, device_time, note, dead_reason FROM outbox"
                " WHERE dead_at IS NOT NULL ORDER BY dead_at DESC, id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [(OutboxPunch(serial, pin, staff_id, datetime.fromisoformat(moment), note, row_id), reason or "")
                for row_id, serial, pin, staff_id, moment, note, reason in rows]

    def counts(self) -> tuple[int, int]:
        """(pending, delivered)."""
        with self._lock:
            pending, delivered = self._db.execute(
                "SELECT SUM(delivered_at IS NULL AND dead_at IS NULL), SUM(delivered_at IS NOT NULL) FROM outbox"
            ).fetchone()
        return int(pending or 0), int(delivered or 0)

    def dead_count(self) -> int:
        with self._lock:
            (count,) = self._db.execute("SELECT COUNT(*) FROM outbox WHERE dead_at IS NOT NULL").fetchone()
        return int(count)

    def purge_delivered(self, before: datetime) -> int:
        """Forget delivered punches older than `before` (the ledger has them)."""
        with self._lock:
            cursor = self._db.execute(
                "DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < ?",
                (before.astimezone(UTC).isoformat(),),
            )
            return cursor.rowcount

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _now() -> str:
    return datetime.now(UTC).isoformat()
