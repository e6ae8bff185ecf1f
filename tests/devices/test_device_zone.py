"""A terminal that declares no zone keeps its unit's time, not the server's (DOMAIN.md: Time)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlmodel import select

from api.main import create_app
from attendance.models import DeviceKind, Punch
from devices.service import add_device
from tests.factories import make_staff, make_unit


def test_a_tokyo_units_terminal_without_a_zone_is_read_in_tokyo_time(session) -> None:
    tokyo = make_unit(session, "Văn phòng đại diện Tokyo")
    tokyo.timezone = "Asia/Tokyo"
    session.add(tokyo)
    person = make_staff(session, tokyo, pin="3")
    add_device(session=session, serial="TOKYO01", actor="admin", kind=DeviceKind.ZK_PUSH, unit_id=tokyo.id)
    session.commit()
    with TestClient(create_app()) as client:
        reply = client.post("/iclock/cdata?SN=TOKYO01&table=ATTLOG", content=b"3\t2026-12-02 09:00:00\t0\t1\n")
        assert reply.text.startswith("OK: 1")
        handshake = client.get("/iclock/cdata?SN=TOKYO01")
        assert "TimeZone=9" in handshake.text
    session.expire_all()
    punch = session.exec(select(Punch)).one()
    assert punch.staff_id == person.id
    assert punch.punched_at == datetime(2026, 12, 2, 0, 0, tzinfo=UTC)  # 09:00 in Tokyo, not 07:00
