"""Poller scheduling, backoff, leases and live mode."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlmodel import Session, func, select

from attendance.models import Device, Punch
from attendance.timeutil import utcnow
from devices import lease
from devices.backoff import next_delay
from devices.poller import Poller
from tests.devices.conftest import register


@pytest.mark.db_independent
def test_backoff_doubles_up_to_a_cap() -> None:
    assert next_delay(interval_seconds=60, failures=0) == timedelta(seconds=60)
    delays = [next_delay(interval_seconds=60, failures=n).total_seconds() for n in range(1, 12)]
    assert delays[:4] == [5, 10, 20, 40]
    assert max(delays) == 900 and delays == sorted(delays)


def test_lease_is_exclusive_until_it_expires(session: Session, simulator) -> None:
    device = register(session, simulator(users=1, punches=0))
    assert device.id is not None
    assert lease.acquire(session=session, device_id=device.id, holder="a", seconds=60)
    session.commit()
    assert not lease.acquire(session=session, device_id=device.id, holder="b", seconds=60)
    assert lease.acquire(session=session, device_id=device.id, holder="a", seconds=60)  # ours: renewed
    assert lease.renew(session=session, device_id=device.id, holder="a", seconds=60)
    assert not lease.renew(session=session, device_id=device.id, holder="b", seconds=60)
    session.commit()
    later = utcnow() + timedelta(seconds=120)
    assert lease.acquire(session=session, device_id=device.id, holder="b", seconds=60, now=later)
    session.commit()
    assert lease.holder_of(session=session, device_id=device.id) == "b"
    lease.release(session=session, device_id=device.id, holder="b")
    session.commit()
    assert lease.holder_of(session=session, device_id=device.id) is None


def test_a_device_leased_elsewhere_is_left_alone(session, engine, simulator) -> None:
    handle = simulator(users=2, punches=20)
    device = register(session, handle)
    assert lease.acquire(session=session, device_id=device.id or 0, holder="other-poller", seconds=60)
    session.commit()
    outcome = Poller(engine=engine).poll_now()[0]
    assert outcome.not_ours and handle.terminal.stats.sessions_total == 0


def test_run_loop_polls_due_devices_at_their_interval(session, engine, simulator) -> None:
    handle = simulator(count=3, users=2, punches=40)
    for index in range(3):
        register(session, handle, index, poll_interval_seconds=3600)
    stop = threading.Event()
    Poller(engine=engine, tick_seconds=0.2).run(stop=stop, max_seconds=2.5)
    assert session.exec(select(func.count()).select_from(Punch)).one() == 120
    for device in session.exec(select(Device)):
        assert device.next_poll_at is not None and device.next_poll_at > utcnow() + timedelta(minutes=50)
    assert [t.stats.sessions_total for t in handle.terminals] == [1, 1, 1]


def test_live_mode_stores_punches_as_they_happen(session, engine, simulator) -> None:
    handle = simulator(users=3, punches=5)
    device = register(session, handle, live_mode=True)
    device.poll_interval_seconds = 3  # shorter than add_device allows, to keep the test quick
    session.add(device)
    session.commit()
    term = handle.terminal

    def punch_while_listening() -> None:
        assert term.wait_for_listener(10)
        term.add_punch("1")
        time.sleep(0.2)
        term.add_punch("3")

    threading.Thread(target=punch_while_listening, daemon=True).start()
    outcome = Poller(engine=engine).poll_device(device.id or 0, due_only=False)
    assert outcome.ok and outcome.live_punches == 2
    assert session.exec(select(func.count()).select_from(Punch)).one() == 7
    # The live punches counted as synced: the next pull sees nothing new.
    device.live_mode = False
    session.add(device)
    session.commit()
    again = Poller(engine=engine).poll_device(device.id or 0, due_only=False)
    assert again.result is not None and again.result.skipped
