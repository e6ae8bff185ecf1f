"""Forged and misdirected pushes, through real HTTP to the running app from real loopback addresses.

ADMS has no credentials: a push terminal is believed only from where it is bound to. Requests
from another address are made with a client socket bound to 127.0.0.2.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlmodel import func, select

from attendance.models import Device, DeviceKind, Punch
from devices import adms
from devices.models import CommandStatus, PushHold
from devices.service import add_device
from tests.factories import make_staff, make_unit
from tests.live_server import running_app

SN = "CKJL201960123"
LINE = "{pin}\t2026-12-02 07:25:00\t0\t1\n"


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with running_app("iclock-uvicorn") as url:
        yield url


def client_from(address: str, base_url: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, transport=httpx.HTTPTransport(local_address=address), timeout=10)


@pytest.fixture
def home(base_url: str) -> Iterator[httpx.Client]:
    with client_from("127.0.0.1", base_url) as client:
        yield client


@pytest.fixture
def elsewhere(base_url: str) -> Iterator[httpx.Client]:
    with client_from("127.0.0.2", base_url) as client:
        yield client


def punches(session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(Punch)).one()


def upload(client: httpx.Client, pin: str, serial: str = SN) -> httpx.Response:
    return client.post(f"/iclock/cdata?SN={serial}&table=ATTLOG&Stamp=1", content=LINE.format(pin=pin).encode())


def test_a_push_terminal_bound_to_a_network_refuses_any_other_address(session, home, elsewhere) -> None:
    staff = make_staff(session, pin="1")
    add_device(session=session, serial=SN, actor="admin", kind=DeviceKind.ZK_PUSH, unit_id=staff.unit_id,
               push_allowed_from="127.0.0.1/32")
    session.commit()
    forged = upload(elsewhere, "1")
    assert forged.status_code == 403 and punches(session) == 0
    assert elsewhere.get(f"/iclock/cdata?SN={SN}").status_code == 403
    real = upload(home, "1")
    assert real.status_code == 200 and real.text.startswith("OK: 1") and punches(session) == 1


def test_the_unit_gives_its_network_to_its_terminals(session, home, elsewhere) -> None:
    unit = make_unit(session, "UBND xã Tân Phú")
    unit.push_allowed_from = "127.0.0.2"
    session.add(unit)
    add_device(session=session, serial=SN, actor="admin", kind=DeviceKind.ZK_PUSH, unit_id=unit.id)
    session.commit()
    assert upload(home, "1").status_code == 403
    assert upload(elsewhere, "1").status_code == 200


def test_trust_on_first_use_holds_uploads_from_a_new_address_until_confirmed(session, home, elsewhere) -> None:
    staff = make_staff(session, pin="7")
    device = add_device(session=session, serial=SN, actor="admin", kind=DeviceKind.ZK_PUSH, unit_id=staff.unit_id)
    session.commit()
    assert home.get(f"/iclock/cdata?SN={SN}&options=all").status_code == 200  # pins 127.0.0.1
    session.refresh(device)
    assert device.push_pinned_address == "127.0.0.1"

    held = upload(elsewhere, "7")
    assert held.status_code == 200 and held.text.startswith("OK")  # the terminal moves on...
    assert punches(session) == 0  # ...and nothing is counted
    session.refresh(device)
    assert device.push_pending_address == "127.0.0.2" and "127.0.0.2" in (device.last_error or "")
    assert session.exec(select(PushHold)).one().address == "127.0.0.2"

    assert adms.confirm_address(session=session, device=device, actor="admin") == 1
    session.commit()
    stored = session.exec(select(Punch)).one()
    assert stored.staff_id == staff.id
    session.refresh(device)
    assert device.push_pinned_address == "127.0.0.2" and device.push_pending_address is None
    assert upload(elsewhere, "7").status_code == 200 and punches(session) == 1  # resent: stored once


def test_a_rejected_address_keeps_its_uploads_as_evidence_only(session, home, elsewhere) -> None:
    make_staff(session, pin="7")
    device = add_device(session=session, serial=SN, actor="admin", kind=DeviceKind.ZK_PUSH)
    session.commit()
    home.get(f"/iclock/cdata?SN={SN}")
    upload(elsewhere, "7")
    session.refresh(device)
    assert adms.reject_address(session=session, device=device, actor="admin") == 1
    session.commit()
    assert punches(session) == 0
    assert session.exec(select(PushHold)).one().released_by == "từ chối: admin"


def test_a_spoofed_getrequest_drains_nothing_and_a_spoofed_devicecmd_confirms_nothing(
        session, home, elsewhere) -> None:
    device = add_device(session=session, serial=SN, actor="admin", kind=DeviceKind.ZK_PUSH)
    session.commit()
    home.get(f"/iclock/cdata?SN={SN}")
    command = adms.queue_command(session=session, device=device, actor="admin",
                                 command="DATA UPDATE USERINFO PIN=5\tName=An\tPri=0\tPasswd=\tCard=\tGrp=1")
    session.commit()
    spoofed = elsewhere.get(f"/iclock/getrequest?SN={SN}")
    assert spoofed.status_code == 200 and spoofed.text == "OK" and "USERINFO" not in spoofed.text
    session.refresh(command)
    assert command.status == CommandStatus.QUEUED
    real = home.get(f"/iclock/getrequest?SN={SN}")
    assert real.text.startswith(f"C:{command.id}:DATA UPDATE USERINFO PIN=5")
    elsewhere.post(f"/iclock/devicecmd?SN={SN}", content=f"ID={command.id}&Return=0&CMD=DATA\n".encode())
    session.refresh(command)
    assert command.status == CommandStatus.SENT
    home.post(f"/iclock/devicecmd?SN={SN}", content=f"ID={command.id}&Return=0&CMD=DATA\n".encode())
    session.refresh(command)
    assert command.status == CommandStatus.DONE


@pytest.mark.parametrize("kind", [DeviceKind.ZK_PULL, DeviceKind.OFFLINE, DeviceKind.CAMERA])
def test_only_push_terminals_may_use_iclock(session, home, kind) -> None:
    make_staff(session, pin="1")
    add_device(session=session, serial="OTHER01", actor="admin", kind=kind, host="10.0.0.9")
    session.commit()
    assert upload(home, "1", serial="OTHER01").status_code == 403
    assert home.get("/iclock/getrequest?SN=OTHER01").status_code == 403
    assert punches(session) == 0


def test_serials_are_compared_normalised_on_every_path(session, home) -> None:
    make_staff(session, pin="1")
    add_device(session=session, serial=" ckjl201960123 ", actor="admin", kind=DeviceKind.ZK_PUSH)
    session.commit()
    assert session.exec(select(Device.serial)).one() == SN
    assert upload(home, "1", serial="ckjl201960123").text.startswith("OK: 1")
    assert upload(home, "1", serial="CKJL201960123").text.startswith("OK: 1")
    assert punches(session) == 1


def test_a_proxy_header_counts_only_from_a_trusted_proxy(session, base_url, monkeypatch) -> None:
    from config import get_settings

    make_staff(session, pin="1")
    add_device(session=session, serial=SN, actor="admin", kind=DeviceKind.ZK_PUSH, push_allowed_from="10.9.0.0/16")
    session.commit()
    header = {"X-Forwarded-For": "10.9.0.5"}
    with client_from("127.0.0.1", base_url) as proxy:
        assert proxy.post(f"/iclock/cdata?SN={SN}&table=ATTLOG", content=LINE.format(pin="1").encode(),
                          headers=header).status_code == 403  # not configured as a proxy: header ignored
        monkeypatch.setenv("ATTENDANCE_TERMINALS__TRUSTED_PROXIES", "127.0.0.1")
        get_settings.cache_clear()
        try:
            assert proxy.post(f"/iclock/cdata?SN={SN}&table=ATTLOG", content=LINE.format(pin="1").encode(),
                              headers=header).status_code == 200
            spoofed = {"X-Forwarded-For": "10.9.0.5, 192.0.2.1"}  # the client wrote a header itself
            assert proxy.post(f"/iclock/cdata?SN={SN}&table=ATTLOG", content=LINE.format(pin="1").encode(),
                              headers=spoofed).status_code == 403
        finally:
            monkeypatch.delenv("ATTENDANCE_TERMINALS__TRUSTED_PROXIES")
            get_settings.cache_clear()
    assert punches(session) == 1


def test_metrics_carry_no_serials_and_can_require_a_token(session, home, monkeypatch) -> None:
    from config import get_settings

    add_device(session=session, serial=SN, actor="admin", kind=DeviceKind.ZK_PUSH)
    session.commit()
    text = home.get("/metrics").text
    assert "attendance_device_enabled" in text and SN not in text
    monkeypatch.setenv("ATTENDANCE_METRICS_TOKEN", "scrape-secret")
    get_settings.cache_clear()
    try:
        assert home.get("/metrics").status_code == 401
        assert home.get("/metrics", headers={"Authorization": "Bearer scrape-secret"}).status_code == 200
    finally:
        monkeypatch.delenv("ATTENDANCE_METRICS_TOKEN")
        get_settings.cache_clear()


def test_an_unconfirmed_command_is_offered_again_then_reported_failed(session, home) -> None:
    device = add_device(session=session, serial=SN, actor="admin", kind=DeviceKind.ZK_PUSH)
    session.commit()
    command = adms.queue_command(session=session, device=device, actor="admin", command="INFO")
    session.commit()
    assert home.get(f"/iclock/getrequest?SN={SN}").text == f"C:{command.id}:INFO\n"
    assert home.get(f"/iclock/getrequest?SN={SN}").text == "OK"  # not yet due again
    for attempt in (2, 3):
        session.refresh(command)
        command.sent_at = command.sent_at - timedelta(hours=1)  # the reply was lost long ago
        session.add(command)
        session.commit()
        assert home.get(f"/iclock/getrequest?SN={SN}").text == f"C:{command.id}:INFO\n"
        session.refresh(command)
        assert command.attempts == attempt
    command.sent_at = command.sent_at - timedelta(hours=1)
    session.add(command)
    session.commit()
    assert home.get(f"/iclock/getrequest?SN={SN}").text == "OK"
    session.refresh(command)
    session.refresh(device)
    assert command.status == CommandStatus.FAILED
    assert f"lệnh số {command.id}" in (device.last_error or "")


def test_uploads_as_large_as_the_service_means_to_take_are_taken(session, home) -> None:
    make_staff(session, pin="1")
    add_device(session=session, serial=SN, actor="admin", kind=DeviceKind.ZK_PUSH)
    session.commit()
    # 12 MiB: over the old 8 MiB cut, under the 16 MiB limit; one distinct punch a line.
    # 20,000 lines padded as some firmware pads its fields (the parser strips them).
    line = "1\t2026-12-02 {h:02d}:{m:02d}:{s:02d}\t0\t1\t0\t0\t0" + " " * 620 + "\n"
    lines = [line.format(h=h, m=m, s=s) for h in range(6, 12) for m in range(60) for s in range(60)][:20_000]
    body = "".join(lines).encode()
    assert len(body) > 12 * 1024 * 1024
    reply = home.post(f"/iclock/cdata?SN={SN}&table=ATTLOG", content=body, timeout=120)
    assert reply.status_code == 200 and reply.text.startswith(f"OK: {len(lines)}")
    assert punches(session) == len(lines)
    too_big = home.post(f"/iclock/cdata?SN={SN}&table=ATTLOG", content=b"x" * (16 * 1024 * 1024 + 1))
    assert too_big.status_code == 413
