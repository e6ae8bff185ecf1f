"""The routes do what they say: staff changes, punches, requests, board, audit trail, metrics."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from attendance.models import AuditEntry, Punch
from tests.api.conftest import Office


def test_staff_lifecycle_is_audited_with_before_and_after(client: TestClient, office: Office,
                                                          session: Session) -> None:
    h = office.headers["personnel"]
    created = client.post("/api/staff", headers=h, json={"unit_id": office.office.id, "code": "NV-77",
                                                        "full_name": "  Đỗ   Thị  Giang ", "pin": "77"})
    assert created.status_code == 201, created.text
    person = created.json()
    assert person["full_name"] == "Đỗ Thị Giang"
    sid = person["id"]
    assert client.put(f"/api/staff/{sid}/pin", headers=h, json={"pin": "7700"}).json()["pin"] == "7700"
    assert client.patch(f"/api/staff/{sid}", headers=h, json={"card": "0099"}).json()["card"] == "0099"
    moved = client.post(f"/api/staff/{sid}/move", headers=h, json={"unit_id": office.economy.id,
                                                                  "effective": "2026-12-01"})
    assert moved.json()["unit_id"] == office.economy.id
    history = client.get(f"/api/staff/{sid}/assignments", headers=h).json()
    assert [(a["unit_id"], a["valid_to"]) for a in history][-2:] == [(office.office.id, "2026-11-30"),
                                                                      (office.economy.id, None)]
    entries = client.get(f"/api/audit?entity=staff&entity_id={sid}", headers=office.headers["admin"]).json()
    actions = [e["action"] for e in entries["items"]]
    assert actions == ["staff.move", "staff.update", "staff.pin", "staff.create"]
    pin_change = entries["items"][2]
    assert (pin_change["before"]["pin"], pin_change["after"]["pin"]) == ("77", "7700")
    assert {e["actor"] for e in entries["items"]} == {"user:personnel"}


def test_batch_ingest_is_idempotent_and_reports_bad_rows_by_index(client: TestClient, office: Office,
                                                                   session: Session) -> None:
    h = office.headers["admin"]
    good = {"source": "terminal_push", "device_serial": "T1", "pin": office.clerk.pin,
            "device_time": "2026-11-23T07:29:00"}
    body = {"punches": [good, {**good, "pin": "   "}, {**good, "device_time": "2001-01-01T00:00:00"},
                        {**good, "timezone": "Mars/Base"}]}
    first = client.post("/api/punches/batch", headers=h, json=body).json()
    assert (first["received"], first["stored"], first["quarantined"]) == (4, 2, 1)
    assert [r["index"] for r in first["rejected"]] == [1, 3]
    again = client.post("/api/punches/batch", headers=h, json=body).json()
    assert (again["stored"], again["duplicates"]) == (0, 2)
    assert len(session.exec(select(Punch)).all()) == 2
    listed = client.get(f"/api/punches?staff_id={office.clerk.id}&quarantined=true", headers=h).json()
    assert listed["total"] == 1 and listed["items"][0]["quarantine_reason"]
    manual = {"source": "manual", "device_serial": "T1", "pin": "1", "device_time": "2026-11-23T07:29:00"}
    assert client.post("/api/punches/batch", headers=h, json={"punches": [manual]}).status_code == 422


def test_manual_punch_completes_the_day_on_the_board(client: TestClient, office: Office) -> None:
    h = office.headers["personnel"]
    batch = [{"source": "terminal_pull", "device_serial": "T1", "pin": office.clerk.pin, "device_time": t}
             for t in ("2026-11-23T07:28:00", "2026-11-23T11:31:00", "2026-11-23T13:25:00")]
    client.post("/api/punches/batch", headers=office.headers["admin"], json={"punches": batch})
    before = client.get(f"/api/units/{office.office.id}/board?day=2026-11-23", headers=h).json()
    row = next(r for r in before["staff"] if r["staff_id"] == office.clerk.id)
    assert (row["morning"]["status"], row["afternoon"]["status"]) == ("present", "missing_check_out")
    manual = client.post("/api/punches/manual", headers=h, json={
        "staff_id": office.clerk.id, "at": "2026-11-23T17:02:00+07:00", "reason": "Máy hỏng, trưởng phòng xác nhận"})
    assert manual.status_code == 201 and manual.json()["stored"] == 1
    after = client.get(f"/api/units/{office.office.id}/board?day=2026-11-23", headers=h).json()
    row = next(r for r in after["staff"] if r["staff_id"] == office.clerk.id)
    assert row["afternoon"]["status"] == "present"
    month = client.get(f"/api/staff/{office.clerk.id}/month?year=2026&month=11", headers=office.headers["staff"])
    assert [p["source"] for p in month.json()["punches"]] == ["terminal_pull"] * 3 + ["manual"]


def test_leave_approval_flow(client: TestClient, office: Office) -> None:
    filed = client.post("/api/requests", headers=office.headers["staff"], json={
        "type": "leave", "kind": "annual_leave", "start_date": "2026-12-02", "end_date": "2026-12-03"})
    assert filed.status_code == 201
    rid = filed.json()["id"]
    pending = client.get("/api/requests?status=pending", headers=office.headers["head"]).json()
    assert [r["id"] for r in pending["items"]] == [rid]
    decided = client.post(f"/api/requests/{rid}/approve", headers=office.headers["head"], json={"comment": "Đồng ý"})
    assert decided.json()["status"] == "approved" and decided.json()["decided_by"] == "user:head"
    again = client.post(f"/api/requests/{rid}/reject", headers=office.headers["head"], json={})
    assert again.status_code == 409
    overlap = client.post("/api/requests", headers=office.headers["staff"], json={
        "type": "leave", "kind": "sick", "start_date": "2026-12-03"})
    assert overlap.status_code == 409


def test_validation_errors_name_the_field_and_the_reason(client: TestClient, office: Office) -> None:
    response = client.post("/api/staff", headers=office.headers["admin"],
                           json={"unit_id": "abc", "code": "", "full_name": "X", "start_date": "2026-02-30"})
    assert response.status_code == 422
    fields = {e["field"]: e["reason"] for e in response.json()["errors"]}
    assert set(fields) == {"body.unit_id", "body.code", "body.start_date"}
    assert all(fields.values())
    bad_json = client.post("/api/staff", headers={**office.headers["admin"], "Content-Type": "application/json"},
                           content=b"{not json")
    assert bad_json.status_code == 422


def test_unknown_ids_conflicts_and_oversize_bodies(client: TestClient, office: Office) -> None:
    h = office.headers["admin"]
    assert client.get("/api/staff/424242", headers=h).status_code == 404
    assert client.get("/api/requests/424242", headers=h).status_code == 404
    assert client.get("/api/audit/424242", headers=h).status_code == 404
    assert client.get("/api/staff/99999999999999999999", headers=h).status_code == 422
    dup = client.post("/api/staff", headers=h, json={"unit_id": office.office.id, "code": office.clerk.code,
                                                    "full_name": "Trùng Mã"})
    assert dup.status_code == 409 and dup.json()["error"] == "Conflict"
    huge = client.post("/api/staff", headers={**h, "Content-Type": "application/json"}, content=b"x" * 1_100_000)
    assert huge.status_code == 413
    nul = client.post("/api/units", headers=h, json={"path": "A\x00B"})
    assert nul.status_code in (201, 422)


def test_audit_log_has_no_write_routes(client: TestClient, office: Office, session: Session) -> None:
    h = office.headers["admin"]
    entry_id = session.exec(select(AuditEntry.id)).first()
    for method in ("PUT", "PATCH", "DELETE"):
        assert client.request(method, f"/api/audit/{entry_id}", headers=h).status_code == 405
    assert client.post("/api/audit", headers=h, json={}).status_code == 405


def test_metrics_count_requests_and_ingested_punches(client: TestClient, office: Office) -> None:
    body = {"punches": [{"source": "usb", "device_serial": "U1", "pin": office.clerk.pin,
                         "device_time": "2026-11-23T07:29:00"}]}
    client.post("/api/punches/batch", headers=office.headers["admin"], json=body)
    text = client.get("/metrics").text
    assert 'attendance_punches_ingested_total{outcome="stored",source="usb"}' in text
    assert 'route="/api/punches/batch"' in text and "attendance_http_request_duration_seconds_bucket" in text


def test_health_checks_the_database(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok", "database": "ok"}
