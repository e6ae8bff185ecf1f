"""Throttling over real HTTP: concurrent guesses never check more passwords than the limit, and the owner
still gets in from another address."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlmodel import Session, select

from api.auth.settings import get_auth_settings
from attendance.models import AuditEntry
from tests.api.conftest import PASSWORD, Office


def _login(base: str, username: str, password: str, *, source: str = "127.0.0.1") -> httpx.Response:
    transport = httpx.HTTPTransport(local_address=source)
    with httpx.Client(transport=transport, timeout=60) as http:
        return http.post(f"{base}/api/auth/login", json={"username": username, "password": password})


def test_forty_concurrent_wrong_logins_check_at_most_the_limit(server: str, office: Office, session: Session) -> None:
    limit = get_auth_settings().max_failures_per_user
    with ThreadPoolExecutor(max_workers=40) as pool:
        answers = list(pool.map(lambda i: _login(server, "head", f"wrong-guess-{i}").status_code, range(40)))
    assert answers.count(401) <= limit, answers  # 401 = a password was checked and found wrong
    assert answers.count(401) + answers.count(429) == 40
    failed = session.exec(select(AuditEntry).where(AuditEntry.action == "auth.login_failed")).all()
    assert len(failed) == answers.count(401)
    lockouts = session.exec(select(AuditEntry).where(AuditEntry.action == "auth.lockout")).all()
    assert len(lockouts) == 1 and lockouts[0].client == "127.0.0.1"


def test_owner_logs_in_from_another_address_while_the_first_is_throttled(server: str, office: Office) -> None:
    limit = get_auth_settings().max_failures_per_user
    for i in range(limit):
        assert _login(server, "head", f"wrong-{i}", source="127.0.0.3").status_code == 401
    blocked = _login(server, "head", PASSWORD, source="127.0.0.3")
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    again = _login(server, "head", PASSWORD, source="127.0.0.3")
    assert int(again.headers["Retry-After"]) > int(blocked.headers["Retry-After"])  # hammering lengthens it
    assert _login(server, "head", PASSWORD, source="127.0.0.4").status_code == 200


def test_password_change_is_throttled_like_a_login(server: str, office: Office) -> None:
    token = _login(server, "staff", PASSWORD, source="127.0.0.5").json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    body = {"new_password": "mot-cum-tu-kha-dai-2026"}
    statuses = [httpx.post(f"{server}/api/auth/password", headers=headers,
                           json={**body, "current_password": f"wrong-{i}"}).status_code for i in range(8)]
    limit = get_auth_settings().max_failures_per_user
    assert statuses[:limit] == [422] * limit and set(statuses[limit:]) == {429}, statuses
