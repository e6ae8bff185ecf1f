"""Each installation has its own secret; the environment takes only its known values."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from config import Settings, get_settings
from config.secret import secret_path
from tests.api.conftest import Office

OLD_DEFAULT = "change-me-insecure-development-secret"


@pytest.fixture
def default_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Settings as a fresh install has them: no ATTENDANCE_SECRET_KEY, a new data folder."""
    monkeypatch.delenv("ATTENDANCE_SECRET_KEY", raising=False)
    monkeypatch.setenv("ATTENDANCE_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


@pytest.mark.db_independent
def test_first_start_generates_an_owner_only_key_that_survives_restarts(default_install: Path) -> None:
    first = Settings().secret_key
    path = secret_path(default_install)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 32 and first != OLD_DEFAULT
    assert Settings().secret_key == first  # a restart reads the same key
    assert Settings(secret_key="x" * 40).secret_key == "x" * 40  # an explicit key overrides it


@pytest.mark.db_independent
def test_a_key_file_left_readable_by_others_is_tightened(default_install: Path) -> None:
    key = Settings().secret_key
    secret_path(default_install).chmod(0o644)
    assert Settings().secret_key == key
    assert stat.S_IMODE(secret_path(default_install).stat().st_mode) == 0o600


@pytest.mark.db_independent
@pytest.mark.parametrize("environment", ["prod", "Production", "dev", ""])
def test_unknown_environment_is_an_error(environment: str, default_install: Path) -> None:
    with pytest.raises(ValidationError):
        Settings(environment=environment)


@pytest.mark.db_independent
@pytest.mark.parametrize("key", ["x", "short-but-not-empty", OLD_DEFAULT, "changeme", "secret"])
def test_production_refuses_short_or_known_keys(key: str, default_install: Path) -> None:
    with pytest.raises(ValidationError):
        Settings(environment="production", secret_key=key)
    Settings(environment="production")  # the generated key is fine


def test_token_forged_with_the_old_default_key_is_refused(default_install: Path, client: TestClient,
                                                          office: Office) -> None:
    admin = office.users["admin"]
    claims = {"sub": str(admin.id), "ver": 1, "sid": "anything", "aud": "attendance", "exp": 4102444800}
    forged = jwt.encode(claims, OLD_DEFAULT, algorithm="HS256")
    assert client.get("/api/audit", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    legacy = jwt.encode({k: v for k, v in claims.items() if k != "sid"}, OLD_DEFAULT, algorithm="HS256")
    assert client.get("/api/audit", headers={"Authorization": f"Bearer {legacy}"}).status_code == 401
    login = client.post("/api/auth/login", json={"username": "admin", "password": "correct-horse-battery"})
    real = {"Authorization": f"Bearer {login.json()['access_token']}"}
    assert client.get("/api/audit", headers=real).status_code == 200  # the install's own key works
