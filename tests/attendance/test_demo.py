"""The demo: a realistic office is seeded, and its simulated door terminal feeds the ledger via pyzk."""

from __future__ import annotations

import time
from datetime import date

import pytest
from sqlmodel import Session, func, select

from api.cli.demo_terminal import start_demo_terminal
from attendance.demo import COMMUNE, DEMO_DEVICE, seed_demo
from attendance.models import Punch, Request, Staff, Unit
from attendance.org import get_unit_by_path
from attendance.queries import day_board


def test_seed_is_realistic_and_idempotent(session) -> None:
    summary = seed_demo(session=session, today=date(2026, 11, 25))
    session.commit()
    assert summary.staff == 40 and summary.units == 5
    assert 2500 < summary.punches < 4000
    assert session.exec(select(func.count()).select_from(Request)).one() == 3
    again = seed_demo(session=session, today=date(2026, 11, 25))
    assert again.punches == 0 and session.exec(select(func.count()).select_from(Staff)).one() == 40
    unit = get_unit_by_path(session=session, path=COMMUNE)
    rows = day_board(session=session, unit=unit, day=date(2026, 11, 20))
    statuses = {r.day.morning.status.value for r in rows} | {r.day.afternoon.status.value for r in rows}
    assert "present" in statuses and len(rows) == 40
    late = [r for r in rows if r.day.morning.late_minutes or r.day.afternoon.late_minutes]
    assert 0 < len(late) < 20
    assert all(" " in r.full_name for r in rows)
    assert session.exec(select(Unit).where(Unit.path == COMMUNE)).one().budget_code


@pytest.mark.slow
def test_door_terminal_punch_reaches_the_ledger_through_the_poller(session, engine) -> None:
    seed_demo(session=session, today=date(2026, 11, 25), days=3)
    session.commit()
    seeded = session.exec(select(func.max(Punch.id))).one()
    terminal = start_demo_terminal(door_interval=3600)
    try:
        door = terminal.simulator.terminals[0]
        pin = session.exec(select(Staff.pin).where(Staff.code == "TP007")).one()
        door.add_punch(pin)
        deadline = time.monotonic() + 40
        live: list[Punch] = []
        while time.monotonic() < deadline and not live:
            time.sleep(0.5)
            with Session(engine) as fresh:
                live = list(fresh.exec(select(Punch).where(Punch.device_serial == DEMO_DEVICE, Punch.pin == pin,
                                                           Punch.id > seeded)))
        assert len(live) == 1, "the punch made at the simulated door never reached the ledger"
    finally:
        terminal.close()
