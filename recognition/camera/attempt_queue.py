"""The camera's queue of face decisions (evidence, refused and flagged attempts) waiting for the server.

A SQLite file beside the outbox, so a camera restarted during an outage still delivers them; bounded,
oldest dropped first, because unlike punches they are evidence, not the record.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

from recognition.camera.attempts import Attempt

MAX_QUEUED = 5000  # about 75 MB of evidence at most

_SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    staff_id INTEGER,
    pin TEXT,
    distance REAL,
    runner_up REAL,
    outcome TEXT NOT NULL,
    reason TEXT NOT NULL,
    face_jpeg BLOB,
    context_jpeg BLOB
);
"""


class AttemptQueue:
    """Durable FIFO of `Attempt`s (in memory when no path is given)."""

    def __init__(self, path: Path | None = None) -> None:
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(":memory:" if path is None else path, check_same_thread=False, isolation_level=None)
        if path is not None:
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def add(self, attempt: Attempt) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO attempts (at, staff_id, pin, distance, runner_up, outcome, reason, face_jpeg, context_jpeg)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    attempt.at.astimezone(UTC).isoformat(),
                    attempt.staff_id,
                    attempt.pin,
                    attempt.distance,
                    attempt.runner_up,
                    attempt.outcome,
                    attempt.reason,
                    attempt.face_jpeg,
                    attempt.context_jpeg,
                ),
            )
            self._db.execute("DELETE FROM attempts WHERE id <= (SELECT MAX(id) FROM attempts) - ?", (MAX_QUEUED,))

    def pending(self, limit: int = 100) -> list[tuple[int, Attempt]]:
        """The oldest queued attempts with their ids."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, at, staff_id, pin, distance, runner_up, outcome, reason, face_jpeg, context_jpeg"
                " FROM attempts ORDER BY id LIMIT ?",
                (limit,),
            ).fetchall()
        return [
            (
                row[0],
                Attempt(datetime.fromisoformat(row[1]), row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9]),
            )
            for row in rows
        ]

    def remove(self, ids: list[int]) -> None:
        """Forget attempts the server has acknowledged."""
        with self._lock:
            self._db.executemany("DELETE FROM attempts WHERE id = ?", [(i,) for i in ids])

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
