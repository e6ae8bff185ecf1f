"""A staff member can never read another person's record by changing an id; heads and personnel
offices stay inside their units."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from attendance.leave import file_request
from tests.api.conftest import Office
from tests.factories import punch_at


@pytest.fixture
def filed(office: Office, session: Session) -> dict[str, int]:
    """One request for each person, and a punch each."""
    ids = {}
    for name in ("clerk", "colleague", "economist", "outsider"):
        staff = getattr(office, name)
        ids[name] = file_request(session=session, staff=staff, type="leave", kind="annual_leave",
                                 start_date=date(2026, 12, 7), actor="test").id
        punch_at(session, staff, datetime(2026, 11, 23, 7, 29))
    session.commit()
    return ids


def _staff_paths(staff_id: int) -> list[str]:
    return [f"/api/staff/{staff_id}", f"/api/staff/{staff_id}/month?year=2026&month=11",
            f"/api/staff/{staff_id}/assignments"]


def test_staff_reads_only_their_own_record(client: TestClient, office: Office, filed: dict[str, int]) -> None:
    headers = office.headers["staff"]
    for path in _staff_paths(office.clerk.id):
        assert client.get(path, headers=headers).status_code == 200, path
    others = [office.colleague, office.economist, office.outsider, office.head_person]
    for person in others:
        for path in _staff_paths(person.id):
            response = client.get(path, headers=headers)
            assert response.status_code == 404, (path, response.text)
            assert person.full_name not in response.text
    for probe in (999_999, 0, -1):
        assert client.get(f"/api/staff/{probe}", headers=headers).status_code in (404, 422)


def test_staff_sees_and_files_only_their_own_requests(client: TestClient, office: Office,
                                                      filed: dict[str, int]) -> None:
    headers = office.headers["staff"]
    listed = client.get("/api/requests", headers=headers).json()
    assert [r["id"] for r in listed["items"]] == [filed["clerk"]]
    assert client.get(f"/api/requests?staff_id={office.colleague.id}", headers=headers).json()["items"] == []
    assert client.get(f"/api/requests/{filed['clerk']}", headers=headers).status_code == 200
    for name in ("colleague", "economist", "outsider"):
        assert client.get(f"/api/requests/{filed[name]}", headers=headers).status_code == 404
        assert client.post(f"/api/requests/{filed[name]}/cancel", headers=headers).status_code == 404
    own = client.post("/api/requests", headers=headers,
                      json={"type": "explanation", "start_date": "2026-11-23", "reason": "Máy không nhận vân tay"})
    assert own.status_code == 201 and own.json()["staff_id"] == office.clerk.id
    for_other = client.post("/api/requests", headers=headers, json={
        "staff_id": office.colleague.id, "type": "leave", "kind": "sick", "start_date": "2026-11-24"})
    assert for_other.status_code == 404
    assert client.post(f"/api/requests/{filed['clerk']}/approve", headers=headers, json={}).status_code == 403
    assert client.post(f"/api/requests/{filed['clerk']}/cancel", headers=headers).status_code == 200


def test_head_sees_their_department_only_and_never_decides_their_own(
        client: TestClient, office: Office, filed: dict[str, int], session: Session) -> None:
    headers = office.headers["head"]
    names = {s["full_name"] for s in client.get("/api/staff", headers=headers).json()["items"]}
    assert names == {office.clerk.full_name, office.colleague.full_name, office.head_person.full_name}
    assert client.get(f"/api/staff/{office.economist.id}", headers=headers).status_code == 404
    assert client.get(f"/api/units/{office.economy.id}/board?day=2026-11-23", headers=headers).status_code == 404
    visible = {r["staff_id"] for r in client.get("/api/requests", headers=headers).json()["items"]}
    assert visible == {office.clerk.id, office.colleague.id}
    assert client.post(f"/api/requests/{filed['economist']}/approve", headers=headers, json={}).status_code == 404
    punches = client.get("/api/punches", headers=headers).json()["items"]
    assert {p["staff_id"] for p in punches} == {office.clerk.id, office.colleague.id}
    own = file_request(session=session, staff=office.head_person, type="leave", kind="annual_leave",
                       start_date=date(2026, 12, 9), actor="test")
    session.commit()
    assert client.post(f"/api/requests/{own.id}/approve", headers=headers, json={}).status_code == 403
    approved = client.post(f"/api/requests/{own.id}/approve", headers=office.headers["personnel"], json={})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"


def test_personnel_office_stays_in_its_tree(client: TestClient, office: Office, filed: dict[str, int]) -> None:
    headers = office.headers["personnel"]
    ids = {s["id"] for s in client.get("/api/staff?limit=500", headers=headers).json()["items"]}
    assert office.outsider.id not in ids and office.economist.id in ids
    assert client.get(f"/api/staff/{office.outsider.id}", headers=headers).status_code == 404
    assert client.get(f"/api/units/{office.other.id}", headers=headers).status_code == 404
    units = {u["id"] for u in client.get("/api/units", headers=headers).json()["items"]}
    assert units == {office.root.id, office.office.id, office.economy.id}
    moved = client.post(f"/api/staff/{office.clerk.id}/move", headers=headers,
                        json={"unit_id": office.other.id, "effective": "2027-01-01"})
    assert moved.status_code == 404  # cannot move someone out of its tree
    created = client.post("/api/staff", headers=headers,
                          json={"unit_id": office.other.id, "code": "X1", "full_name": "Ngoài Phạm Vi"})
    assert created.status_code == 404
    manual = client.post("/api/punches/manual", headers=headers, json={
        "staff_id": office.outsider.id, "at": "2026-11-23T07:30:00+07:00", "reason": "x"})
    assert manual.status_code == 404
    everywhere = client.post("/api/calendar/exceptions", headers=headers, json={"day": "2026-12-24", "kind": "holiday"})
    assert everywhere.status_code == 403
