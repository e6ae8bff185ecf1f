"""The ADMS push receiver with request bodies as terminals send them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import func, select

from api.main import create_app
from attendance.models import Device, DeviceKind, Punch, PunchSource
from devices import adms
from devices.models import CommandStatus, DeviceCommand, DeviceUser
from devices.service import add_device
from tests.factories import make_staff

SN = "CKJL201960123"
ATTLOG = (
    "1001\t2026-11-24 07:28:13\t0\t1\t0\t0\t0\n"
    "1002\t2026-11-24 07:31:40\t0\t15\t0\t0\t0\n"
    "1001\t2026-11-24 17:05:02\t1\t1\t0\t0\t0\n"
)


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def push_device(session) -> Device:
    device = add_device(session=session, serial=SN, actor="admin", kind=DeviceKind.ZK_PUSH, timezone="Asia/Bangkok")
    session.commit()
    return device


def count(session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(Punch)).one()


def test_handshake_gives_the_options(client, push_device) -> None:
    reply = client.get(f"/iclock/cdata?SN={SN}&options=all&pushver=2.4.1&language=69")
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/plain")
    lines = reply.text.splitlines()
    assert lines[0] == f"GET OPTION FROM: {SN}"
    assert "ATTLOGStamp=0" in lines and "TimeZone=7" in lines and "Realtime=1" in lines


def test_attlog_upload_is_stored_once_however_often_it_is_sent(client, session, push_device) -> None:
    person = make_staff(session, pin="1001")
    session.commit()
    url = f"/iclock/cdata?SN={SN}&table=ATTLOG&Stamp=9999"
    first = client.post(url, content=ATTLOG.encode(), headers={"Content-Type": "application/octet-stream"})
    assert first.status_code == 200 and first.text.startswith("OK: 3")
    assert client.post(url, content=ATTLOG.encode()).text.startswith("OK: 3")  # terminals resend
    assert count(session) == 3
    rows = session.exec(select(Punch).where(Punch.pin == "1001")).all()
    assert {r.staff_id for r in rows} == {person.id} and {r.source for r in rows} == {PunchSource.TERMINAL_PUSH}
    assert rows[0].punched_at.hour == 0  # 07:28 in Asia/Bangkok is 00:28 UTC
    assert "ATTLOGStamp=9999" in client.get(f"/iclock/cdata?SN={SN}&options=all").text


def test_malformed_body_stores_valid_lines_and_reports_the_rest(client, session, push_device) -> None:
    body = (b"1001\t2026-11-24 07:28:13\t0\t1\n"
            b"no tabs here at all\n"
            b"1002\t2026-11-31 07:00:00\t0\t1\n"
            b"\t2026-11-24 08:00:00\t0\t1\n"
            b"1003\t2026-11-24 08:00:00\tx\t1\n"
            b"1004\t2026-11-24 08:01:00\n") + b"\xff\xfe\x00garbage\n"
    reply = client.post(f"/iclock/cdata?SN={SN}&table=ATTLOG", content=body)
    assert reply.status_code == 200
    assert reply.text.splitlines()[0] == "OK: 2"
    assert [line.split(":")[0] for line in reply.text.splitlines()[1:]] == [
        "ERROR line 2", "ERROR line 3", "ERROR line 4", "ERROR line 5", "ERROR line 7"]
    assert count(session) == 2
    session.refresh(push_device)
    assert "5 dòng" in (push_device.last_error or "")


@pytest.mark.parametrize("body", [b"", b"\x00" * 100, bytes(range(256)) * 4, "Ω\t≠\t∂".encode()])
def test_garbage_never_500s(client, session, push_device, body) -> None:
    for url in (f"/iclock/cdata?SN={SN}&table=ATTLOG", f"/iclock/cdata?SN={SN}&table=OPERLOG",
                f"/iclock/devicecmd?SN={SN}", f"/iclock/cdata?SN={SN}&table=WHATEVER"):
        assert client.post(url, content=body).status_code == 200
    assert count(session) == 0


def test_unknown_serial_is_refused(client, session, push_device) -> None:
    for method, url in (("get", "/iclock/cdata?SN=STRANGER&options=all"),
                        ("post", "/iclock/cdata?SN=STRANGER&table=ATTLOG"),
                        ("get", "/iclock/getrequest?SN=STRANGER"), ("get", "/iclock/cdata"),
                        ("post", f"/iclock/cdata?SN={'X' * 500}&table=ATTLOG")):
        reply = client.request(method, url, content=ATTLOG.encode() if method == "post" else None)
        assert reply.status_code == 403, url
    assert count(session) == 0


def test_operlog_user_lines_are_recorded(client, session, push_device) -> None:
    body = (b"USER PIN=1001\tName=Nguyen Van An\tPri=0\tPasswd=\tCard=12345\tGrp=1\tTZ=0000000100000000\n"
            b"OPLOG 4\t0\t2026-11-24 07:00:00\t0\t0\t0\t0\n"
            b"FP PIN=1001\tFID=6\tSize=16\tValid=1\tTMP=TcVTMTIxAAAEamE=\n"
            b"USER Name=missing pin\n")
    reply = client.post(f"/iclock/cdata?SN={SN}&table=OPERLOG&Stamp=77", content=body)
    assert reply.status_code == 200 and reply.text.startswith("OK: 3")
    user = session.exec(select(DeviceUser)).one()
    assert (user.pin, user.name, user.card) == ("1001", "Nguyen Van An", "12345")


def test_command_queue_round_trip(client, session, push_device) -> None:
    make_staff(session, pin="1001", full_name="Phạm Văn Đức")
    session.commit()
    plan = adms.queue_user_sync(session=session, device=push_device, actor="admin")
    session.commit()
    assert [u.pin for u in plan.add] == ["1001"]
    reply = client.get(f"/iclock/getrequest?SN={SN}")
    assert reply.status_code == 200
    command_id, text = reply.text.strip().split(":", 2)[1:]
    assert text.startswith("DATA UPDATE USERINFO PIN=1001\tName=Pham Van Duc")
    assert client.get(f"/iclock/getrequest?SN={SN}").text == "OK"  # sent once
    done = client.post(f"/iclock/devicecmd?SN={SN}", content=f"ID={command_id}&Return=0&CMD=DATA\n".encode())
    assert done.status_code == 200 and done.text == "OK"
    session.expire_all()
    command = session.get(DeviceCommand, int(command_id))
    assert command is not None and command.status == CommandStatus.DONE and command.return_code == 0


def test_a_backlog_larger_than_ordinary_bodies_is_accepted(client, session, push_device) -> None:
    # ~2 MB: a terminal catching up after a long outage. Refusing it (413) would make it resend forever.
    lines = [f"{1000 + i % 50}\t2026-11-{1 + i // 2000:02d} {7 + (i // 60) % 10:02d}:{i % 60:02d}:{(i * 7) % 60:02d}"
             f"\t0\t1\t0\t0\t0" for i in range(40_000)]
    body = ("\n".join(lines) + "\n").encode()
    assert len(body) > 1_000_000
    reply = client.post(f"/iclock/cdata?SN={SN}&table=ATTLOG&Stamp=1", content=body)
    assert reply.status_code == 200 and reply.text.startswith("OK")
    assert count(session) == len(set(lines))
