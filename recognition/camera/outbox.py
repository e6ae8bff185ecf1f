"""The camera's on-disk outbox (a SQLite file): punches wait here until the server has them.

Each punch is sealed with the camera's key (`CameraKey`); the file shows only when it was queued and
whether it was delivered. Idempotence on the ledger key goes through a keyed hash of it, so the PIN
never appears in clear. An outbox written in clear by an older version is sealed once, when opened.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from recognition.camera.device_key import CameraKey
from recognition.camera.sealed_store import CameraStoreUnreadable, open_memory, open_store, table_columns

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY,
    punch_key TEXT NOT NULL UNIQUE,
    punch BLOB NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error BLOB,
    delivered_at TEXT,
    dead_at TEXT,
    dead_reason BLOB
);
CREATE INDEX IF NOT EXISTS ix_outbox_pending ON outbox (delivered_at, id);
"""
_PENDING = "delivered_at IS NULL AND dead_at IS NULL"


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
    """Durable queue; `add` is idempotent on the ledger key, delivery is marked only after the ack.

    Without a path it lives in memory (a camera that keeps nothing)."""

    def __init__(self, path: Path | None, *, key: CameraKey | None = None) -> None:
        self.path = path
        self._lock = threading.Lock()
        if path is None:
            self._key = key or CameraKey.ephemeral()
            self._db = open_memory(_SCHEMA)
            return
        if key is None:
            raise ValueError("an outbox on disk needs the camera's key")
        self._key = key
        # FULL: a punch acknowledged to the camera survives power loss.
        self._db = open_store(path, key, name="outbox", schema=_SCHEMA, is_clear=_is_clear,
                              convert=self._convert, unreadable=lambda db: _unreadable(db, path),
                              synchronous="FULL")

    def add(self, punch: OutboxPunch) -> bool:
        """Queue a punch; False if the same punch is already queued or delivered."""
        moment = punch.device_time.astimezone(UTC).replace(microsecond=0)
        punch_key, sealed = self._seal(punch, moment)
        with self._lock:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO outbox (punch_key, punch, created_at) VALUES (?, ?, ?)",
                (punch_key, sealed, _now()),
            )
            return cursor.rowcount == 1

    def pending(self, limit: int = 200) -> list[OutboxPunch]:
        """The oldest undelivered punches."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT id, punch_key, punch FROM outbox WHERE {_PENDING} ORDER BY id LIMIT ?", (limit,)
            ).fetchall()
        return [self._open(row_id, punch_key, sealed) for row_id, punch_key, sealed in rows]

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
                [(self._seal_text(error, row_id, "error"), row_id) for row_id in ids],
            )

    def mark_dead(self, dead: list[tuple[int, str]]) -> None:
        """Set aside punches the server refused for good (with its reason): they no longer block the rest."""
        with self._lock:
            self._db.executemany(
                "UPDATE outbox SET dead_at = ?, dead_reason = ?, attempts = attempts + 1 WHERE id = ?",
                [(_now(), self._seal_text(reason, row_id, "reason"), row_id) for row_id, reason in dead],
            )

    def dead_letters(self, limit: int = 100) -> list[tuple[OutboxPunch, str]]:
        """Punches set aside, newest first, with the server's reason."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, punch_key, punch, dead_reason FROM outbox"
                " WHERE dead_at IS NOT NULL ORDER BY dead_at DESC, id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [(self._open(row_id, punch_key, sealed), self._open_text(reason, row_id, "reason"))
                for row_id, punch_key, sealed, reason in rows]

    def counts(self) -> tuple[int, int]:
        """(pending, delivered)."""
        with self._lock:
            pending, delivered = self._db.execute(
                f"SELECT SUM({_PENDING}), SUM(delivered_at IS NOT NULL) FROM outbox"
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

    def _seal(self, punch: OutboxPunch, moment: datetime) -> tuple[str, bytes]:
        punch_key = self._key.digest(punch.device_serial, punch.pin, moment.isoformat())
        body = {"serial": punch.device_serial, "pin": punch.pin, "staff_id": punch.staff_id,
                "device_time": moment.isoformat(), "note": punch.note}
        # Bound to its look-up key: a sealed punch cannot be moved onto another row's key.
        return punch_key, self._key.seal(json.dumps(body).encode(), context=f"outbox:{punch_key}")

    def _open(self, row_id: int, punch_key: str, sealed: bytes) -> OutboxPunch:
        body = json.loads(self._key.open(sealed, context=f"outbox:{punch_key}"))
        return OutboxPunch(body["serial"], body["pin"], body["staff_id"], datetime.fromisoformat(body["device_time"]),
                           body["note"], row_id)

    def _seal_text(self, text: str, row_id: int, field: str) -> bytes:
        # Server errors can quote the punch (a refused PIN): sealed like the punch itself.
        return self._key.seal(text[:500].encode(), context=f"outbox-{field}:{row_id}")

    def _open_text(self, sealed: bytes | None, row_id: int, field: str) -> str:
        return self._key.open(sealed, context=f"outbox-{field}:{row_id}").decode() if sealed else ""

    def _convert(self, old: sqlite3.Connection, new: sqlite3.Connection) -> int:
        """Seal every row of a clear outbox, keeping its id, queue time and delivery state."""
        present = table_columns(old, "outbox")
        dead = "dead_at, dead_reason" if {"dead_at", "dead_reason"} <= present else "NULL, NULL"
        rows = old.execute(
            "SELECT id, device_serial, pin, staff_id, device_time, note, created_at, attempts, last_error,"
            f" delivered_at, {dead} FROM outbox ORDER BY id"
        ).fetchall()
        for (row_id, serial, pin, staff_id, moment, note, created_at, attempts, last_error, delivered_at,
             dead_at, dead_reason) in rows:
            punch = OutboxPunch(serial, pin, staff_id, datetime.fromisoformat(moment), note)
            punch_key, sealed = self._seal(punch, datetime.fromisoformat(moment))
            new.execute(
                "INSERT INTO outbox (id, punch_key, punch, created_at, attempts, last_error, delivered_at, dead_at,"
                " dead_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (row_id, punch_key, sealed, created_at, attempts,
                 self._seal_text(last_error, row_id, "error") if last_error else None, delivered_at, dead_at,
                 self._seal_text(dead_reason, row_id, "reason") if dead_reason else None),
            )
        return len(rows)


def _is_clear(db: sqlite3.Connection) -> bool:
    return "pin" in table_columns(db, "outbox")


def _unreadable(db: sqlite3.Connection, path: Path) -> CameraStoreUnreadable:
    (pending,) = db.execute(f"SELECT COUNT(*) FROM outbox WHERE {_PENDING}").fetchone()
    return CameraStoreUnreadable("camera.outbox_unreadable", path, int(pending))


def _now() -> str:
    return datetime.now(UTC).isoformat()
