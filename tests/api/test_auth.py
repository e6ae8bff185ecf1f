"""Logging in, tokens, the cookie session, rate limiting, device tokens; no default password."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.auth.models import ThrottleCounter, User
from api.auth.passwords import hash_password, verify_password
from api.auth.roles import BIOMETRIC_PERMISSIONS, Permission, Role, permissions_for
from api.auth.service import create_user
from attendance.models import AuditEntry
from tests.api.conftest import PASSWORD, Office
from tests.api.helpers import device_token


def _login(client: TestClient, username: str, password: str = PASSWORD, **kw: object):  # type: ignore[no-untyped-def]
    return client.post("/api/auth/login", json={"username": username, "password": password}, **kw)


def test_migrated_database_has_no_account(session: Session) -> None:
    assert session.exec(select(User)).all() == []


@pytest.mark.db_independent
def test_passwords_are_argon2id_and_verify() -> None:
    hashed = hash_password("a-long-password")
    assert hashed.startswith("$argon2id$") and "a-long-password" not in hashed
    assert verify_password("a-long-password", hashed)[0]
    assert not verify_password("a-long-passwore", hashed)[0]
    assert not verify_password("anything", "not-a-hash")[0]


@pytest.mark.db_independent
def test_no_role_implies_a_biometric_permission() -> None:
    for role in Role:
        assert not permissions_for(role) & BIOMETRIC_PERMISSIONS
    assert Permission.BIOMETRICS_MANAGE in permissions_for(Role.PERSONNEL, "biometrics.manage")
    with pytest.raises(ValueError):
        permissions_for(Role.STAFF, "everything")


def test_login_gives_a_token_that_identifies_the_user(client: TestClient, office: Office) -> None:
    response = _login(client, "head")
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["username"] == "head" and me["role"] == "head"
    assert set(me["unit_ids"]) == {office.office.id}
    assert "board.read" in me["permissions"] and "staff.write" not in me["permissions"]


def test_wrong_password_and_unknown_user_get_the_same_answer(client: TestClient, office: Office) -> None:
    wrong, unknown = _login(client, "head", "nope"), _login(client, "nobody", "nope")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_failed_logins_are_rate_limited_even_with_the_right_password_after(
        client: TestClient, office: Office, session: Session) -> None:
    for _ in range(5):
        assert _login(client, "head", "wrong-password").status_code == 401
    blocked = _login(client, "head")
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    counter = session.get(ThrottleCounter, "acct:head|testclient")
    assert counter is not None and counter.failures == 6  # five failures and the refused attempt
    assert _login(client, "personnel").status_code == 200  # other accounts are not locked out


def test_password_change_revokes_older_tokens(client: TestClient, office: Office) -> None:
    old = office.headers["staff"]
    changed = client.post("/api/auth/password", headers=old,
                          json={"current_password": PASSWORD, "new_password": "a-brand-new-password"})
    assert changed.status_code == 204
    assert client.get("/api/auth/me", headers=old).status_code == 401
    assert _login(client, "staff").status_code == 401
    assert _login(client, "staff", "a-brand-new-password").status_code == 200


def test_deactivated_accounts_lose_access_at_once(client: TestClient, office: Office) -> None:
    user_id = office.users["head"].id
    off = client.patch(f"/api/users/{user_id}", headers=office.headers["admin"], json={"active": False})
    assert off.status_code == 200 and off.json()["active"] is False
    assert client.get("/api/auth/me", headers=office.headers["head"]).status_code == 401
    assert _login(client, "head").status_code == 401


@pytest.mark.parametrize("token", ["", "garbage", "dev_unknown", "a.b.c"])
def test_bad_tokens_are_401(client: TestClient, office: Office, token: str) -> None:
    assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_token_signed_with_another_key_is_refused(client: TestClient, office: Office) -> None:
    import jwt

    forged = jwt.encode({"sub": str(office.users["admin"].id), "ver": 1, "aud": "attendance", "exp": 4102444800},
                        "another-key-of-the-same-length-but-wrong", algorithm="HS256")
    assert client.get("/api/users", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


def test_cookie_session_for_pages_and_cross_origin_writes_refused(client: TestClient, office: Office) -> None:
    opened = client.post("/api/auth/session", json={"username": "personnel", "password": PASSWORD})
    assert opened.status_code == 200
    cookie = opened.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert client.get("/api/auth/me").json()["username"] == "personnel"
    body = {"unit_id": office.office.id, "code": "NV-X", "full_name": "Người Mới"}
    foreign = client.post("/api/staff", json=body, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    same = client.post("/api/staff", json=body, headers={"Origin": "http://testserver"})
    assert same.status_code == 201, same.text
    client.delete("/api/auth/session")
    assert client.get("/api/auth/me").status_code == 401


def test_device_token_ingests_but_reads_nothing_and_can_be_revoked(
        client: TestClient, office: Office, session: Session) -> None:
    secret = device_token(session, scopes=["punches.ingest"])
    headers = {"Authorization": f"Bearer {secret}"}
    body = {"punches": [{"source": "camera", "device_serial": "CAM-1", "pin": office.clerk.pin,
                         "device_time": "2026-11-23T07:29:00"}]}
    assert client.post("/api/punches/batch", headers=headers, json=body).json()["stored"] == 1
    assert client.get("/api/punches", headers=headers).status_code == 403
    assert client.get(f"/api/staff/{office.clerk.id}", headers=headers).status_code == 403
    token_id = client.get("/api/device-tokens", headers=office.headers["admin"]).json()["items"][0]["id"]
    assert client.delete(f"/api/device-tokens/{token_id}", headers=office.headers["admin"]).status_code == 200
    assert client.post("/api/punches/batch", headers=headers, json=body).status_code == 401


def test_device_token_bound_to_a_device_speaks_only_for_it(
        client: TestClient, office: Office, session: Session) -> None:
    from attendance.models import Device, DeviceKind

    device = Device(serial="CAM-GATE", kind=DeviceKind.CAMERA)
    session.add(device)
    session.commit()
    headers = {"Authorization": f"Bearer {device_token(session, device_id=device.id)}"}
    punch = {"source": "camera", "pin": office.clerk.pin, "device_time": "2026-11-23T07:29:00"}
    other = client.post("/api/punches/batch", headers=headers, json={"punches": [{**punch, "device_serial": "X"}]})
    own = client.post("/api/punches/batch", headers=headers, json={"punches": [{**punch, "device_serial": "CAM-GATE"}]})
    assert (other.status_code, own.status_code) == (403, 200)


def test_accounts_are_audited_without_secrets(client: TestClient, office: Office, session: Session) -> None:
    created = client.post("/api/users", headers=office.headers["admin"],
                          json={"username": "ke.toan", "role": "personnel", "unit_id": office.root.id})
    assert created.status_code == 201
    password = created.json()["password"]
    assert len(password) >= 12 and _login(client, "ke.toan", password).status_code == 200
    entries = session.exec(select(AuditEntry).where(AuditEntry.entity == "user")).all()
    assert {e.action for e in entries} >= {"user.create", "auth.login"}
    for entry in entries:
        assert "password_hash" not in (entry.after or {}) and password not in str(entry.after)


def test_role_needs_its_scope(session: Session, office: Office) -> None:
    from attendance.errors import InvalidInput

    with pytest.raises(InvalidInput):
        create_user(session=session, username="lost.head", role="head", actor="test")
    with pytest.raises(InvalidInput):
        create_user(session=session, username="lost.staff", role="staff", actor="test")
    with pytest.raises(InvalidInput):
        create_user(session=session, username="weak", role="admin", password="short", actor="test")
