"""An app, a client and a small office with one account per role, for the API tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth.models import User
from api.auth.passwords import hash_password
from api.auth.sessions import TOKEN, open_session
from api.auth.tokens import create_access_token
from attendance.models import Staff, Unit
from attendance.timeutil import utcnow
from tests.factories import make_staff, make_unit

PASSWORD = "correct-horse-battery"
ROOT = "UBND xã Tân Phú"
OFFICE = f"{ROOT} / Văn phòng"
ECONOMY = f"{ROOT} / Phòng Kinh tế"
OTHER = "UBND xã Bình An"


@lru_cache
def password_hash() -> str:
    """One Argon2 hash for every test account: hashing is slow on purpose."""
    return hash_password(PASSWORD)


@dataclass
class Office:
    """Units: root > office, economy; another commune. One account per role, with headers."""

    root: Unit
    office: Unit
    economy: Unit
    other: Unit
    clerk: Staff  # in the office; has the staff account
    colleague: Staff  # in the office
    economist: Staff  # in the economy department
    outsider: Staff  # in the other commune
    head_person: Staff  # head of the office
    users: dict[str, User] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)


def add_user(session: Session, username: str, role: str, *, unit: Unit | None = None, staff: Staff | None = None,
             grants: str = "") -> tuple[User, dict[str, str]]:
    user = User(username=username, password_hash=password_hash(), role=role, grants=grants,
                unit_id=unit.id if unit else None, staff_id=staff.id if staff else None, created_at=utcnow())
    session.add(user)
    session.flush()
    token, _ = create_access_token(user, open_session(session=session, user=user, kind=TOKEN))
    return user, {"Authorization": f"Bearer {token}"}


def build_office(session: Session) -> Office:
    root = make_unit(session, ROOT)
    office, economy, other = make_unit(session, OFFICE), make_unit(session, ECONOMY), make_unit(session, OTHER)
    start = date(2020, 1, 1)
    world = Office(
        root=root, office=office, economy=economy, other=other,
        clerk=make_staff(session, office, full_name="Nguyễn Văn An", start_date=start),
        colleague=make_staff(session, office, full_name="Trần Thị Bình", start_date=start),
        economist=make_staff(session, economy, full_name="Lê Văn Cường", start_date=start),
        outsider=make_staff(session, other, full_name="Phạm Thị Dung", start_date=start),
        head_person=make_staff(session, office, full_name="Hoàng Văn Em", start_date=start),
    )
    for name, role, unit, staff in (("admin", "admin", None, None), ("personnel", "personnel", root, None),
                                    ("head", "head", office, world.head_person),
                                    ("staff", "staff", None, world.clerk), ("province", "province", None, None)):
        world.users[name], world.headers[name] = add_user(session, name, role, unit=unit, staff=staff)
    world.headers["anonymous"] = {}
    session.commit()
    return world


@pytest.fixture(scope="session")
def app() -> FastAPI:
    from api.main import create_app

    return create_app()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def office(session: Session) -> Office:
    return build_office(session)
