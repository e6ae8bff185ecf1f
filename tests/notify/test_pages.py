"""The same notices in the pages: the person's "Thông báo" list and menu, the e-mail choice on the account page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.main import create_app
from api.notify.runs import remind
from attendance.models import AuditEntry, Staff
from attendance.rules import SessionName
from tests.pages.conftest import DAY, PASSWORD, add_user, seed_office


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(), follow_redirects=False) as c:
        yield c


def _login(client: TestClient, username: str) -> None:
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 303


def _after_morning() -> datetime:
    return (datetime.combine(DAY, time(12, 0)) - timedelta(hours=7)).replace(tzinfo=UTC)


def test_the_reminder_shows_on_the_persons_notices_page(client, engine, session: Session, inbox) -> None:
    world = seed_office(session)
    world.late.email = "an@tanphu.gov.vn"
    session.add(world.late)
    add_user(session, "annv", "staff", staff=world.late)
    add_user(session, "binhtt", "staff", staff=world.missing)
    session.commit()
    remind(engine=engine, day=DAY, part=SessionName.MORNING, now=_after_morning())

    _login(client, "annv")
    page = client.get("/notifications")
    assert page.status_code == 200
    assert '<a href="/notifications"' in page.text and "Thông báo" in page.text  # in the menu
    assert f"Nhắc đi muộn buổi sáng ngày {DAY:%d/%m/%Y}" in page.text
    assert f'href="/requests?type=explanation&amp;date={DAY.isoformat()}"' in page.text
    assert "Đã gửi e-mail tới an@tanphu.gov.vn." in page.text
    assert "Trần Thị Bình" not in page.text  # someone else's notice
    client.cookies.clear()
    _login(client, "binhtt")
    other = client.get("/notifications").text
    assert "thiếu lượt chấm công vào" in other and "chưa có địa chỉ e-mail" in other


def test_opting_out_on_the_account_page_stops_the_email_but_not_the_notice(client, engine, session, inbox) -> None:
    world = seed_office(session)
    add_user(session, "annv", "staff", staff=world.late)
    session.commit()
    _login(client, "annv")

    refused = client.post("/account/notifications", data={"email": "an@@tanphu", "notify_email": "on"})
    assert refused.status_code == 422
    assert "Địa chỉ e-mail không hợp lệ; chưa lưu gì." in refused.text and 'value="an@@tanphu"' in refused.text
    saved = client.post("/account/notifications", data={"email": " an@TanPhu.gov.vn ", "back": "/notifications"})
    assert saved.status_code == 303 and saved.headers["location"] == "/notifications"
    person = session.exec(select(Staff).where(Staff.id == world.late.id)).one()
    session.refresh(person)
    assert person.email == "an@tanphu.gov.vn" and person.notify_email is False
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "notices.settings")).one().after == {
        "email": "an@tanphu.gov.vn", "notify_email": False}

    remind(engine=engine, day=DAY, part=SessionName.MORNING, now=_after_morning())
    assert inbox.to("an@tanphu.gov.vn") == []
    page = client.get("/notifications").text
    assert "Nhắc đi muộn" in page and "bạn đã tắt thông báo qua e-mail" in page
    account = client.get("/account").text
    assert 'value="an@tanphu.gov.vn"' in account and 'name="notify_email" >' in account.replace("  ", " ")


def test_personnel_can_set_a_persons_address_through_the_api(client, session) -> None:
    world = seed_office(session)
    add_user(session, "tccb", "personnel", unit=world.root)
    session.commit()
    _login(client, "tccb")
    response = client.patch(f"/api/staff/{world.late.id}", json={"email": "an@tanphu.gov.vn", "notify_email": False})
    assert response.status_code == 200, response.text
    assert response.json()["email"] == "an@tanphu.gov.vn" and response.json()["notify_email"] is False
    bad = client.patch(f"/api/staff/{world.late.id}", json={"email": "không phải e-mail"})
    assert bad.status_code in (400, 422)
