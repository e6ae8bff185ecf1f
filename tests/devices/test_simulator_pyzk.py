"""Unmodified pyzk against the simulator over real sockets: every operation, TCP and UDP, every format."""

from __future__ import annotations

import struct
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from zk import ZK
from zk.exception import ZKErrorResponse, ZKNetworkError

from devices import zkproto
from devices.errors import DeviceUnreachable
from devices.sim_protocol import SimSession
from devices.sim_server import start_simulator
from devices.simulator import SimTerminal, TerminalConfig, generate
from devices.terminal import TerminalParams
from devices.zk_pull import open_pyzk
from devices.zkproto import Packet

pytestmark = pytest.mark.db_independent

TRANSPORTS = [pytest.param(False, id="tcp"), pytest.param(True, id="udp")]


def client(handle, udp: bool, *, index: int = 0, password: int = 0, timeout: float = 5) -> ZK:
    return ZK(handle.host, handle.ports[index], timeout=timeout, password=password, force_udp=udp, ommit_ping=True)


@pytest.mark.parametrize("udp", TRANSPORTS)
@pytest.mark.parametrize("user_format", [28, 72])
@pytest.mark.parametrize("punch_format", [8, 16, 40])
def test_pyzk_reads_users_and_punches_in_every_format(simulator, udp, user_format, punch_format) -> None:
    handle = simulator(users=30, punches=2500, user_format=user_format, punch_format=punch_format)
    term = handle.terminal
    conn = client(handle, udp).connect()
    try:
        assert conn.get_serialnumber() == term.config.serial
        assert conn.get_firmware_version().startswith("Ver 6.60")
        users = conn.get_users()
        punches = conn.get_attendance()
    finally:
        conn.disconnect()
    assert sorted((u.uid, u.user_id, u.name) for u in users) == sorted(
        (u.uid, u.user_id, u.name) for u in term.users.values())
    expected = [(p.user_id, zkproto.decode_time(p.time), p.status) for p in term.punches]
    assert [(a.user_id, a.timestamp, a.status) for a in punches] == expected
    assert term.stats.buffer_reads >= 2


@pytest.mark.parametrize("udp", TRANSPORTS)
def test_small_data_sets_come_inline(simulator, udp) -> None:
    handle = simulator(users=3, punches=5)
    conn = client(handle, udp).connect()
    try:
        assert len(conn.get_attendance()) == 5
        assert len(conn.get_users()) == 3
    finally:
        conn.disconnect()


@pytest.mark.parametrize("udp", TRANSPORTS)
def test_comm_key(simulator, udp) -> None:
    handle = simulator(users=2, punches=3, comm_key=246810)
    conn = client(handle, udp, password=246810).connect()
    assert len(conn.get_attendance()) == 3
    conn.disconnect()
    with pytest.raises(ZKErrorResponse, match="Unauthenticated"):
        client(handle, udp, password=1).connect()
    with pytest.raises(ZKErrorResponse, match="Unauthenticated"):
        client(handle, udp).connect()


@pytest.mark.parametrize("udp", TRANSPORTS)
@pytest.mark.parametrize("user_format", [28, 72])
def test_set_and_delete_users(simulator, udp, user_format) -> None:
    handle = simulator(users=2, punches=0, user_format=user_format)
    conn = client(handle, udp).connect()
    try:
        conn.user_packet_size = user_format  # pyzk guesses 72 over TCP and 28 over UDP
        conn.set_user(uid=10, name="Tran B", privilege=0, password="", group_id="", user_id="1010", card=555)
        users = {u.user_id: u for u in conn.get_users()}
        assert users["1010"].name == "Tran B" and users["1010"].card == 555 and users["1010"].uid == 10
        conn.delete_user(uid=10)
        assert "1010" not in {u.user_id for u in conn.get_users()}
    finally:
        conn.disconnect()
    assert handle.terminal.user_by_id("1010") is None


@pytest.mark.parametrize("udp", TRANSPORTS)
def test_time_clear_and_enable(simulator, udp) -> None:
    handle = simulator(users=2, punches=10, drift_seconds=-3600)
    term = handle.terminal
    conn = client(handle, udp).connect()
    try:
        local_now = term.now() + timedelta(hours=1)
        assert abs((conn.get_time() - local_now).total_seconds() + 3600) < 3
        target = datetime(2026, 1, 2, 3, 4, 5)
        conn.set_time(target)
        assert abs((conn.get_time() - target).total_seconds()) < 3
        conn.disable_device()
        term.add_punch("1")  # made while disabled: held until enabled
        assert len(term.punches) == 10
        conn.enable_device()
        assert len(term.punches) == 11
        conn.clear_attendance()
        conn.read_sizes()
        assert conn.records == 0 and conn.get_attendance() == []
    finally:
        conn.disconnect()


@pytest.mark.parametrize("udp", TRANSPORTS)
@pytest.mark.parametrize("punch_format", [8, 16, 40])
def test_live_events(simulator, udp, punch_format) -> None:
    handle = simulator(users=5, punches=0, punch_format=punch_format)
    term = handle.terminal
    conn = client(handle, udp).connect()
    received = []

    def punch_later() -> None:
        assert term.wait_for_listener(10)
        term.add_punch("2", status=1)
        term.add_punch("3", status=0)

    threading.Thread(target=punch_later, daemon=True).start()
    deadline = time.monotonic() + 6
    for event in conn.live_capture(new_timeout=1):
        if event is not None:
            received.append((event.user_id, event.status))
        if len(received) == 2 or time.monotonic() > deadline:
            conn.end_live_capture = True
    conn.disconnect()
    assert received == [("2", 1), ("3", 0)]


