"""Organisations' own administrators: an admin bound to a unit administers its organisation only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from api.auth.models import DeviceToken, User
from attendance import audit
from attendance.leave import file_request
from attendance.models import Device
from attendance.timeutil import utcnow
from devices.service import add_device
from tests.api.conftest import Office, add_user

MONTH = "2026-10"


@dataclass
class Two:
    """Tân Phú's administrator (bound to a department: its organisation is the whole commune) and
    Bình An's, each with a device, a request, a calendar exception, a token and an audit entry."""

    ours: dict[str, str]
    theirs: dict[str, str]
    our_admin: User
    their_admin: User
    our_device: Device
    their_device: Device
    their_request: int
    their_token: int
    their_entry: int


@pytest.fixture
def two(office: Office, session: Session) -> Two:
    our_admin, ours = add_user(session, "qt.tanphu", "admin", unit=office.office)
    their_admin, theirs = add_user(session, "qt.binhan", "admin", unit=office.other)
    our_device = add_device(session=session, serial="TANPHU01", actor="test", unit_id=office.root.id, host="10.0.0.8")
    their_device = add_device(session=session, serial="BINHAN01", actor="test", unit_id=office.other.id,
                              host="10.0.0.9")
    request = file_request(session=session, staff=office.outsider, type="leave", kind="annual_leave",
                           start_date=date(2026, 12, 7), actor="test")
    token = DeviceToken(name="cam-binhan", token_hash="x" * 64, scopes="punches.ingest",
                        device_id=their_device.id, created_at=utcnow(), created_by="test")
    session.add(token)
    entry = audit.record(session=session, actor="user:qt.binhan", action="staff.update", entity="staff",
                         entity_id=office.outsider.id)
    session.commit()
    assert request.id and token.id and entry.id
    return Two(ours=ours, theirs=theirs, our_admin=our_admin, their_admin=their_admin, our_device=our_device,
               their_device=their_device, their_request=request.id, their_token=token.id, their_entry=entry.id)


def _rows(reply: object) -> list[dict[str, object]]:
    data = reply.json()  # type: ignore[attr-defined]
    return data["items"] if isinstance(data, dict) else data


def test_every_list_shows_only_the_own_organisation(client: TestClient, office: Office, two: Two) -> None:
    ours = two.ours
    staff = {row["id"] for row in _rows(client.get("/api/staff?limit=200", headers=ours))}
    assert office.outsider.id not in staff and {office.clerk.id, office.economist.id} <= staff
    units = {row["id"] for row in _rows(client.get("/api/units", headers=ours))}
    assert units == {office.root.id, office.office.id, office.economy.id}
    devices = {row["id"] for row in _rows(client.get("/api/devices", headers=ours))}
    assert devices == {two.our_device.id}
    users = {row["username"] for row in _rows(client.get("/api/users?limit=200", headers=ours))}
    # Bound to the commune (personnel, head, ourselves) or its people (the clerk's staff account);
    # the service-wide admin and province office and the other commune's admin do not exist here.
    assert users == {"personnel", "head", "staff", "qt.tanphu"}
    requests = {row["id"] for row in _rows(client.get("/api/requests", headers=ours))}
    assert two.their_request not in requests
    assert _rows(client.get("/api/device-tokens", headers=ours)) == []
    actors = {row["actor"] for row in _rows(client.get("/api/audit?limit=500", headers=ours))}
    assert "user:qt.binhan" not in actors and "test" not in actors
    # The other organisation's administrator sees its own side only, symmetrically.
    theirs = {row["id"] for row in _rows(client.get("/api/staff?limit=200", headers=two.theirs))}
    assert theirs == {office.outsider.id}
    assert [row["id"] for row in _rows(client.get("/api/device-tokens", headers=two.theirs))] == [two.their_token]
    assert two.their_entry in {row["id"] for row in _rows(client.get("/api/audit", headers=two.theirs))}


def test_a_service_wide_admin_still_sees_every_organisation(client: TestClient, office: Office, two: Two) -> None:
    headers = office.headers["admin"]
    staff = {row["id"] for row in _rows(client.get("/api/staff?limit=200", headers=headers))}
    assert office.outsider.id in staff and office.clerk.id in staff
    users = {row["username"] for row in _rows(client.get("/api/users?limit=200", headers=headers))}
    assert {"admin", "province", "qt.tanphu", "qt.binhan"} <= users
    assert client.get(f"/api/audit/{two.their_entry}", headers=headers).status_code == 200


