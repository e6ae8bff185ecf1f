"""The camera's queue of face decisions (evidence, refused and flagged attempts) waiting for the server.

A SQLite file beside the outbox, so a camera restarted during an outage still delivers them; bounded,
oldest dropped first, because unlike punches they are evidence, not the record. Each attempt, with
its face crop, is sealed with the camera's key; a queue written in clear before is sealed once.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import threading
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from recognition.camera.attempts import Attempt
from recognition.camera.device_key import CameraKey
from recognition.camera.sealed_store import CameraStoreUnreadable, open_memory, open_store, table_columns

MAX_QUEUED = 5000  # about 75 MB of evidence at most

_SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY,
    attempt BLOB NOT NULL
);
"""
_IMAGES = ("face_jpeg", "context_jpeg")


class AttemptQueue:
    """Durable FIFO of `Attempt`s (in memory when no path is given)."""

    def __init__(self, path: Path | None = None, *, key: CameraKey | None = None) -> None:
        self._lock = threading.Lock()
        if path is None:
            self._key = key or CameraKey.ephemeral()
            self._db = open_memory(_SCHEMA)
            return
        if key is None:
            raise ValueError("an attempt queue on disk needs the camera's key")
        self._key = key
        self._db = open_store(
            path, key, name="attempts", schema=_SCHEMA, is_clear=_is_clear, convert=self._convert,
            unreadable=lambda db: CameraStoreUnreadable("camera.attempts_unreadable", path, _count(db)),
        )

    def add(self, attempt: Attempt) -> None:
        with self._lock:
            (row_id,) = self._db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM attempts").fetchone()
            self._db.execute("INSERT INTO attempts (id, attempt) VALUES (?, ?)", (row_id, self._seal(row_id, attempt)))
            self._db.execute("DELETE FROM attempts WHERE id <= ? - ?", (row_id, MAX_QUEUED))

    def pending(self, limit: int = 100) -> list[tuple[int, Attempt]]:
        """The oldest queued attempts with their ids."""
        with self._lock:
            rows = self._db.execute("SELECT id, attempt FROM attempts ORDER BY id LIMIT ?", (limit,)).fetchall()
        return [(row_id, self._open(row_id, sealed)) for row_id, sealed in rows]

    def remove(self, ids: list[int]) -> None:
        """Forget attempts the server has acknowledged."""
        with self._lock:
            self._db.executemany("DELETE FROM attempts WHERE id = ?", [(i,) for i in ids])

    def __len__(self) -> int:
        with self._lock:
            return _count(self._db)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _seal(self, row_id: int, attempt: Attempt) -> bytes:
        body = asdict(attempt)
        body["at"] = attempt.at.astimezone(UTC).isoformat()
        for name in _IMAGES:
            body[name] = base64.b64encode(body[name]).decode() if body[name] is not None else None
        return self._key.seal(json.dumps(body).encode(), context=f"attempt:{row_id}")

    def _open(self, row_id: int, sealed: bytes) -> Attempt:
        body = json.loads(self._key.open(sealed, context=f"attempt:{row_id}"))
        body["at"] = datetime.fromisoformat(body["at"])
        for name in _IMAGES:
            body[name] = base64.b64decode(body[name]) if body[name] is not None else None
        return Attempt(**body)

    def _convert(self, old: sqlite3.Connection, new: sqlite3.Connection) -> int:
        rows = old.execute(
            "SELECT id, at, staff_id, pin, distance, runner_up, outcome, reason, face_jpeg, context_jpeg"
            " FROM attempts ORDER BY id"
        ).fetchall()
        for row in rows:
            attempt = Attempt(datetime.fromisoformat(row[1]), *row[2:])
            new.execute("INSERT INTO attempts (id, attempt) VALUES (?, ?)", (row[0], self._seal(row[0], attempt)))
        return len(rows)


def _is_clear(db: sqlite3.Connection) -> bool:
    return "pin" in table_columns(db, "attempts")


def _count(db: sqlite3.Connection) -> int:
    return int(db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0])
