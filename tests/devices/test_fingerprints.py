"""Fingerprint templates travel between terminals (pyzk against simulators), sealed in the database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from attendance.db import get_engine
from attendance.models import AuditEntry
from attendance.sealing import SealBroken, Sealer
from attendance.staff import mark_left
from devices.fingerprints import store
from devices.fingerprints.models import FingerprintTemplate
from devices.fingerprints.service import leases, open_pull, sync_templates
from tests.devices.conftest import register
from tests.factories import make_staff, make_unit

AN_0 = bytes(range(256)) * 2 + b"an-thumb"
AN_6 = b"\x00\x01an-ring\xff" * 60
BINH_1 = b"binh-index" * 70
CUONG_0 = b"cuong-no-consent" * 30


def _office(session, simulator, user_format=72):
    unit = make_unit(session)
    people = {pin: make_staff(session, unit, full_name=name, pin=pin)
              for pin, name in (("501", "Nguyễn Văn An"), ("502", "Trần Thị Bình"), ("503", "Lê Văn Cường"))}
    session.commit()
    for pin in ("501", "502"):
        store.record_consent(session=session, staff_id=people[pin].id, actor="test", method="signed form")
    session.commit()
    handle = simulator(count=2, users=0, punches=0, user_format=user_format)
    a, b = handle.terminals
    for pin, name in (("501", "An"), ("502", "Binh"), ("503", "Cuong")):
        a.add_user(pin, name)
    a.enroll_finger("501", 0, AN_0)
    a.enroll_finger("501", 6, AN_6, valid=3)
    a.enroll_finger("502", 1, BINH_1)
    a.enroll_finger("503", 0, CUONG_0)
    devices = [register(session, handle, 0), register(session, handle, 1)]
    return people, a, b, devices


def _sync(session, devices, **kwargs):
    with leases(get_engine(), devices, "test"):
        reports = sync_templates(session=session, devices=devices, open_terminal=open_pull, actor="test", **kwargs)
        session.commit()  # before the leases are released: SQLite has one writer
    assert not [r.error for r in reports if r.error]
    return reports


@pytest.mark.parametrize("user_format", [28, 72])
def test_fingers_enrolled_on_one_terminal_reach_the_other_byte_for_byte(session, simulator, user_format) -> None:
    people, a, b, devices = _office(session, simulator, user_format)
    reports = _sync(session, devices)
    assert b.fingers_of("501") == {0: AN_0, 6: AN_6}
    assert b.fingers_of("502") == {1: BINH_1}
    assert b.fingers_of("503") == {} and b.user_by_id("503") is not None  # a user, but no fingers: no consent
    assert reports[0].no_consent == ["503"] and sorted(reports[0].kept) == ["501/0", "501/6", "502/1"]
    assert sorted(reports[1].written) == ["501/0", "501/6", "502/1"]
    assert "vân tay" in reports[1].sentence()
    # A second run has nothing to do.
    again = _sync(session, devices)
    assert not again[0].kept and not again[1].written and not again[0].written


def test_re_enrolment_on_one_terminal_replaces_the_finger_everywhere(session, simulator) -> None:
    people, a, b, devices = _office(session, simulator)
    _sync(session, devices)
    b.enroll_finger("501", 0, b"an-thumb-again" * 40)
    reports = _sync(session, devices)
    assert reports[1].kept == ["501/0"] and reports[0].written == ["501/0"]
    assert a.fingers_of("501")[0] == b"an-thumb-again" * 40 == b.fingers_of("501")[0]
    row = session.exec(select(FingerprintTemplate).where(FingerprintTemplate.staff_id == people["501"].id,
                                                         FingerprintTemplate.finger == 0)).one()
    assert row.version == 2


def test_a_leaver_or_a_withdrawn_consent_leaves_no_finger_anywhere(session, simulator) -> None:
    people, a, b, devices = _office(session, simulator)
    _sync(session, devices)
    mark_left(session=session, staff=people["501"], last_day=date.today() - timedelta(days=1), actor="test")
    store.withdraw_consent(session=session, staff_id=people["502"].id, actor="test")
    session.commit()
    _sync(session, devices)
    for term in (a, b):
        assert term.fingers_of("501") == {} and term.fingers_of("502") == {}
    assert not session.exec(select(FingerprintTemplate)).all()
    actions = {e.action for e in session.exec(select(AuditEntry))}
    assert {"fingerprints.consent", "fingerprints.read", "fingerprints.write", "fingerprints.erase"} <= actions


def test_templates_in_the_database_cannot_be_read_without_the_key(session, simulator) -> None:
    people, a, b, devices = _office(session, simulator)
    _sync(session, devices)
    rows = session.exec(select(FingerprintTemplate)).all()
    assert len(rows) == 3
    for row in rows:
        assert AN_0[:16] not in row.template and BINH_1[:16] not in row.template and AN_6[:12] not in row.template
        with pytest.raises(SealBroken):
            Sealer("another service's secret", purpose=store.PURPOSE).open(
                row.template, context=store.context(row.staff_id, row.finger))
        with pytest.raises(SealBroken):  # moved onto another person, it does not open either
            store.sealer().open(row.template, context=store.context(row.staff_id + 1, row.finger))
    an0 = next(r for r in rows if r.staff_id == people["501"].id and r.finger == 0)
    assert store.open_template(an0, store.sealer()) == AN_0


def test_dry_run_changes_nothing(session, simulator) -> None:
    people, a, b, devices = _office(session, simulator)
    reports = _sync(session, devices, dry_run=True)
    assert sorted(reports[0].kept) == ["501/0", "501/6", "502/1"]
    assert sorted(reports[1].written) == ["501/0", "501/6", "502/1"] and not reports[0].written
    assert b.fingers_of("501") == {} and not session.exec(select(FingerprintTemplate)).all()


def test_sync_templates_command(session, simulator) -> None:
    from typer.testing import CliRunner

    from api.cli.main import app

    people, a, b, devices = _office(session, simulator)
    session.close()
    runner = CliRunner()
    dry = runner.invoke(app, ["devices", "sync-templates", "--dry-run"], catch_exceptions=False)
    assert dry.exit_code == 0 and "chạy thử" in dry.output and b.fingers_of("501") == {}
    done = runner.invoke(app, ["devices", "sync-templates", devices[0].serial, devices[1].serial],
                         catch_exceptions=False)
    assert done.exit_code == 0, done.output
    assert f"Máy {devices[1].serial}: đọc 0 mẫu vân tay, lưu mới 0, đã ghi 3" in done.output
    assert b.fingers_of("501") == {0: AN_0, 6: AN_6}


def test_secret_rotation_re_seals_fingerprints(session, simulator) -> None:
    from api.auth.rotation import rotate_secret
    from config import get_settings

    people, a, b, devices = _office(session, simulator)
    _sync(session, devices)
    old = get_settings().secret_key
    new = "a brand new service secret of forty characters"
    rotate_secret(session=session, old_key=old, new_key=new, actor="test")
    session.commit()
    for row in session.exec(select(FingerprintTemplate)).all():
        with pytest.raises(SealBroken):
            store.open_template(row, store.sealer(secret_key=old))
        assert store.open_template(row, store.sealer(secret_key=new))


def test_the_poller_carries_fingers_from_terminal_to_terminal(session, simulator) -> None:
    from devices.poller import Poller

    people, a, b, devices = _office(session, simulator)
    session.close()
    poller = Poller(engine=get_engine(), sync_templates=True, serials=[devices[0].serial])
    assert all(o.ok for o in poller.poll_now(force=True))
    assert b.fingers_of("501") == {}  # B not polled yet
    poller = Poller(engine=get_engine(), sync_templates=True, serials=[devices[1].serial])
    assert all(o.ok for o in poller.poll_now(force=True))
    assert b.fingers_of("501") == {0: AN_0, 6: AN_6} and b.fingers_of("502") == {1: BINH_1}


def test_a_card_enrolled_on_one_terminal_travels_to_the_others(session, simulator) -> None:
    people, a, b, devices = _office(session, simulator)
    a.add_user("502", "Binh", card=4455667)
    _sync(session, devices)
    session.refresh(people["502"])
    assert people["502"].card == "4455667"
    assert b.user_by_id("502").card == 4455667
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "staff.card_from_terminal")).one()
    assert entry.entity_id == str(people["502"].id)
