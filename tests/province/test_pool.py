"""The push group commit never waits for the request pool (a burst of uploads once exhausted it)."""

from __future__ import annotations

from datetime import datetime

import pytest

from attendance.db import get_engine, reset_engines
from attendance.ledger import PunchIn
from attendance.models import PunchSource
from config import get_settings
from devices.push_batch import IngestBatcher
from tests.conftest import backend

pytestmark = pytest.mark.skipif(backend() != "postgresql", reason="SQLite has no connection pool to exhaust")


@pytest.fixture
def one_connection_pool(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ATTENDANCE_DATABASE_POOL__SIZE", "1")
    monkeypatch.setenv("ATTENDANCE_DATABASE_POOL__MAX_OVERFLOW", "0")
    monkeypatch.setenv("ATTENDANCE_DATABASE_POOL__TIMEOUT_SECONDS", "1")
    get_settings.cache_clear()
    reset_engines()
    yield get_engine()
    monkeypatch.undo()
    get_settings.cache_clear()
    reset_engines()


def test_uploads_holding_every_request_connection_still_get_committed(one_connection_pool) -> None:
    punch = PunchIn(source=PunchSource.TERMINAL_PUSH, device_serial="POOL01", pin="7",
                    device_time=datetime(2026, 12, 7, 7, 0))
    with one_connection_pool.connect() as held:  # an upload's request, waiting on the writer with its connection
        held.exec_driver_sql("SELECT 1")
        result = IngestBatcher().ingest([punch], timeout=30)
    assert result.received == 1 and result.rejected == []
