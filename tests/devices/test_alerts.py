"""Terminal health alerts: a stopped terminal's alert opens within its threshold and ends when it is back."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from sqlmodel import select

from attendance.db import get_engine
from attendance.models import DeviceKind
from attendance.timeutil import utcnow
from devices import alerts
from devices.models import AlertKind, DeviceAlert
from devices.poller import Poller
from devices.pull import pull_device
from devices.service import add_device
from devices.zk_pull import open_pyzk
from tests.devices.conftest import register


def open_kinds(session) -> dict[int, set[str]]:
    session.expire_all()
    return {d: {a.kind for a in rows} for d, rows in alerts.open_alerts(session=session).items()}


def test_a_stopped_terminal_is_alerted_within_its_threshold_and_cleared_when_back(session, simulator) -> None:
    handle = simulator(users=3, punches=10)
    device = register(session, handle, poll_interval_seconds=5)
    pull_device(session=session, device=device, opener=open_pyzk)
    contact = device.last_contact_at
    assert contact is not None
    threshold = alerts.silent_after(device)
    assert threshold == timedelta(seconds=15)  # 3 poll intervals
    assert alerts.evaluate(session=session, now=contact + threshold - timedelta(seconds=1)) == 0
    assert alerts.evaluate(session=session, now=contact + threshold + timedelta(seconds=1)) == 1
    session.commit()
    [alert] = alerts.open_alerts(session=session)[device.id or 0]
    assert alert.kind == AlertKind.SILENT and "mất liên lạc từ" in alert.detail
    assert alerts.evaluate(session=session, now=contact + threshold * 2) == 0  # still the same alert
    pull_device(session=session, device=device, opener=open_pyzk, force=True)  # it is back
    assert alerts.evaluate(session=session) == 1
    session.commit()
    ended = session.exec(select(DeviceAlert)).one()
    assert ended.open is None and ended.ended_at is not None


def test_the_poller_loop_opens_the_alert_of_a_terminal_that_stopped(session, simulator) -> None:
    handle = simulator(users=3, punches=10)
    device = register(session, handle, poll_interval_seconds=5)
    device.last_contact_at = utcnow() - timedelta(minutes=5)  # it answered last five minutes ago
    device.next_poll_at = utcnow() + timedelta(hours=1)  # and is not due: only the alert check runs
    session.add(device)
    session.commit()
    stop = threading.Event()
    poller = Poller(engine=get_engine(), tick_seconds=0.1)
    runner = threading.Thread(target=poller.run, kwargs={"stop": stop, "max_seconds": 10})
    runner.start()
    deadline = time.monotonic() + 10
    while AlertKind.SILENT not in open_kinds(session).get(device.id or 0, set()) and time.monotonic() < deadline:
        time.sleep(0.1)
    stop.set()
    runner.join()
    assert AlertKind.SILENT in open_kinds(session)[device.id or 0]


def test_drift_full_log_and_a_changed_push_address_are_alerts_too(session) -> None:
    pull = add_device(session=session, serial="PULL01", actor="t", host="10.0.0.1")
    pull.clock_offset_seconds, pull.record_count, pull.record_capacity = 300.0, 95_000, 100_000
    pull.last_contact_at = utcnow()
    push = add_device(session=session, serial="PUSH01", actor="t", kind=DeviceKind.ZK_PUSH)
    push.push_pinned_address, push.push_pending_address, push.last_contact_at = "10.0.0.5", "10.0.0.9", utcnow()
    session.commit()
    alerts.evaluate(session=session)
    session.commit()
    kinds = open_kinds(session)
    assert kinds[pull.id or 0] == {AlertKind.CLOCK_DRIFT, AlertKind.LOG_FULL}
    assert kinds[push.id or 0] == {AlertKind.ADDRESS_CHANGED}
    push.push_pending_address = None
    session.add(push)
    alerts.evaluate(session=session)
    session.commit()
    assert push.id not in open_kinds(session)
