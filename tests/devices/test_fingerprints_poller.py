"""The poller carries fingers and cards by default, reading template buffers only when counters moved."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from api.main import create_app
from attendance.db import get_engine
from attendance.models import DeviceKind
from attendance.staff import mark_left
from devices.fingerprints.poll import FULL_READ_EVERY
from devices.models import DeviceCommand, DeviceSyncState
from devices.poller import Poller
from devices.pull import terminal_params
from devices.service import add_device
from devices.zk_pull import open_pyzk
from tests.devices.test_fingerprints import AN_0, AN_6, BINH_1, _office, _sync

NEW_FINGER = b"binh-middle-finger" * 40


def _round(devices, **kwargs) -> None:
    """One poll of every terminal, one after the other (A then B): the order the test reasons with."""
    poller = Poller(engine=get_engine(), workers=1, serials=[d.serial for d in devices], **kwargs)
    outcomes = poller.poll_now()
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]


def _template_commands(*terminals) -> int:
    return sum(t.stats.template_commands for t in terminals)


def _reset(*terminals) -> None:
    for t in terminals:
        t.stats.template_commands = 0


def test_the_simulator_counts_its_fingers_as_pyzk_reads_them(session, simulator) -> None:
    people, a, b, devices = _office(session, simulator)
    with open_pyzk(terminal_params(devices[0])) as terminal:
        status = terminal.status()
    assert (status.user_count, status.finger_count) == (3, 4)


def test_an_unchanged_poll_reads_no_template_buffer(session, simulator) -> None:
    people, a, b, devices = _office(session, simulator)
    session.close()
    _round(devices)
    assert _template_commands(a) > 0  # first poll of A: its fingers are read
    _round(devices)
    assert b.fingers_of("501") == {0: AN_0, 6: AN_6} and b.fingers_of("502") == {1: BINH_1}
    _reset(a, b)
    _round(devices)
    _round(devices)
    assert _template_commands(a, b) == 0


def test_a_finger_enrolled_on_a_reaches_b_by_polls_alone(session, simulator) -> None:
    people, a, b, devices = _office(session, simulator)
    session.close()
    _round(devices)
    _round(devices)
    a.enroll_finger("502", 3, NEW_FINGER)
    _round(devices)  # A: its finger count moved, so it is read; B: the holdings say it lacks the finger
    assert b.fingers_of("502") == {1: BINH_1, 3: NEW_FINGER}
    _reset(a, b)
    _round(devices)
    assert _template_commands(a, b) == 0


def test_a_leaver_leaves_every_terminal_by_polls_alone(session, simulator) -> None:
    people, a, b, devices = _office(session, simulator)
    _round(devices)
    _round(devices)
    assert b.fingers_of("501")
    mark_left(session=session, staff=people["501"], last_day=date.today() - timedelta(days=1), actor="test")
    session.commit()
    session.close()
    _round(devices)
    assert a.fingers_of("501") == {} and b.fingers_of("501") == {}


def test_a_card_given_on_a_reaches_b_by_polls_alone(session, simulator) -> None:
    people, a, b, devices = _office(session, simulator)
    session.close()
    _round(devices)
    _round(devices)
    a.delete_user(a.user_by_id("502").uid)  # Binh re-registered with his card: only the card count moved
    a.add_user("502", "Binh", card=4455667)
    a.enroll_finger("502", 1, BINH_1)
    _round(devices)
    _round(devices)
    assert b.user_by_id("502").card == 4455667


def test_a_day_old_read_is_read_again_though_nothing_moved(session, simulator) -> None:
    """A re-enrolment keeps the finger count: the daily read catches it."""
    people, a, b, devices = _office(session, simulator)
    _round(devices)
    _round(devices)
    state = session.get(DeviceSyncState, devices[0].id)
    assert state is not None and state.harvested_at is not None
    state.harvested_at -= FULL_READ_EVERY
    session.add(state)
    session.commit()
    session.close()
    _reset(a, b)
    _round(devices)
    assert a.stats.template_commands > 0 and b.stats.template_commands == 0


def test_no_sync_templates_leaves_fingers_alone(session, simulator) -> None:
    people, a, b, devices = _office(session, simulator)
    session.close()
    _round(devices, sync_templates=False)
    _round(devices, sync_templates=False)
    assert _template_commands(a, b) == 0 and b.fingers_of("501") == {}


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(), raise_server_exceptions=False) as test_client:
        yield test_client


def test_a_card_learnt_from_a_push_terminals_user_line_travels_with_the_user_sync(session, simulator,
                                                                                  client) -> None:
    people, a, b, devices = _office(session, simulator)
    push = add_device(session=session, serial="PUSHCARD01", actor="admin", kind=DeviceKind.ZK_PUSH)
    session.commit()
    _round(devices)
    _round(devices)  # steady: the next poll would sync nothing unless told
    reply = client.post("/iclock/cdata?SN=PUSHCARD01&table=OPERLOG&Stamp=7",
                        content="USER PIN=502\tName=Binh\tPri=0\tPasswd=\tCard=4455667\tGrp=1\tTZ=0000000000000000\n")
    assert reply.status_code == 200 and reply.text.startswith("OK: 1")
    session.refresh(people["502"])
    assert people["502"].card == "4455667"
    session.commit()
    _round(devices)  # the pull terminals' users were marked stale: the poll syncs them
    assert a.user_by_id("502").card == b.user_by_id("502").card == 4455667
    _sync(session, devices + [push])
    queued = [c.command for c in session.exec(select(DeviceCommand).where(DeviceCommand.device_id == push.id))]
    assert any("PIN=502" in c and "Card=4455667" in c for c in queued), queued
