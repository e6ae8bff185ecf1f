"""A silent terminal on the board and the month pages: its people's missing data is not taken for absence."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from api.main import create_app
from attendance.db import get_engine
from attendance.timeutil import utcnow
from devices.alerts import silent_after
from devices.models import AlertKind, DeviceAlert
from devices.service import add_device
from tests.pages.conftest import DAY, PASSWORD, add_user, seed_office

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(), follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def office(session, client):
    office = seed_office(session)
    gate = add_device(session=session, serial="GATEB0001", name="cổng B", host="10.0.0.9", actor="admin",
                      unit_id=office.office.id)
    add_user(session, "nhansu.outage", "personnel", unit=office.root)
    session.commit()
    assert client.post("/login", data={"username": "nhansu.outage", "password": PASSWORD}).status_code == 303
    return office, gate


def _silence(session, device, began_local: datetime, ended_local: datetime | None) -> None:
    began = began_local.replace(tzinfo=ZONE)
    session.add(DeviceAlert(device_id=device.id, kind=AlertKind.SILENT.value, open=None if ended_local else True,
                            started_at=began + silent_after(device), detail="",
                            ended_at=ended_local.replace(tzinfo=ZONE) if ended_local else None))
    session.commit()


def _alert_queries(client: TestClient, url: str) -> tuple[str, int]:
    seen: list[str] = []
    listener = lambda conn, cursor, statement, *rest: seen.append(statement)  # noqa: E731
    engine = get_engine()
    event.listen(engine, "before_cursor_execute", listener)
    try:
        page = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert page.status_code == 200, page.text[:500]
    return page.text, sum("device_alerts" in s for s in seen)


def test_the_board_says_which_terminal_is_silent_and_how_many_lack_data(client, session, office) -> None:
    office, gate = office
    quiet, count = _alert_queries(client, f"/today?unit={office.root.id}")
    assert "data-outage" not in quiet and count == 1
    now = utcnow().astimezone(ZONE).replace(tzinfo=None, second=0, microsecond=0)
    began = max(now - timedelta(minutes=30), now.replace(hour=0, minute=1))
    _silence(session, gate, began, None)
    page, count = _alert_queries(client, f"/today?unit={office.root.id}")
    # The two people of Văn phòng punch at gate B and have no data today; Kinh tế's person is not counted.
    assert f"Máy cổng B mất liên lạc từ {began:%H:%M}: 2 người chưa có dữ liệu" in page
    assert count == 1  # one query per render, with or without outages
    english = client.get(f"/today?unit={office.root.id}&lang=en").text
    assert f"cổng B has been out of contact since {began:%H:%M}: 2 people have no data yet" in english


def test_a_day_whose_terminal_was_down_is_marked_on_the_months(client, session, office) -> None:
    office, gate = office
    _silence(session, gate, datetime.combine(DAY, datetime.min.time()).replace(hour=7, minute=12),
             datetime.combine(DAY, datetime.min.time()).replace(hour=9, minute=40))
    month = f"year={DAY.year}&month={DAY.month}"
    served = client.get(f"/people/{office.late.id}/month?{month}").text
    assert re.search(rf'class="day\s+outage" data-date="{DAY.isoformat()}" title="Máy cổng B', served)
    assert "máy mất liên lạc" in served and f"Máy cổng B mất liên lạc (07:12 {DAY:%d/%m} – 09:40 {DAY:%d/%m})" in served
    other = client.get(f"/people/{office.punctual.id}/month?{month}").text  # Kinh tế: not gate B's
    assert not re.search(r'class="day\s+outage"', other)
    report = client.get(f"/month?unit={office.root.id}&month={DAY:%Y-%m}").text
    assert f'data-outage="{DAY.isoformat()}"' in report and "Ngày có máy chấm công mất liên lạc (1)" in report
    assert "Máy cổng B mất liên lạc (07:12" in report
