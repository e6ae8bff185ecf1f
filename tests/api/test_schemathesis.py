"""Schemathesis against the app's own OpenAPI: no server errors, no response that breaks the schema.

Bounded (a few examples per operation) so the run stays well under a minute. Left out, with
reasons: device actions (they open TCP connections to terminals at generated addresses),
face photo uploads (face detection per example; covered by tests/recognition), the terminals'
/iclock protocol and the HTML pages (not JSON APIs).
"""

from __future__ import annotations

import os
from datetime import date, datetime

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks
from schemathesis.config import SchemathesisConfig
from sqlmodel import Session

from api.main import create_app
from attendance.calendar import add_exception
from attendance.leave import file_request
from tests.api.conftest import build_office
from tests.api.helpers import admin_headers
from tests.factories import punch_at

COVERAGE = os.environ.get("SCHEMATHESIS_COVERAGE", "0") == "1"
# The fuzzing phase, a few examples per operation; SCHEMATHESIS_COVERAGE=1 adds the coverage phase's
# boundary values (huge ids, empty strings, wrong types) at about twice the time.
CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": COVERAGE}}})
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(), config=CONFIG)
EXCLUDED = ("/api/devices/{device_id}/actions/{action}", "/api/faces/{staff_id}/photos")
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance]

api = (schema.include(path_regex=r"^/(api/|health$|metrics$)")
       .exclude(path=list(EXCLUDED)))


@pytest.fixture
def headers(session: Session) -> dict[str, str]:
    """An admin, over a seeded office: units, people, accounts, punches, a holiday and a leave request."""
    office = build_office(session)
    start = datetime(2026, 11, 23, 7, 25)
    for person in (office.clerk, office.colleague, office.economist):
        punch_at(session, person, start, start.replace(hour=11, minute=35), start.replace(hour=13, minute=25))
    add_exception(session=session, unit_id=office.root.id, day=date(2026, 11, 20), kind="holiday",
                  name="Ngày Nhà giáo", actor="test")
    file_request(session=session, staff=office.colleague, type="leave", kind="annual_leave",
                 start_date=date(2026, 11, 24), actor="test")
    session.commit()
    return admin_headers(session)


@api.parametrize()
@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_conforms_to_its_schema(case: schemathesis.Case, headers: dict[str, str]) -> None:
    merged = {**headers, **(case.headers or {})} if "Authorization" not in (case.headers or {}) else case.headers
    case.call_and_validate(headers=merged, checks=CHECKS)