def test_every_id_of_the_other_organisation_answers_404(client: TestClient, office: Office, two: Two) -> None:
    paths = [f"/api/staff/{office.outsider.id}", f"/api/staff/{office.outsider.id}/assignments",
             f"/api/staff/{office.outsider.id}/month?year=2026&month=10", f"/api/units/{office.other.id}",
             f"/api/units/{office.other.id}/board?day=2026-10-01", f"/api/units/{office.other.id}/schedules",
             f"/api/devices/{two.their_device.id}", f"/api/requests/{two.their_request}",
             f"/api/users/{two.their_admin.id}", f"/api/users/{office.users['admin'].id}",
             f"/api/users/{two.their_admin.id}/sessions", f"/api/audit/{two.their_entry}",
             f"/api/reports/discipline?unit={office.other.path}&month={MONTH}",
             f"/api/reports/timesheet?unit={office.other.path}&month={MONTH}&format=csv"]
    answers = {path: client.get(path, headers=two.ours).status_code for path in paths}
    assert {p: s for p, s in answers.items() if s != 404} == {}
    writes = [client.patch(f"/api/users/{two.their_admin.id}", headers=two.ours, json={"active": False}),
              client.post(f"/api/users/{two.their_admin.id}/password", headers=two.ours, json={}),
              client.delete(f"/api/users/{two.their_admin.id}/sessions", headers=two.ours),
              client.delete(f"/api/device-tokens/{two.their_token}", headers=two.ours),
              client.patch(f"/api/units/{office.other.id}", headers=two.ours, json={"code": "X"}),
              client.post("/api/reports/close", headers=two.ours, json={"unit": office.other.path, "month": MONTH})]
    assert [w.status_code for w in writes] == [404] * len(writes), [w.text[:120] for w in writes]
    # Our own records answer as before.
    assert client.get(f"/api/users/{office.users['personnel'].id}", headers=two.ours).status_code == 200
    assert client.get(f"/api/units/{office.root.id}/board?day=2026-10-01", headers=two.ours).status_code == 200


def test_no_account_is_created_or_moved_outside_the_organisation(client: TestClient, office: Office,
                                                                 two: Two, session: Session) -> None:
    refused = {
        "other unit": {"username": "x.binhan", "role": "personnel", "unit_id": office.other.id},
        "service-wide admin": {"username": "x.admin", "role": "admin"},
        "service-wide province": {"username": "x.tinh", "role": "province"},
        "their person": {"username": "x.dung", "role": "staff", "staff_id": office.outsider.id},
    }
    for case, body in refused.items():
        reply = client.post("/api/users", headers=two.ours, json=body)
        assert reply.status_code in (403, 404), (case, reply.status_code, reply.text[:200])
    made_anyway = session.exec(select(User.username).where(col(User.username).in_(list(b["username"] for b in refused.values()))))
    assert list(made_anyway) == []
    personnel = office.users["personnel"].id
    moved = client.patch(f"/api/users/{personnel}", headers=two.ours, json={"unit_id": office.other.id})
    promoted = client.patch(f"/api/users/{personnel}", headers=two.ours, json={"role": "admin", "unit_id": None})
    assert (moved.status_code, promoted.status_code) == (403, 403)
    session.expire_all()
    assert session.get(User, personnel).unit_id == office.root.id  # type: ignore[union-attr]
    made = client.post("/api/users", headers=two.ours, json={"username": "qt2.tanphu", "role": "admin",
                                                            "unit_id": office.economy.id})
    assert made.status_code == 201, made.text
    new_unit = client.post("/api/units", headers=two.ours, json={"path": "UBND xã Mới"})
    inside = client.post("/api/units", headers=two.ours, json={"path": f"{office.root.path} / Tổ một cửa"})
    assert (new_unit.status_code, inside.status_code) == (403, 201)
    token = client.post("/api/device-tokens", headers=two.ours, json={"name": "cam", "scopes": ["punches.ingest"],
                                                                      "device_id": two.their_device.id})
    unbound = client.post("/api/device-tokens", headers=two.ours, json={"name": "cam", "scopes": ["punches.ingest"]})
    assert (token.status_code, unbound.status_code) == (404, 403)

