"""Liveness and readiness through the real app under uvicorn: ready means the database answers."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from attendance.db import reset_engines
from config import get_settings
from tests.live_server import running_app


@pytest.fixture
def unreachable_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The app's settings pointed at a PostgreSQL port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://attendance@127.0.0.1:{port}/attendance"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    reset_engines()
    yield url
    monkeypatch.undo()
    get_settings.cache_clear()
    reset_engines()


def test_ready_and_live_answer_when_the_database_is_up() -> None:
    with running_app() as base:
        ready = httpx.get(f"{base}/health/ready", timeout=10)
        live = httpx.get(f"{base}/health/live", timeout=10)
        legacy = httpx.get(f"{base}/health", timeout=10)
    assert ready.status_code == 200 and ready.json() == {"status": "ok", "database": "ok"}
    assert live.status_code == 200 and live.json() == {"status": "ok"}
    assert legacy.status_code == 200 and legacy.json()["database"] == "ok"


@pytest.mark.db_independent
def test_ready_is_503_with_a_reason_when_the_database_is_down_while_live_stays_up(unreachable_database: str) -> None:
    with running_app() as base:
        ready = httpx.get(f"{base}/health/ready", timeout=10)
        live = httpx.get(f"{base}/health/live", timeout=10)
    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "database": "error", "reason": "database_unreachable"}
    assert "127.0.0.1" not in ready.text  # the driver's message (hosts, ports) is logged, not served
    assert live.status_code == 200 and live.json() == {"status": "ok"}
