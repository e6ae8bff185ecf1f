"""The camera's queue of face decisions survives a restart and stays bounded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from recognition.camera import attempt_queue
from recognition.camera.attempt_queue import AttemptQueue
from recognition.camera.attempts import Attempt
from recognition.camera.device_key import CameraKey

pytestmark = pytest.mark.db_independent
KEY = CameraKey.ephemeral()
AT = datetime(2026, 11, 25, 0, 31, 5, tzinfo=UTC)


def test_queued_decisions_survive_a_restart_and_leave_once_acknowledged(tmp_path: Path) -> None:
    queue = AttemptQueue(tmp_path / "attempts.sqlite3", key=KEY)
    decision = Attempt(AT, 7, "4401", 0.31, None, "punched", "blink", b"\xff\xd8face", b"\xff\xd8context")
    queue.add(decision)
    queue.close()
    restarted = AttemptQueue(tmp_path / "attempts.sqlite3", key=KEY)
    [(row_id, again)] = restarted.pending()
    assert again == decision
    restarted.remove([row_id])
    assert len(restarted) == 0


def test_the_oldest_decisions_are_dropped_past_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(attempt_queue, "MAX_QUEUED", 3)
    queue = AttemptQueue()
    for minute in range(5):
        queue.add(Attempt(AT + timedelta(minutes=minute), 7, "4401", 0.3, 0.9, "refused", "flat"))
    assert [a.at.minute for _, a in queue.pending()] == [33, 34, 35]
