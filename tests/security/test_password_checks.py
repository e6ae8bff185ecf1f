"""Every place that checks a password or a two-factor code takes a slot of the one throttle (per account
and address); the address is the peer's unless the peer is a trusted proxy; old hashes are upgraded."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pyotp
import pytest
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlmodel import Session, select

from api.auth.models import User
from api.auth.settings import get_auth_settings
from attendance.models import AuditEntry
from tests.api.conftest import PASSWORD, Office

Check = Callable[[TestClient, Office, int], httpx.Response]


def _api_login(client: TestClient, office: Office, i: int) -> httpx.Response:
    return client.post("/api/auth/login", json={"username": "head", "password": f"wrong-{i}"})


def _page_login(client: TestClient, office: Office, i: int) -> httpx.Response:
    return client.post("/login", data={"username": "head", "password": f"wrong-{i}"}, follow_redirects=False)


def _password_change(client: TestClient, office: Office, i: int) -> httpx.Response:
    return client.post("/api/auth/password", headers=office.headers["head"],
                       json={"current_password": f"wrong-{i}", "new_password": "mot-cum-tu-kha-dai-2026"})


def _api_2fa_disable(client: TestClient, office: Office, i: int) -> httpx.Response:
    return client.post("/api/auth/2fa/disable", headers=office.headers["head"], json={"password": f"wrong-{i}"})


def _page_2fa_disable(client: TestClient, office: Office, i: int) -> httpx.Response:
    return client.post("/account/2fa/disable", data={"password": f"wrong-{i}"}, follow_redirects=False)


def _api_2fa_code(client: TestClient, office: Office, i: int) -> httpx.Response:
    return client.post("/api/auth/login", json={"username": "head", "password": PASSWORD, "otp": f"{i:06d}"})


def _api_2fa_enable(client: TestClient, office: Office, i: int) -> httpx.Response:
    return client.post("/api/auth/2fa/enable", headers=office.headers["head"], json={"code": f"{i:06d}"})


def _page_2fa_enable(client: TestClient, office: Office, i: int) -> httpx.Response:
    return client.post("/account/2fa/enable", data={"code": f"{i:06d}"}, follow_redirects=False)


def _enrolled(client: TestClient, office: Office) -> None:
    secret = client.post("/api/auth/2fa/setup", headers=office.headers["head"]).json()["secret"]
    assert client.post("/api/auth/2fa/enable", headers=office.headers["head"],
                       json={"code": pyotp.TOTP(secret).now()}).status_code == 200


def _enrolling(client: TestClient, office: Office) -> None:
    assert client.post("/api/auth/2fa/setup", headers=office.headers["head"]).status_code == 200


def _signed_in_page(client: TestClient, office: Office) -> None:
    assert client.post("/api/auth/session", json={"username": "head", "password": PASSWORD}).status_code == 200


POINTS: dict[str, tuple[Check, list[Callable[[TestClient, Office], None]]]] = {
    "login (API)": (_api_login, []),
    "login (page)": (_page_login, []),
    "password change": (_password_change, []),
    "re-authentication to turn 2FA off (API)": (_api_2fa_disable, [_enrolled]),
    "re-authentication to turn 2FA off (page)": (_page_2fa_disable, [_signed_in_page, _enrolled]),
    "two-factor code at login": (_api_2fa_code, [_enrolled]),
    "first code of a 2FA enrolment (API)": (_api_2fa_enable, [_enrolling]),
    "first code of a 2FA enrolment (page)": (_page_2fa_enable, [_signed_in_page, _enrolling]),
}


@pytest.mark.parametrize("point", list(POINTS))
def test_every_check_is_throttled_like_a_login(client: TestClient, office: Office, session: Session,
                                               point: str) -> None:
    check, setup = POINTS[point]
    for step in setup:
        step(client, office)
    limit = get_auth_settings().max_failures_per_user
    statuses = [check(client, office, i + 1).status_code for i in range(limit + 2)]
    assert 429 not in statuses[:limit] and statuses[limit:] == [429, 429], statuses
    refused = check(client, office, 99)
    assert int(refused.headers["Retry-After"]) > 0


def test_every_point_counts_against_the_same_throttle(client: TestClient, office: Office) -> None:
    _signed_in_page(client, office)
    limit = get_auth_settings().max_failures_per_user
    points = [_api_login, _page_login, _password_change, _api_2fa_disable, _page_2fa_disable]
    statuses = [points[i % len(points)](client, office, i).status_code for i in range(limit)]
    assert 429 not in statuses
    assert client.post("/api/auth/login", json={"username": "head", "password": PASSWORD}).status_code == 429


@pytest.fixture
def trusted_proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from config import get_settings

    monkeypatch.setenv("ATTENDANCE_TERMINALS__TRUSTED_PROXIES", "127.0.0.7")
    get_settings.cache_clear()
    yield "127.0.0.7"
    monkeypatch.delenv("ATTENDANCE_TERMINALS__TRUSTED_PROXIES")
    get_settings.cache_clear()


def _login_from(base: str, source: str, password: str, forwarded: str | None = None) -> httpx.Response:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    with httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=60) as http:
        return http.post(f"{base}/api/auth/login", json={"username": "head", "password": password}, headers=headers)


def test_a_header_from_an_untrusted_peer_cannot_dodge_the_throttle(server: str, office: Office) -> None:
    limit = get_auth_settings().max_failures_per_user
    for i in range(limit):
        assert _login_from(server, "127.0.0.6", f"wrong-{i}", forwarded=f"203.0.113.{i}").status_code == 401
    assert _login_from(server, "127.0.0.6", PASSWORD, forwarded="203.0.113.200").status_code == 429


def test_behind_a_trusted_proxy_the_throttle_keys_on_the_forwarded_client(
        server: str, office: Office, session: Session, trusted_proxy: str) -> None:
    limit = get_auth_settings().max_failures_per_user
    for i in range(limit):
        assert _login_from(server, trusted_proxy, f"wrong-{i}", forwarded="198.51.100.1").status_code == 401
    assert _login_from(server, trusted_proxy, PASSWORD, forwarded="198.51.100.1").status_code == 429
    # the owner, behind the same proxy from another address, still gets in
    assert _login_from(server, trusted_proxy, PASSWORD, forwarded="198.51.100.2").status_code == 200
    # a client that writes the header itself is still known by what the proxy saw (the rightmost hop)
    spoof = _login_from(server, trusted_proxy, PASSWORD, forwarded="198.51.100.9, 198.51.100.1")
    assert spoof.status_code == 429
    failed = session.exec(select(AuditEntry).where(AuditEntry.action == "auth.login_failed")).all()
    assert {entry.client for entry in failed} == {"198.51.100.1"}


def test_an_older_hash_is_upgraded_at_the_next_successful_login(client: TestClient, office: Office,
                                                                session: Session) -> None:
    old = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8_192, parallelism=1),)).hash(PASSWORD)
    user = session.exec(select(User).where(User.username == "head")).one()
    user.password_hash = old
    session.add(user)
    session.commit()
    assert client.post("/api/auth/login", json={"username": "head", "password": "wrong-password"}).status_code == 401
    session.refresh(user)
    assert user.password_hash == old  # a wrong password changes nothing
    assert client.post("/api/auth/login", json={"username": "head", "password": PASSWORD}).status_code == 200
    session.refresh(user)
    assert user.password_hash != old and "$m=19456,t=2,p=1$" in user.password_hash
    assert client.post("/api/auth/login", json={"username": "head", "password": PASSWORD}).status_code == 200


def test_a_mistyped_trusted_proxy_stops_the_start_instead_of_every_login() -> None:
    from pydantic import ValidationError

    from config.settings import TerminalPolicy

    assert TerminalPolicy(trusted_proxies="10.0.0.0/8, 172.30.0.10").trusted_proxies
    with pytest.raises(ValidationError, match="not an IP address or network"):
        TerminalPolicy(trusted_proxies="172.30.0.10, ngin.x")
