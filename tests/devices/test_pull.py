"""The pull adapter and service against the simulator, through the real ledger."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, func, select

from attendance.models import Device, Punch
from devices import zkproto
from devices.errors import DeviceMismatch
from devices.health import drift_flagged
from devices.poller import Poller
from devices.pull import pull_device
from devices.zk_pull import open_pyzk
from tests.devices.conftest import register
from tests.factories import make_staff


def stored(session: Session, serial: str | None = None) -> int:
    query = select(func.count()).select_from(Punch)
    if serial:
        query = query.where(Punch.device_serial == serial)
    return session.exec(query).one()


@pytest.mark.parametrize("transport", ["tcp", "udp"])
@pytest.mark.parametrize("user_format,punch_format", [(28, 8), (72, 8), (72, 16), (28, 16), (72, 40)])
def test_pull_stores_every_punch_once_with_the_device_zone(session, simulator, transport, user_format,
                                                          punch_format) -> None:
    handle = simulator(users=12, punches=600, user_format=user_format, punch_format=punch_format)
    device = register(session, handle, transport=transport)
    result = pull_device(session=session, device=device, opener=open_pyzk)
    assert (result.downloaded, result.ingest.stored, result.ingest.duplicates) == (600, 600, 0)
    rows = session.exec(select(Punch).where(Punch.device_serial == device.serial)).all()
    expected = {(p.user_id, zkproto.decode_time(p.time)) for p in handle.terminal.punches}
    assert {(r.pin, r.device_time) for r in rows} == expected
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    assert all(r.punched_at == r.device_time.replace(tzinfo=zone).astimezone(UTC) for r in rows)
    again = pull_device(session=session, device=device, opener=open_pyzk, force=True)
    assert (again.ingest.stored, again.ingest.duplicates) == (0, 600)


def test_device_zone_and_clock_offset(session, simulator) -> None:
    handle = simulator(users=3, punches=30, timezone="Asia/Tokyo", drift_seconds=300)
    device = register(session, handle, timezone="Asia/Tokyo")
    pull_device(session=session, device=device, opener=open_pyzk)
    row = session.exec(select(Punch).limit(1)).one()
    assert row.punched_at == (row.device_time - timedelta(hours=9)).replace(tzinfo=UTC)
    assert device.clock_offset_seconds is not None and 297 <= device.clock_offset_seconds <= 301
    assert drift_flagged(device)
    assert device.record_count == 30 and device.user_count == 3 and device.record_capacity == 200_000


def test_unchanged_count_skips_the_download(session, simulator) -> None:
    handle = simulator(users=3, punches=200)
    device = register(session, handle)
    pull_device(session=session, device=device, opener=open_pyzk)
    served = handle.terminal.stats.bytes_served
    skipped = pull_device(session=session, device=device, opener=open_pyzk)
    assert skipped.skipped and skipped.downloaded == 0
    # Only the newest records were read to check nothing changed (8 of 200), not the log.
    assert handle.terminal.stats.bytes_served - served == 8 * handle.terminal.config.punch_format
    handle.terminal.add_punch("2")
    grown = pull_device(session=session, device=device, opener=open_pyzk)
    assert not grown.skipped and (grown.downloaded, grown.ingest.stored) == (201, 1)


def test_staff_are_matched_by_pin(session, simulator) -> None:
    person = make_staff(session, pin="2", full_name="Lê Thị Bình")
    session.commit()
    handle = simulator(users=3, punches=9)
    device = register(session, handle)
    result = pull_device(session=session, device=device, opener=open_pyzk)
    assert result.ingest.unmatched == 6
    assert {r.staff_id for r in session.exec(select(Punch).where(Punch.pin == "2"))} == {person.id}


def test_garbage_dated_records_are_quarantined_or_reported(session, simulator) -> None:
    handle = simulator(users=3, punches=10)
    handle.terminal.add_garbage()  # 2000-01-01, 2099-12-31, 31 February
    device = register(session, handle)
    result = pull_device(session=session, device=device, opener=open_pyzk)
    assert (result.downloaded, result.unreadable, result.ingest.quarantined) == (13, 1, 2)
    assert stored(session) == 12
    quarantined = session.exec(select(Punch).where(Punch.quarantined == True)).all()  # noqa: E712
    assert sorted(p.device_time.year for p in quarantined) == [2000, 2099]


def test_cut_off_pull_is_retried_and_stores_each_punch_once(session, engine, simulator) -> None:
    handle = simulator(users=5, punches=4000)
    handle.terminal.faults.drop_reads = 1
    device = register(session, handle)
    poller = Poller(engine=engine, timeout=2)
    first = poller.poll_now()[0]
    assert not first.ok and "closed by the terminal" in (first.error or "")
    session.refresh(device)
    assert device.consecutive_failures == 1 and device.last_error
    assert device.next_poll_at is not None
    second = poller.poll_now()[0]
    assert second.ok and second.result is not None and second.result.ingest.stored == 4000
    assert stored(session) == 4000
    session.refresh(device)
    assert device.consecutive_failures == 0 and device.last_error is None and device.last_success_at


def test_wrong_comm_key_shows_in_health(session, engine, simulator) -> None:
    handle = simulator(users=2, punches=2, comm_key=4321)
    device = register(session, handle, comm_key=1111)
    outcome = Poller(engine=engine).poll_now()[0]
    assert not outcome.ok
    session.refresh(device)
    assert "comm key" in (device.last_error or "")
    assert stored(session) == 0


def test_unreachable_terminal_does_not_stop_the_others(session, engine, simulator) -> None:
    good = simulator(users=2, punches=50)
    dead = simulator(users=2, punches=50, serial_prefix="DEAD")
    register(session, good)
    broken = register(session, dead)
    dead.stop()
    outcomes = {o.serial: o for o in Poller(engine=engine, timeout=1).poll_now()}
    assert outcomes[good.terminal.config.serial].ok
    assert not outcomes[broken.serial].ok
    session.refresh(broken)
    assert broken.consecutive_failures == 1 and "không kết nối được" in (broken.last_error or "")
    assert stored(session) == 50


def test_a_terminal_with_another_serial_is_not_read(session, simulator) -> None:
    handle = simulator(users=2, punches=5)
    device = Device(serial="OTHER-SERIAL", host=handle.host, port=handle.port)
    session.add(device)
    session.commit()
    with pytest.raises(DeviceMismatch):
        pull_device(session=session, device=device, opener=open_pyzk)
    assert stored(session) == 0


def test_a_full_log_that_overwrites_its_oldest_records_is_read_again(session, simulator) -> None:
    handle = simulator(users=3, punches=0)
    terminal = handle.terminal
    terminal.config.record_capacity, terminal.config.overwrite_when_full = 50, True
    start = datetime(2026, 12, 1, 7, 0)
    for minute in range(50):
        terminal.add_punch("1", start + timedelta(minutes=minute))
    device = register(session, handle)
    assert pull_device(session=session, device=device, opener=open_pyzk).ingest.stored == 50
    terminal.add_punch("2", start + timedelta(hours=3))  # the oldest record gives way: still 50
    assert len(terminal.punches) == 50
    again = pull_device(session=session, device=device, opener=open_pyzk)
    assert not again.skipped and again.ingest.stored == 1
    assert pull_device(session=session, device=device, opener=open_pyzk).skipped


def test_a_log_cleared_and_refilled_to_the_same_count_is_read_again(session, simulator) -> None:
    handle = simulator(users=3, punches=30)
    device = register(session, handle)
    pull_device(session=session, device=device, opener=open_pyzk)
    handle.terminal.clear_log()
    start = datetime(2026, 12, 2, 7, 0)
    for minute in range(30):
        handle.terminal.add_punch("3", start + timedelta(minutes=minute))
    refilled = pull_device(session=session, device=device, opener=open_pyzk)
    assert not refilled.skipped and refilled.ingest.stored == 30
