"""Every API route x every role -> the expected allow or deny.

Each route gets a fresh office (see conftest): the target records sit in the head's department
(the office), inside the personnel office's tree (the commune); the staff account is a clerk of
the office and the target person is a colleague, so "staff" must be refused everywhere except
their own things. A device token carries the camera scopes only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.auth.service import issue_device_token
from api.auth.sessions import TOKEN, open_session
from attendance.leave import decide, file_request
from attendance.models import AuditEntry, Device, DeviceKind
from attendance.models import Request as LeaveRequest
from attendance.reports.closing import close_month
from tests.api.conftest import PASSWORD, Office

ROLES = ("anonymous", "device", "staff", "head", "personnel", "admin", "province")
DENY = "deny"  # 403 (missing permission) or 404 (outside the caller's scope)
PUBLIC = {("GET", "/health"), ("GET", "/health/live"), ("GET", "/health/ready"), ("GET", "/metrics"),
          ("POST", "/api/auth/login"), ("POST", "/api/auth/token"), ("POST", "/api/auth/session")}


@dataclass(frozen=True)
class Case:
    method: str
    template: str
    allowed: dict[str, int]  # role -> expected status; every other role is denied
    build: Callable[[Office, Session, str], tuple[str, Any]] | None = None  # (path, json body) per role


def _path(template: str) -> Callable[[Office, Session, str], tuple[str, Any]]:
    def build(office: Office, session: Session, role: str) -> tuple[str, Any]:
        return _fill(template, office, session), None
    return build


def _with(template: str, body: Callable[[Office, str], Any]) -> Callable[[Office, Session, str], tuple[str, Any]]:
    def build(office: Office, session: Session, role: str) -> tuple[str, Any]:
        return _fill(template, office, session), body(office, role)
    return build


def _pending(action: str) -> Callable[[Office, Session, str], tuple[str, Any]]:
    """A fresh pending request of the colleague for each role, on its own day."""
    def build(office: Office, session: Session, role: str) -> tuple[str, Any]:
        day = date(2026, 12, 1 + ROLES.index(role))
        row = file_request(session=session, staff=office.colleague, type="leave", kind="annual_leave",
                           start_date=day, actor="test")
        session.commit()
        return f"/api/requests/{row.id}/{action}", {"comment": "ok"}
    return build


def _fill(template: str, office: Office, session: Session) -> str:
    cache: dict[str, str] = office.__dict__.setdefault("_paths", {})
    if template not in cache:
        cache[template] = _make_path(template, office, session)
    return cache[template]


def _make_path(template: str, office: Office, session: Session) -> str:
    ids = {"staff_id": office.colleague.id, "unit_id": office.office.id, "user_id": office.users["staff"].id}
    if "{device_id}" in template:
        device = Device(serial="PUSH-1", kind=DeviceKind.ZK_PUSH, unit_id=office.office.id)
        session.add(device)
        session.commit()
        ids["device_id"] = device.id
    if "{request_id}" in template:
        row = file_request(session=session, staff=office.colleague, type="leave", kind="annual_leave",
                           start_date=date(2026, 12, 21), actor="test")
        session.commit()
        ids["request_id"] = row.id
    if "{entry_id}" in template:
        ids["entry_id"] = session.exec(select(AuditEntry.id)).first()
    if "{token_id}" in template:
        issued = issue_device_token(session=session, name="other camera", scopes=["punches.ingest"], device_id=None,
                                    actor="test")
        session.commit()
        ids["token_id"] = issued.token.id
    return template.format(**ids)


def _n(role: str) -> int:
    return ROLES.index(role)


ADMIN = {"admin": 200}
ADMIN_201 = {"admin": 201}
READERS = {"admin": 200, "personnel": 200, "head": 200}  # unit-scoped read access
WRITERS = {"admin": 200, "personnel": 200}
WRITERS_201 = {"admin": 201, "personnel": 201}
USERS = {"admin": 200, "personnel": 200, "head": 200, "staff": 200}
ACCOUNT = {**USERS, "province": 200}  # what every account does with itself

def _other_session(office: Office, session: Session, role: str) -> tuple[str, Any]:
    """A fresh session of the staff account for each role to try to end."""
    row = open_session(session=session, user=office.users["staff"], kind=TOKEN)
    session.commit()
    return f"/api/users/{office.users['staff'].id}/sessions/{row.id}", None


def _bulk(office: Office, session: Session, role: str) -> tuple[str, Any]:
    """A fresh pending request of the colleague per role, decided through the bulk route."""
    day = date(2026, 12, 10 + ROLES.index(role))
    row = file_request(session=session, staff=office.colleague, type="leave", kind="sick", start_date=day,
                       actor="test")
    session.commit()
    return "/api/requests/decisions", {"request_ids": [row.id], "decision": "approve", "comment": "ok"}


def _approved(office: Office, session: Session, role: str) -> tuple[str, Any]:
    """A fresh approved request of the colleague per role, to revoke."""
    day = date(2027, 1, 18 + ROLES.index(role))
    row = file_request(session=session, staff=office.colleague, type="leave", kind="sick", start_date=day,
                       actor="test")
    decide(session=session, request=row, approve=True, actor="test")
    session.commit()
    return f"/api/requests/{row.id}/revoke", {"reason": "nhầm ngày"}


def _attachment(office: Office, session: Session, role: str) -> tuple[str, Any]:
    from attendance.request_files import attach, sealer

    path = _fill("/api/requests/{request_id}", office, session)
    row = session.get(LeaveRequest, int(path.rsplit("/", 1)[1]))
    stored = attach(session=session, request=row, filename="giay-moi.pdf", data=b"%PDF-1.4 test", actor="test",
                    sealer=sealer(), max_bytes=10_000, max_count=50)
    session.commit()
    return f"{path}/attachments/{stored.id}", None


CASES = [
    Case("GET", "/api/auth/me", ACCOUNT),
    Case("DELETE", "/api/auth/session", {r: 204 for r in ACCOUNT}),
    Case("POST", "/api/auth/logout", {r: 204 for r in ACCOUNT}),
    Case("POST", "/api/auth/logout-everywhere", ACCOUNT),
    Case("POST", "/api/auth/2fa/setup", ACCOUNT),
    Case("POST", "/api/auth/2fa/enable", {r: 409 for r in ACCOUNT},  # 409: no set-up started
         _with("/api/auth/2fa/enable", lambda o, r: {"code": "123456"})),
    Case("POST", "/api/auth/2fa/disable", {r: 204 for r in ACCOUNT},
         _with("/api/auth/2fa/disable", lambda o, r: {"password": PASSWORD})),
    Case("GET", "/api/users/{user_id}/sessions", ADMIN),
    Case("DELETE", "/api/users/{user_id}/sessions", ADMIN),
    Case("DELETE", "/api/users/{user_id}/sessions/{session_id}", {"admin": 204}, _other_session),
    Case("POST", "/api/auth/password", {r: 204 for r in ACCOUNT},
         _with("/api/auth/password", lambda o, r: {"current_password": PASSWORD, "new_password": "another-long-pass"})),
    Case("GET", "/api/users", ADMIN),
    Case("POST", "/api/users", ADMIN_201,
         _with("/api/users", lambda o, r: {"username": f"new.{r}", "role": "head", "unit_id": o.office.id})),
    Case("GET", "/api/users/{user_id}", ADMIN),
    Case("PATCH", "/api/users/{user_id}", ADMIN, _with("/api/users/{user_id}", lambda o, r: {"full_name": "X"})),
    Case("POST", "/api/users/{user_id}/password", ADMIN, _with("/api/users/{user_id}/password", lambda o, r: {})),
    Case("GET", "/api/device-tokens", ADMIN),
    Case("POST", "/api/device-tokens", ADMIN_201,
         _with("/api/device-tokens", lambda o, r: {"name": f"cam {r}", "scopes": ["punches.ingest"]})),
    Case("DELETE", "/api/device-tokens/{token_id}", ADMIN),
    Case("GET", "/api/units", READERS),
    Case("POST", "/api/units", ADMIN_201, _with("/api/units", lambda o, r: {"path": f"UBND xã Mới {r}"})),
    Case("GET", "/api/units/{unit_id}", READERS),
    Case("PATCH", "/api/units/{unit_id}", ADMIN, _with("/api/units/{unit_id}", lambda o, r: {"code": "VP"})),
    Case("GET", "/api/units/{unit_id}/schedules", READERS),
    Case("POST", "/api/units/{unit_id}/schedules", WRITERS_201,
         _with("/api/units/{unit_id}/schedules", lambda o, r: {
             "valid_from": f"{2030 + _n(r)}-01-01", "valid_to": f"{2030 + _n(r)}-12-31", "morning_start": "07:30",
             "morning_end": "11:30", "afternoon_start": "13:00", "afternoon_end": "17:00"})),
    Case("GET", "/api/units/{unit_id}/calendar", READERS,
         _path("/api/units/{unit_id}/calendar?start=2026-02-01&end=2026-02-28")),
    Case("GET", "/api/calendar/exceptions", READERS),
    Case("POST", "/api/calendar/exceptions", WRITERS_201,
         _with("/api/calendar/exceptions", lambda o, r: {"day": "2026-12-24", "kind": "holiday",
                                                         "unit_id": o.office.id})),
    Case("GET", "/api/staff", READERS),
    Case("POST", "/api/staff", WRITERS_201,
         _with("/api/staff", lambda o, r: {"unit_id": o.office.id, "code": f"NEW-{r}", "full_name": "Người Mới"})),
    Case("GET", "/api/staff/{staff_id}", READERS),
    Case("PATCH", "/api/staff/{staff_id}", WRITERS, _with("/api/staff/{staff_id}", lambda o, r: {"card": "123"})),
    Case("PUT", "/api/staff/{staff_id}/pin", WRITERS, _with("/api/staff/{staff_id}/pin", lambda o, r: {"pin": f"9{_n(r)}"})),
    Case("POST", "/api/staff/{staff_id}/move", WRITERS,
         _with("/api/staff/{staff_id}/move", lambda o, r: {"unit_id": o.economy.id, "effective": f"2027-0{_n(r)}-01"})),
    Case("POST", "/api/staff/{staff_id}/leave", WRITERS,
         _with("/api/staff/{staff_id}/leave", lambda o, r: {"last_day": "2027-12-31"})),
    Case("GET", "/api/staff/{staff_id}/assignments", READERS),
    Case("GET", "/api/staff/{staff_id}/month", READERS, _path("/api/staff/{staff_id}/month?year=2026&month=11")),
    Case("GET", "/api/units/{unit_id}/board", READERS, _path("/api/units/{unit_id}/board?day=2026-11-23")),
    Case("GET", "/api/punches", READERS),
    Case("POST", "/api/punches/manual", WRITERS_201,
         _with("/api/punches/manual", lambda o, r: {"staff_id": o.colleague.id, "reason": "máy hỏng",
                                                   "at": f"2026-11-23T07:2{_n(r)}:00+07:00"})),
    Case("POST", "/api/punches/batch", {"admin": 200, "device": 200},
         _with("/api/punches/batch", lambda o, r: {"punches": [
             {"source": "camera", "device_serial": "CAM-1", "pin": o.colleague.pin,
              "device_time": f"2026-11-23T07:3{_n(r)}:00"}]})),
    Case("GET", "/api/requests", USERS),
    Case("POST", "/api/requests", {"admin": 201, "personnel": 201, "head": 201},
         _with("/api/requests", lambda o, r: {"staff_id": o.colleague.id, "type": "leave", "kind": "sick",
                                              "start_date": f"2027-01-0{_n(r)}"})),
    Case("GET", "/api/requests/{request_id}", READERS),
    Case("POST", "/api/requests/{request_id}/approve", READERS, _pending("approve")),
    Case("POST", "/api/requests/{request_id}/reject", READERS, _pending("reject")),
    Case("POST", "/api/requests/{request_id}/cancel", READERS, _pending("cancel")),
    Case("GET", "/api/requests/pending/count", USERS),
    Case("POST", "/api/requests/decisions", READERS, _bulk),
    Case("POST", "/api/requests/{request_id}/revoke", READERS, _approved),
    Case("GET", "/api/requests/{request_id}/attachments", READERS),
    # 422 for the roles let through: the matrix sends JSON, not the file (uploads: test_request_workflow).
    Case("POST", "/api/requests/{request_id}/attachments", {"admin": 422, "personnel": 422, "head": 422}),
    Case("GET", "/api/requests/{request_id}/attachments/{attachment_id}", READERS, _attachment),
    Case("GET", "/api/audit", ADMIN),
    Case("GET", "/api/audit/{entry_id}", ADMIN),
    Case("GET", "/api/devices", WRITERS),
    Case("POST", "/api/devices", WRITERS_201,
         _with("/api/devices", lambda o, r: {"serial": f"PUSH-{r}", "kind": "zk_push", "unit_id": o.office.id})),
    Case("GET", "/api/devices/{device_id}", WRITERS),
    Case("GET", "/api/devices/{device_id}/health", WRITERS),
    Case("POST", "/api/devices/{device_id}/actions/{action}", WRITERS,
         _path("/api/devices/{device_id}/actions/sync-users-dry-run")),
    Case("POST", "/api/fingerprints/sync", WRITERS, _path("/api/fingerprints/sync?dry_run=true")),
]


def _closed(action: str) -> Callable[[Office, Session, str], tuple[str, Any]]:
    """A month per role (closed first when reopening), so each allowed call can succeed."""
    def build(office: Office, session: Session, role: str) -> tuple[str, Any]:
        year, month = 2025, 1 + ROLES.index(role)
        if action == "reopen":
            close_month(session=session, unit=office.office, year=year, month=month, actor="test")
            session.commit()
        body = {"unit": office.office.path, "month": f"{year}-{month:02d}"}
        return f"/api/reports/{action}", {**body, "reason": "sửa số liệu"} if action == "reopen" else body
    return build


BIOMETRIC = {}  # no role holds the biometric permission: see test_biometric_routes_need_the_explicit_grant
CAMERA = {"admin": 200, "device": 200}
REPORT_READERS = {**READERS, "province": 200}  # a province office reads reports and nothing else
CASES += [
    Case("POST", "/api/faces/consents", BIOMETRIC,
         _with("/api/faces/consents", lambda o, r: {"staff_id": o.colleague.id, "method": "paper"})),
    Case("POST", "/api/faces/{staff_id}/withdraw", BIOMETRIC,
         _with("/api/faces/{staff_id}/withdraw", lambda o, r: {"reason": "rút lại"})),
    Case("POST", "/api/faces/{staff_id}/photos", BIOMETRIC),
    Case("POST", "/api/fingerprints/consents", BIOMETRIC,
         _with("/api/fingerprints/consents", lambda o, r: {"staff_id": o.colleague.id, "method": "paper"})),
    Case("POST", "/api/fingerprints/{staff_id}/withdraw", BIOMETRIC),
    Case("DELETE", "/api/faces/{staff_id}", BIOMETRIC, _path("/api/faces/{staff_id}?reason=x")),
    Case("GET", "/api/faces", BIOMETRIC),
    Case("GET", "/api/faces/gallery", {"device": 200}),
    Case("POST", "/api/faces/cameras/{serial}/punches", CAMERA,
         _with("/api/faces/cameras/CAM-9/punches", lambda o, r: {"punches": [
             {"pin": o.colleague.pin, "device_time": f"2026-11-23T00:3{_n(r)}:00Z"}]})),
    Case("POST", "/api/faces/cameras/{serial}/heartbeat", CAMERA,
         _with("/api/faces/cameras/CAM-9/heartbeat", lambda o, r: {"frames": 1})),
    Case("POST", "/api/faces/cameras/{serial}/attempts", CAMERA,
         _with("/api/faces/cameras/CAM-9/attempts", lambda o, r: {"attempts": []})),
    Case("POST", "/api/faces/cameras/{serial}/prompt", CAMERA,
         _with("/api/faces/cameras/CAM-9/prompt", lambda o, r: {"challenge": None})),
    Case("GET", "/api/faces/attempts", BIOMETRIC),
    Case("GET", "/api/faces/evidence/{evidence_id}/{part}.jpg", BIOMETRIC, _path("/api/faces/evidence/1/face.jpg")),
    Case("GET", "/api/reports/{kind}", REPORT_READERS,
         lambda o, s, r: (f"/api/reports/discipline?unit={o.office.path}&month=2026-10", None)),
    Case("GET", "/api/reports/closures/status", REPORT_READERS,
         lambda o, s, r: (f"/api/reports/closures/status?unit={o.office.path}&month=2026-10", None)),
    Case("POST", "/api/reports/close", WRITERS, _closed("close")),
    Case("POST", "/api/reports/reopen", WRITERS, _closed("reopen")),
]


def _device_headers(session: Session) -> dict[str, str]:
    issued = issue_device_token(session=session, name="camera cổng", actor="test",
                                scopes=["punches.ingest", "gallery.read", "device.heartbeat"], device_id=None)
    session.commit()
    return {"Authorization": f"Bearer {issued.secret}"}


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method} {c.template}")
def test_route_allows_exactly_its_roles(case: Case, client: TestClient, office: Office, session: Session) -> None:
    headers = dict(office.headers, device=_device_headers(session))
    build = case.build or _path(case.template)
    wrong = []
    for role in ROLES:
        path, body = build(office, session, role)
        response = client.request(case.method, path, headers=headers[role], json=body)
        expected = case.allowed.get(role, 401 if role == "anonymous" else DENY)
        ok = response.status_code in (403, 404) if expected == DENY else response.status_code == expected
        if not ok:
            wrong.append(f"{role}: expected {expected}, got {response.status_code} {response.text[:200]}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.db_independent
def test_every_api_route_is_in_the_matrix_or_public_or_another_area(app: FastAPI) -> None:
    """New routes of this area must join the matrix; other areas' routes are checked below."""
    mine = {(c.method, c.template) for c in CASES} | PUBLIC
    others = ("/iclock", "/static")
    missing = []
    for path, methods in app.openapi()["paths"].items():
        for method in methods:
            key = (method.upper(), path)
            if key not in mine and not path.startswith(others):
                missing.append(key)
    assert not missing, f"routes missing from the role matrix: {missing}"


