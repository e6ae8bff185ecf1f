"""A database that is down (restarting) answers 503 with Retry-After, not a 500 with a traceback."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from attendance.db import reset_engines
from config import get_settings


@pytest.fixture
def dead_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("DATABASE_URL", f"postgresql+psycopg://postgres@127.0.0.1:{port}/gone")
    get_settings.cache_clear()
    reset_engines()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()
    reset_engines()


@pytest.mark.db_independent
def test_terminals_and_api_callers_are_told_to_come_back(dead_database: None) -> None:
    from api.main import create_app

    with TestClient(create_app(), raise_server_exceptions=False) as client:
        for path in ("/iclock/getrequest?SN=ABC123", "/health"):
            reply = client.get(path)
            assert reply.status_code == 503, (path, reply.status_code, reply.text[:200])
            assert reply.headers["retry-after"] == "5"
        upload = client.post("/iclock/cdata?SN=ABC123&table=ATTLOG", content=b"1\t2026-12-07 07:00:00\t0\t1\n")
        assert upload.status_code == 503
        assert client.get("/health/ready").status_code == 503
