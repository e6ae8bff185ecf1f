"""Server-side sessions: logout ends the token at once, everywhere, on password change, idle, by an admin."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.auth.models import AuthSession
from attendance.models import AuditEntry
from tests.api.conftest import PASSWORD, Office


def _token(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_cookie_logout_then_reuse_is_401(client: TestClient, office: Office) -> None:
    assert client.post("/api/auth/session", json={"username": "head", "password": PASSWORD}).status_code == 200
    cookie = client.cookies.get("attendance_session")
    assert cookie and client.get("/api/auth/me").status_code == 200
    assert client.delete("/api/auth/session").status_code == 204
    client.cookies.set("attendance_session", cookie)  # a copy of the old cookie, replayed
    assert client.get("/api/auth/me").status_code == 401


def test_page_logout_ends_the_cookie_session(client: TestClient, office: Office) -> None:
    login = client.post("/login", data={"username": "head", "password": PASSWORD}, follow_redirects=False)
    assert login.status_code == 303
    cookie = client.cookies.get("attendance_session")
    assert client.post("/logout", follow_redirects=False).status_code == 303
    client.cookies.set("attendance_session", cookie)
    assert client.get("/api/auth/me").status_code == 401


def test_bearer_logout_then_reuse_is_401(client: TestClient, office: Office) -> None:
    headers = _token(client, "personnel")
    other = _token(client, "personnel")
    assert client.post("/api/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/auth/me", headers=headers).status_code == 401
    assert client.get("/api/auth/me", headers=other).status_code == 200  # only that session ended


def test_log_out_everywhere(client: TestClient, office: Office) -> None:
    first, second = _token(client, "head"), _token(client, "head")
    ended = client.post("/api/auth/logout-everywhere", headers=first)
    assert ended.status_code == 200 and ended.json()["ended"] >= 2
    assert client.get("/api/auth/me", headers=first).status_code == 401
    assert client.get("/api/auth/me", headers=second).status_code == 401
    assert client.get("/api/auth/me", headers=office.headers["admin"]).status_code == 200


def test_password_reset_by_an_admin_ends_every_session(client: TestClient, office: Office) -> None:
    headers = _token(client, "head")
    user_id = office.users["head"].id
    reset = client.post(f"/api/users/{user_id}/password", headers=office.headers["admin"], json={})
    assert reset.status_code == 200
    assert client.get("/api/auth/me", headers=headers).status_code == 401


def test_idle_and_absolute_expiry(client: TestClient, office: Office, session: Session) -> None:
    idle, old = _token(client, "head"), _token(client, "head")
    rows = session.exec(select(AuthSession).order_by(AuthSession.id)).all()
    rows[-2].last_seen_at -= timedelta(minutes=61)  # default idle limit: 60 minutes
    rows[-1].expires_at = rows[-1].created_at  # past its absolute lifetime
    session.add_all(rows)
    session.commit()
    assert client.get("/api/auth/me", headers=idle).status_code == 401
    assert client.get("/api/auth/me", headers=old).status_code == 401


def test_admin_sees_and_ends_an_accounts_sessions(client: TestClient, office: Office, session: Session) -> None:
    headers = _token(client, "head")
    user_id = office.users["head"].id
    admin = office.headers["admin"]
    listed = client.get(f"/api/users/{user_id}/sessions", headers=admin)
    assert listed.status_code == 200
    ids = [row["id"] for row in listed.json()]
    assert ids and listed.json()[0]["client"] == "testclient"
    for session_id in ids:
        assert client.delete(f"/api/users/{user_id}/sessions/{session_id}", headers=admin).status_code == 204
    assert client.get("/api/auth/me", headers=headers).status_code == 401
    assert client.get(f"/api/users/{user_id}/sessions", headers=admin).json() == []
    assert client.delete(f"/api/users/{user_id}/sessions/{ids[0]}", headers=admin).status_code == 404
    ends = session.exec(select(AuditEntry).where(AuditEntry.action == "auth.session_end")).all()
    assert ends and all(e.actor == "user:admin" and e.client == "testclient" for e in ends)


def test_admins_filter_security_events_by_action_and_address(client: TestClient, office: Office) -> None:
    assert client.post("/api/auth/login", json={"username": "head", "password": "wrong"}).status_code == 401
    _token(client, "head")
    admin = office.headers["admin"]
    events = client.get("/api/audit", params={"action": "auth.", "client": "testclient"}, headers=admin).json()
    actions = {item["action"] for item in events["items"]}
    assert {"auth.login", "auth.login_failed"} <= actions
    assert all(item["client"] == "testclient" for item in events["items"])
    assert client.get("/api/audit", params={"client": "10.9.9.9"}, headers=admin).json()["total"] == 0


def test_a_page_with_an_ended_session_sends_to_login_and_forgets_the_cookie(client: TestClient,
                                                                            office: Office) -> None:
    assert client.post("/api/auth/session", json={"username": "head", "password": PASSWORD}).status_code == 200
    cookie = client.cookies.get("attendance_session")
    client.post("/api/auth/logout-everywhere")
    client.cookies.set("attendance_session", cookie)
    page = client.get("/today", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login"
    assert 'attendance_session=""' in page.headers.get("set-cookie", "")


def test_sessions_ended_over_a_month_ago_are_dropped_at_the_next_login(client: TestClient, office: Office,
                                                                        session: Session) -> None:
    _token(client, "head")
    kept = _token(client, "head")
    head_id = office.users["head"].id
    rows = session.exec(select(AuthSession).where(AuthSession.user_id == head_id).order_by(AuthSession.id)).all()
    rows = rows[-2:]
    rows[0].created_at -= timedelta(days=31)
    rows[0].expires_at = rows[0].created_at + timedelta(hours=1)
    rows[1].created_at -= timedelta(days=31)  # old but still open: kept
    session.add_all(rows)
    session.commit()
    old_ended, old_open = rows[0].id, rows[1].id
    _token(client, "head")
    session.expire_all()
    ids = [row.id for row in session.exec(select(AuthSession).where(AuthSession.user_id == head_id))]
    assert old_ended not in ids and old_open in ids
    assert client.get("/api/auth/me", headers=kept).status_code == 200