def test_biometric_routes_need_the_explicit_grant(client: TestClient, office: Office, session: Session) -> None:
    """Admins too are refused until granted; a granted personnel office works within its tree."""
    from tests.api.conftest import add_user

    consent = {"staff_id": office.colleague.id, "method": "paper"}
    assert client.post("/api/faces/consents", headers=office.headers["admin"], json=consent).status_code == 403
    _, granted = add_user(session, "hr.bio", "personnel", unit=office.root, grants="biometrics.manage")
    session.commit()
    assert client.post("/api/faces/consents", headers=granted, json=consent).status_code == 201
    assert [e["staff_id"] for e in client.get("/api/faces", headers=granted).json()] == [office.colleague.id]
    outsider = {"staff_id": office.outsider.id, "method": "paper"}
    assert client.post("/api/faces/consents", headers=granted, json=outsider).status_code == 404
    assert client.get("/api/faces/gallery", headers=granted).status_code == 403  # cameras only


def test_every_other_api_route_refuses_anonymous_callers(app: FastAPI, client: TestClient, office: Office) -> None:
    """Whatever another area adds under /api answers 401 without credentials (faces, reports, ...)."""
    checked = []
    for path, methods in app.openapi()["paths"].items():
        if not path.startswith("/api/") or any(path == p for _, p in PUBLIC):
            continue
        concrete = re.sub(r"\{(\w+)\}", lambda m: {"action": "pull", "serial": "CAM-1"}.get(m.group(1), "1"), path)
        for method in methods:
            status = client.request(method.upper(), concrete).status_code
            checked.append((method, path, status))
    refused = [c for c in checked if c[2] != 401]
    assert checked and not refused, f"answered without credentials: {refused}"

