from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from config import get_settings


@pytest.fixture(params=["UTC", "Asia/Ho_Chi_Minh", "Asia/Tokyo"])
def service_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The server's own zone (ATTENDANCE_TIMEZONE): it must never change a unit that declares one."""
    monkeypatch.setenv("ATTENDANCE_TIMEZONE", request.param)
    get_settings.cache_clear()
    yield request.param
    get_settings.cache_clear()


@pytest.fixture
def web(service_zone: str) -> Iterator[TestClient]:
    from api.main import create_app

    with TestClient(create_app(), raise_server_exceptions=False) as client:
        yield client
