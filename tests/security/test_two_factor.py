"""Two-factor sign-in: enrolment, login with a code or a recovery code, required by role; in Chromium too."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.auth.settings import get_auth_settings
from attendance.models import AuditEntry
from tests.api.conftest import PASSWORD, Office


def _enrol(client: TestClient, headers: dict[str, str]) -> tuple[str, list[str]]:
    setup = client.post("/api/auth/2fa/setup", headers=headers)
    assert setup.status_code == 200 and setup.json()["uri"].startswith("otpauth://totp/")
    assert "<svg" in setup.json()["qr_svg"]
    secret = setup.json()["secret"]
    assert client.post("/api/auth/2fa/enable", headers=headers, json={"code": "000000"}).status_code in (409, 422)
    enabled = client.post("/api/auth/2fa/enable", headers=headers, json={"code": pyotp.TOTP(secret).now()})
    assert enabled.status_code == 200, enabled.text
    return secret, enabled.json()["recovery_codes"]


def _login(client: TestClient, **extra: str):  # type: ignore[no-untyped-def]
    return client.post("/api/auth/login", json={"username": "head", "password": PASSWORD, **extra})


def test_login_needs_the_code_once_enrolled(client: TestClient, office: Office, session: Session) -> None:
    secret, recovery = _enrol(client, office.headers["head"])
    assert len(recovery) == 10
    without = _login(client)
    assert without.status_code == 401 and without.json()["error"] == "SecondFactorRequired"
    assert _login(client, otp="123456").status_code == 401
    # The enrolment spent this 30 s step's code; the next step's is accepted, once.
    later = pyotp.TOTP(secret).at(time.time() + 30)
    assert _login(client, otp=later).status_code == 200
    assert _login(client, otp=later).status_code == 401
    assert _login(client, otp=recovery[0]).status_code == 200
    assert _login(client, otp=recovery[0]).status_code == 401  # a recovery code works once
    actions = {e.action for e in session.exec(select(AuditEntry).where(AuditEntry.action.startswith("auth.")))}
    assert {"auth.2fa_enable", "auth.2fa_failed", "auth.recovery_code_used", "auth.login"} <= actions
    off = client.post("/api/auth/2fa/disable", headers=office.headers["head"], json={"password": PASSWORD})
    assert off.status_code == 204 and _login(client).status_code == 200


@pytest.fixture
def admins_need_2fa() -> Iterator[None]:
    settings = get_auth_settings()
    before = settings.require_2fa_roles
    settings.require_2fa_roles = "admin,personnel"
    yield
    settings.require_2fa_roles = before


def test_required_roles_can_only_enrol_until_they_do(client: TestClient, office: Office, admins_need_2fa) -> None:  # type: ignore[no-untyped-def]
    admin = office.headers["admin"]
    refused = client.get("/api/users", headers=admin)
    assert refused.status_code == 403 and refused.json()["error"] == "TwoFactorEnrolmentRequired"
    assert client.get("/api/auth/me", headers=office.headers["head"]).status_code == 200  # heads are not required
    _enrol(client, admin)
    assert client.get("/api/users", headers=admin).status_code == 200
    client.post("/api/auth/session", json={"username": "personnel", "password": PASSWORD})
    assert client.get("/today", follow_redirects=False).headers["location"] == "/account"
