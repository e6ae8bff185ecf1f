"""Seed builders of the page tests (the live server and Chromium are tests/browser.py's, for every area)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth.service import create_user
from api.main import create_app
from attendance.models import Staff, Unit
from tests.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS  # noqa: F401  (the page tests' names)
from tests.factories import make_staff, make_unit, punch_at

PASSWORD = "mat-khau-thu-nghiem-2026"
DAY = date(2026, 11, 18)  # a Wednesday, a working day


@dataclass
class Office:
    root: Unit
    office: Unit
    economy: Unit
    late: Staff
    missing: Staff
    punctual: Staff


def seed_office(session: Session) -> Office:
    """A commune with two departments and three people with a known day (DAY)."""
    root = make_unit(session, "UBND xã Tân Phú")
    office = make_unit(session, "UBND xã Tân Phú / Văn phòng")
    economy = make_unit(session, "UBND xã Tân Phú / Phòng Kinh tế")
    late = make_staff(session, office, full_name="Nguyễn Văn An")
    missing = make_staff(session, office, full_name="Trần Thị Bình")
    punctual = make_staff(session, economy, full_name="Lê Văn Cường")
    at = lambda h, m: datetime.combine(DAY, datetime.min.time()).replace(hour=h, minute=m)  # noqa: E731
    punch_at(session, late, at(7, 50), at(11, 35), at(13, 25), at(17, 5))
    punch_at(session, missing, at(11, 32), at(13, 28), at(17, 2))
    punch_at(session, punctual, at(7, 25), at(11, 31), at(13, 29), at(17, 1))
    return Office(root, office, economy, late, missing, punctual)


def add_user(session: Session, username: str, role: str, *, unit: Unit | None = None,
             staff: Staff | None = None, grants: str = "") -> None:
    create_user(session=session, username=username, role=role, password=PASSWORD,
                full_name=staff.full_name if staff else username, unit_id=unit.id if unit else None,
                staff_id=staff.id if staff else None, grants=grants, actor="test")


def log_in(page: object, base: str, username: str) -> None:
    page.goto(f"{base}/login")  # type: ignore[attr-defined]
    page.fill("input[name=username]", username)  # type: ignore[attr-defined]
    page.fill("input[name=password]", PASSWORD)  # type: ignore[attr-defined]
    page.click("form[action='/login'] button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_load_state()  # type: ignore[attr-defined]


@pytest.fixture
def client() -> Iterator[TestClient]:
    """The app in-process for the page tests: redirects are answers to check, not followed."""
    with TestClient(create_app(), follow_redirects=False) as c:
        yield c


def login(client: TestClient, username: str) -> None:
    """Sign `username` in through the login form (the seeded accounts share PASSWORD)."""
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 303, response.text
