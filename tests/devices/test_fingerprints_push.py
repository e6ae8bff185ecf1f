"""Push terminals: enrolments they upload are kept, fingers reach them as DATA UPDATE commands they confirm."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from api.main import create_app
from attendance.models import DeviceKind
from attendance.staff import mark_left
from devices.fingerprints.models import TerminalFingerprint
from devices.models import CommandStatus, DeviceCommand
from devices.service import add_device
from devices.sim_push import PushAgent
from devices.simulator import SimTerminal, TerminalConfig
from tests.devices.test_fingerprints import AN_0, AN_6, BINH_1, _office, _sync

PUSH_SN = "PUSHFP0001"


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(), raise_server_exceptions=False) as test_client:
        yield test_client


def _run_all(agent: PushAgent) -> int:
    total = 0
    while ran := agent.poll_commands():
        total += ran
    return total


@pytest.mark.parametrize("biodata", [False, True])
def test_push_terminal_gets_fingers_by_command_confirms_them_and_uploads_its_own(session, simulator, client,
                                                                                 biodata) -> None:
    people, a, b, devices = _office(session, simulator)
    push = add_device(session=session, serial=PUSH_SN, actor="admin", kind=DeviceKind.ZK_PUSH)
    session.commit()
    agent = PushAgent(SimTerminal(TerminalConfig(serial=PUSH_SN)), client, biodata=biodata)
    assert "GET OPTION FROM" in agent.handshake()
    if biodata:  # the terminal tells its format with its first upload
        agent.terminal.add_user("999", "Visitor")
        agent.terminal.enroll_finger("999", 0, b"visitor")
        assert agent.upload_enrolments().startswith("OK: 1")
    reports = _sync(session, devices + [push])
    assert sorted(reports[2].written) == ["501/0", "501/6", "502/1"] and reports[2].push
    queued = session.exec(select(DeviceCommand).where(DeviceCommand.device_id == push.id)).all()
    word = "BIODATA" if biodata else "FINGERTMP"
    assert sum(f"DATA UPDATE {word}" in c.command for c in queued) == 3
    assert _run_all(agent) == len(queued)
    assert agent.terminal.fingers_of("501") == {0: AN_0, 6: AN_6} and agent.terminal.fingers_of("502") == {1: BINH_1}
    session.expire_all()
    assert {c.status for c in session.exec(select(DeviceCommand))} == {CommandStatus.DONE}
    held = session.exec(select(TerminalFingerprint).where(TerminalFingerprint.device_id == push.id)).all()
    assert len(held) == 3 and all(h.confirmed and h.command_id is None for h in held)
    assert not _sync(session, devices + [push])[2].written  # confirmed: nothing sent twice
    agent.terminal.add_punch("502", punch=1)
    assert agent.upload_punches().startswith("OK: 1")

    # Binh enrolls a finger at the push terminal: it reaches the pull terminals.
    agent.terminal.enroll_finger("502", 3, b"binh-middle" * 50)
    assert agent.upload_enrolments().startswith("OK: 1")
    session.commit()
    _sync(session, devices + [push])
    assert a.fingers_of("502")[3] == b.fingers_of("502")[3] == b"binh-middle" * 50

    # An leaves: the push terminal is told to delete his fingers, and does.
    mark_left(session=session, staff=people["501"], last_day=date.today() - timedelta(days=1), actor="test")
    session.commit()
    report = _sync(session, devices + [push])[2]
    assert sorted(report.removed) == ["501/0", "501/6"]
    _run_all(agent)
    assert agent.terminal.fingers_of("501") == {}
    session.expire_all()
    assert not session.exec(select(TerminalFingerprint).where(TerminalFingerprint.device_id == push.id,
                                                              TerminalFingerprint.staff_id == people["501"].id)).all()


def test_a_failed_command_is_sent_again_at_the_next_sync(session, simulator, client) -> None:
    people, a, b, devices = _office(session, simulator)
    push = add_device(session=session, serial=PUSH_SN, actor="admin", kind=DeviceKind.ZK_PUSH)
    session.commit()
    _sync(session, devices + [push])
    sent = client.get(f"/iclock/getrequest?SN={PUSH_SN}").text
    ids = [line.split(":")[1] for line in sent.splitlines() if "FINGERTMP" in line]
    body = "\n".join(f"ID={i}&Return=-1&CMD=DATA" for i in ids) + "\n"
    client.post(f"/iclock/devicecmd?SN={PUSH_SN}", content=body)
    session.expire_all()
    assert len(_sync(session, devices + [push])[2].written) == 3


def test_the_push_simulator_runs_like_a_terminal(session, simulator, client) -> None:
    import threading
    import time

    people, a, b, devices = _office(session, simulator)
    push = add_device(session=session, serial=PUSH_SN, actor="admin", kind=DeviceKind.ZK_PUSH)
    session.commit()
    _sync(session, devices + [push])
    agent = PushAgent(SimTerminal(TerminalConfig(serial=PUSH_SN)), client)
    agent.terminal.add_user("501", "An")
    agent.terminal.add_punch("501", punch=15)
    stop = threading.Event()
    runner = threading.Thread(target=agent.run, kwargs={"every": 0.05, "stop": stop})
    runner.start()
    try:
        deadline = time.monotonic() + 20
        while agent.terminal.fingers_of("502") != {1: BINH_1} and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        runner.join(timeout=10)
    assert agent.terminal.fingers_of("502") == {1: BINH_1} and agent.terminal.fingers_of("501") == {0: AN_0, 6: AN_6}
    session.expire_all()
    from attendance.models import Punch
    assert session.exec(select(Punch.verify).where(Punch.device_serial == PUSH_SN)).all() == [15]