def test_several_clients_at_once(simulator) -> None:
    handle = simulator(users=10, punches=20_000)
    results: list[int] = []
    errors: list[BaseException] = []

    def read(udp: bool) -> None:
        try:
            conn = client(handle, udp, timeout=10).connect()
            results.append(len(conn.get_attendance()))
            conn.disconnect()
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=read, args=(i % 2 == 1,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors and results == [20_000] * 6
    assert handle.terminal.stats.max_sessions >= 2


def test_fault_drop_in_the_middle_of_a_buffer_read_udp(simulator) -> None:
    handle = simulator(users=5, punches=20_000)
    handle.terminal.faults.drop_reads = 1
    conn = client(handle, True, timeout=1).connect()
    with pytest.raises((ZKNetworkError, ZKErrorResponse, OSError)):
        conn.get_attendance()
    again = client(handle, True).connect()
    assert len(again.get_attendance()) == 20_000
    again.disconnect()


def test_fault_drop_in_the_middle_of_a_buffer_read_tcp(simulator) -> None:
    """Over TCP plain pyzk would spin forever on recv() == b""; the adapter turns that into an error."""
    handle = simulator(users=5, punches=20_000)
    handle.terminal.faults.drop_reads = 1
    params = TerminalParams(host=handle.host, port=handle.port, timeout=2)
    with open_pyzk(params) as terminal, pytest.raises(DeviceUnreachable, match="closed"):
        terminal.read_punches()
    with open_pyzk(params) as terminal:
        assert len(terminal.read_punches()) == 20_000


def test_fault_slow_answers_and_refused_connections(simulator) -> None:
    handle = simulator(users=2, punches=2)
    handle.terminal.faults.delay_seconds = 1.5
    with pytest.raises(ZKNetworkError):
        client(handle, False, timeout=0.5).connect()
    handle.terminal.faults.delay_seconds = 0
    handle.terminal.faults.refuse = True
    for udp in (False, True):
        with pytest.raises(ZKNetworkError):
            client(handle, udp, timeout=0.5).connect()


def test_garbage_dated_records_break_plain_pyzk(simulator) -> None:
    """Why the adapter decodes records itself: one 31 February aborts pyzk's whole read."""
    handle = simulator(users=2, punches=5)
    handle.terminal.add_garbage()
    conn = client(handle, False).connect()
    with pytest.raises(ValueError):
        conn.get_attendance()
    conn.disconnect()


def test_each_reply_frame_is_written_on_its_own() -> None:
    """A chunk read answers PREPARE_DATA, DATA, ACK_OK as three frames (UDP: DATA split by 1024)."""
    term = SimTerminal(TerminalConfig())
    generate(term, users=3, punches=500)
    for udp, expected_data_frames in ((False, 1), (True, 8)):
        session = SimSession(term, udp=udp)
        session.handle(Packet(zkproto.CMD_CONNECT, 0, 0, b""))
        session.handle(Packet(zkproto.CMD_PREPARE_BUFFER, 0, 1, struct.pack("<bhii", 1, 13, 0, 0)))
        reply = session.handle(Packet(zkproto.CMD_READ_BUFFER, 0, 2, struct.pack("<ii", 0, 8000)))
        commands = [Packet.parse(f).command for f in reply.frames]
        assert commands == [1500] + [1501] * expected_data_frames + [2000]
        assert all(len(f) <= 1032 for f in reply.frames) or not udp


def test_named_staff_and_format_limits() -> None:
    term = SimTerminal(TerminalConfig(user_format=72, punch_format=40))
    generate(term, users=0, punches=4, names=[("NV-01", "Nguyễn An"), ("NV-02", "Trần Bình")])
    assert sorted(p.user_id for p in term.punches) == ["NV-01", "NV-01", "NV-02", "NV-02"]
    with pytest.raises(ValueError, match="numeric"):
        SimTerminal(TerminalConfig(user_format=72, punch_format=16)).add_user("NV-01")


@pytest.mark.parametrize("udp", TRANSPORTS)
@pytest.mark.parametrize("event_size", [32, 40, 52])
def test_adapter_survives_live_event_sizes_pyzk_does_not_know(udp, event_size) -> None:
    """pyzk 0.9 spins forever on a 40-byte event; the adapter pads it to a size pyzk parses."""
    term = SimTerminal(TerminalConfig(punch_format=40, event_size=event_size))
    generate(term, users=3, punches=0)
    handle = start_simulator(terminals=[term])
    received: list[tuple[str, int]] = []
    try:
        params = TerminalParams(host=handle.host, port=handle.port, transport="udp" if udp else "tcp", timeout=5)
        with open_pyzk(params) as terminal:
            def punch_soon() -> None:
                assert term.wait_for_listener(10)
                term.add_punch("2", status=1)

            threading.Thread(target=punch_soon, daemon=True).start()
            until = datetime.now(UTC) + timedelta(seconds=2)
            terminal.listen(until=until, on_punch=lambda p: received.append((p.pin, p.status)))
    finally:
        handle.stop()
    assert received == [("2", 1)]
