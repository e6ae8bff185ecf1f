"""User and clock sync, and safe log clearing, against the simulator."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import func, select

from attendance.models import AuditEntry, Punch
from attendance.staff import mark_left
from devices.clear import safe_clear_log
from devices.errors import UnsafeClear
from devices.pull import pull_device, terminal_params
from devices.sync import check_clock, set_clock, sync_users
from devices.zk_pull import open_pyzk
from tests.devices.conftest import register
from tests.factories import make_staff, make_unit


@pytest.mark.parametrize("user_format", [28, 72])
def test_sync_users_pushes_staff_removes_leavers_and_lists_unknowns(session, simulator, user_format) -> None:
    unit = make_unit(session)
    an = make_staff(session, unit, full_name="Nguyễn Văn An", pin="501")
    binh = make_staff(session, unit, full_name="Trần Thị Bình", pin="502")
    make_staff(session, unit, full_name="Lê Văn Cường", pin="C7")  # not numeric: 28-byte terminals refuse it
    session.commit()
    handle = simulator(users=0, punches=0, user_format=user_format)
    term = handle.terminal
    term.add_user("502", "old name")
    term.add_user("999", "Someone")
    device = register(session, handle)
    with open_pyzk(terminal_params(device)) as terminal:
        plan = sync_users(session=session, device=device, terminal=terminal, actor="test")
    session.commit()
    assert [u.pin for u in plan.add] == (["501"] if user_format == 28 else ["501", "C7"])
    assert [u.pin for u in plan.update] == ["502"]
    assert [u.pin for u in plan.unknown] == ["999"]
    assert term.user_by_id("501").name == ("Nguyen V" if user_format == 28 else "Nguyen Van An")
    assert term.user_by_id("502").name.startswith("Tran Thi")
    assert term.user_by_id("999") is not None  # unknown users are listed, never removed
    mark_left(session=session, staff=binh, last_day=date.today() - timedelta(days=2), actor="test")
    session.commit()
    with open_pyzk(terminal_params(device)) as terminal:
        second = sync_users(session=session, device=device, terminal=terminal, actor="test")
    assert [u.pin for u in second.remove] == ["502"] and not second.add and not second.update
    assert term.user_by_id("502") is None and term.user_by_id(an.pin) is not None
    assert session.exec(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "device.sync_users")).one() == 2


def test_clock_is_measured_and_set_only_on_request(session, simulator) -> None:
    handle = simulator(users=1, punches=0, drift_seconds=-600)
    device = register(session, handle)
    with open_pyzk(terminal_params(device)) as terminal:
        report = check_clock(session=session, device=device, terminal=terminal)
        assert report.flagged and -602 <= report.offset_seconds <= -598
        assert abs(handle.terminal.now() - report.device_time) < timedelta(seconds=3)
        fixed = set_clock(session=session, device=device, terminal=terminal, actor="test")
    session.commit()
    assert fixed.was_set and not fixed.flagged and abs(fixed.offset_seconds) < 2.5
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "device.set_clock")).one()
    assert entry.before is not None and abs(entry.before["offset_seconds"] - report.offset_seconds) < 1.5


def test_clear_log_is_off_by_default(session, simulator) -> None:
    handle = simulator(users=2, punches=10)
    device = register(session, handle)
    with open_pyzk(terminal_params(device)) as terminal, pytest.raises(UnsafeClear):
        safe_clear_log(session=session, device=device, terminal=terminal, actor="test")
    assert len(handle.terminal.punches) == 10


def test_clear_log_confirms_every_record_first_and_is_audited(session, simulator) -> None:
    handle = simulator(users=3, punches=300)
    device = register(session, handle, clear_log_allowed=True)
    pull_device(session=session, device=device, opener=open_pyzk)
    handle.terminal.add_punch("1")  # not pulled yet: the clear must ingest it first
    with open_pyzk(terminal_params(device)) as terminal:
        report = safe_clear_log(session=session, device=device, terminal=terminal, actor="test")
    assert (report.cleared, report.newly_stored) == (301, 1)
    assert handle.terminal.punches == [] and handle.terminal.enabled
    assert session.exec(select(func.count()).select_from(Punch)).one() == 301
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "device.clear_log")).one()
    assert entry.after["records"] == 301 and entry.actor == "test"
    after = pull_device(session=session, device=device, opener=open_pyzk)
    assert after.record_count == 0 and after.ingest.stored == 0


def test_clear_log_refuses_while_records_cannot_be_read(session, simulator) -> None:
    handle = simulator(users=3, punches=5)
    handle.terminal.add_garbage()
    device = register(session, handle, clear_log_allowed=True)
    with open_pyzk(terminal_params(device)) as terminal, pytest.raises(UnsafeClear, match="hỏng"):
        safe_clear_log(session=session, device=device, terminal=terminal, actor="test")
    assert len(handle.terminal.punches) == 8 and handle.terminal.enabled
