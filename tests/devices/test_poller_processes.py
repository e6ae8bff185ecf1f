"""Poller processes: two sharing ten terminals, and one killed with SIGKILL mid-ingest."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import Session, func, select
from zk import ZK

from attendance.models import Punch
from devices import zkproto
from tests.devices.conftest import register

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def poller_process(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "api.cli.main", "devices", "poll", *args], cwd=ROOT,
                            env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def count(session: Session, serial: str | None = None) -> int:
    query = select(func.count()).select_from(Punch)
    if serial:
        query = query.where(Punch.device_serial == serial)
    session.expire_all()
    return session.exec(query).one()


def test_two_pollers_share_ten_terminals_and_store_each_punch_once(session, simulator) -> None:
    handle = simulator(count=10, users=5, punches=300)
    for index in range(10):
        register(session, handle, index, poll_interval_seconds=5)
    procs = [poller_process("--loop", "--max-seconds", "7", "--workers", "4") for _ in range(2)]
    outputs = [p.communicate(timeout=90)[0].decode(errors="replace") for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    assert count(session) == 3000
    for term in handle.terminals:
        assert count(session, term.config.serial) == 300
        assert term.stats.sessions_total >= 1
        assert term.stats.max_sessions == 1, f"{term.config.serial} was polled by two pollers at once"
    pairs = {(p.device_serial, p.pin, p.device_time) for p in session.exec(select(Punch))}
    assert len(pairs) == 3000


def test_poller_killed_mid_ingest_loses_and_duplicates_nothing(session, simulator) -> None:
    handle = simulator(users=20, punches=8000)
    device = register(session, handle)
    expected = {(p.user_id, zkproto.decode_time(p.time)) for p in handle.terminal.punches}
    victim = poller_process("--loop", "--batch-size", "200", "--lease-seconds", "2", "--workers", "1")
    deadline = time.monotonic() + 60
    while count(session) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    victim.send_signal(signal.SIGKILL)
    victim.wait(10)
    partial = count(session)
    assert 0 < partial < 8000, f"the kill came too late to prove anything ({partial} stored)"
    time.sleep(2.5)  # the dead poller's lease expires
    survivor = poller_process("--lease-seconds", "2", "--batch-size", "2000")
    output = survivor.communicate(timeout=120)[0].decode(errors="replace")
    assert survivor.returncode == 0, output
    rows = session.exec(select(Punch.pin, Punch.device_time).where(Punch.device_serial == device.serial)).all()
    assert len(rows) == 8000
    assert {(pin, t) for pin, t in rows} == expected


@pytest.mark.db_independent
def test_simulate_command_serves_until_interrupted() -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    proc = subprocess.Popen([sys.executable, "-m", "api.cli.main", "devices", "simulate", "--port", str(port),
                             "--users", "3", "--punches", "7", "--count", "2", "--punch-format", "40"],
                            cwd=ROOT, env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline().decode() for _ in range(2)]
        assert all("Máy giả lập" in line for line in lines), lines
        for offset, udp in ((0, False), (1, True)):
            conn = ZK("127.0.0.1", port + offset, timeout=5, force_udp=udp, ommit_ping=True).connect()
            assert len(conn.get_attendance()) == 7
            conn.disconnect()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)
