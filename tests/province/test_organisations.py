"""Organisations in one service: nobody sees across them, except a province office reading reports."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from devices.service import add_device
from tests.api.conftest import Office, add_user

MONTH = "2026-10"


def _other_organisation_ids(office: Office, session: Session) -> list[str]:
    device = add_device(session=session, serial="BINHAN01", actor="test", unit_id=office.other.id, host="10.0.0.9")
    session.commit()
    return [f"/api/staff/{office.outsider.id}", f"/api/staff/{office.outsider.id}/assignments",
            f"/api/staff/{office.outsider.id}/month?year=2026&month=10", f"/api/units/{office.other.id}",
            f"/api/units/{office.other.id}/board?day=2026-10-01", f"/api/units/{office.other.id}/schedules",
            f"/api/devices/{device.id}", f"/api/reports/discipline?unit={office.other.path}&month={MONTH}",
            f"/api/reports/timesheet?unit={office.other.path}&month={MONTH}&format=csv"]


def test_ids_of_another_organisation_answer_404_to_its_neighbours(client: TestClient, office: Office,
                                                                    session: Session) -> None:
    paths = _other_organisation_ids(office, session)
    for role in ("personnel", "head"):
        answers = {path: client.get(path, headers=office.headers[role]).status_code for path in paths}
        assert {p: s for p, s in answers.items() if s not in (403, 404)} == {}, role
    personnel = {path: client.get(path, headers=office.headers["personnel"]).status_code for path in paths}
    assert set(personnel.values()) == {404}, personnel  # within its permissions, another organisation does not exist
    listed = client.get("/api/staff", headers=office.headers["personnel"]).json()
    rows = listed["items"] if isinstance(listed, dict) else listed
    assert rows and office.outsider.id not in {row["id"] for row in rows}


def test_a_province_office_reads_reports_of_every_organisation_and_nothing_else(
        client: TestClient, office: Office, session: Session) -> None:
    headers = office.headers["province"]
    for unit in (office.root.path, office.other.path, office.office.path):
        for kind, fmt in (("discipline", "json"), ("timesheet", "xlsx")):
            reply = client.get(f"/api/reports/{kind}?unit={unit}&month={MONTH}&format={fmt}", headers=headers)
            assert reply.status_code == 200, (unit, kind, reply.text[:200])
    for path in (f"/api/staff/{office.outsider.id}", "/api/staff", f"/api/units/{office.other.id}", "/api/units",
                 f"/api/units/{office.other.id}/board?day=2026-10-01", "/api/punches", "/api/devices", "/api/audit",
                 "/api/requests", "/api/users"):
        assert client.get(path, headers=headers).status_code == 403, path
    closing = client.post("/api/reports/close", headers=headers, json={"unit": office.other.path, "month": MONTH})
    assert closing.status_code == 403


def test_a_province_office_bound_to_a_unit_reads_only_below_it(client: TestClient, office: Office,
                                                                session: Session) -> None:
    _, headers = add_user(session, "tinh.tanphu", "province", unit=office.root)
    session.commit()
    ours = client.get(f"/api/reports/discipline?unit={office.office.path}&month={MONTH}", headers=headers)
    theirs = client.get(f"/api/reports/discipline?unit={office.other.path}&month={MONTH}", headers=headers)
    assert (ours.status_code, theirs.status_code) == (200, 404)
