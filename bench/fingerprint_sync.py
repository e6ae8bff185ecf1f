"""Fingerprint template sync: 500 people x 2 fingers from one terminal to 10 others, pull and push.

Pull: simulators over TCP (pyzk), the service reads the enrolling terminal once and writes the
others many users per save buffer. Push: the same templates queued as DATA UPDATE FINGERTMP
commands for 10 push terminals, fetched and confirmed by simulator push agents (in-process HTTP).

Usage: .venv/bin/python bench/fingerprint_sync.py [PEOPLE [TERMINALS]] [--pg]
"""

from __future__ import annotations

import os
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from devices_common import fresh_database  # noqa: E402

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
PEOPLE = int(ARGS[0]) if ARGS else 500
TERMINALS = int(ARGS[1]) if len(ARGS) > 1 else 10
FINGERS = 2
TEMPLATE_BYTES = 600  # a typical ZKFinger v10 template is 500-1,600 bytes


def main() -> None:
    where = fresh_database()
    from fastapi.testclient import TestClient
    from sqlmodel import Session

    from api.main import create_app
    from attendance.db import get_engine
    from attendance.models import DeviceKind
    from devices.fingerprints import store
    from devices.fingerprints.service import leases, open_pull, sync_templates
    from devices.service import add_device
    from devices.sim_push import PushAgent
    from devices.sim_server import start_simulator
    from devices.simulator import SimTerminal, TerminalConfig
    from tests.factories import make_staff, make_unit

    rng = random.Random(7)
    names = [(str(1000 + i), f"NV {i}") for i in range(PEOPLE)]
    handle = start_simulator(count=TERMINALS + 1, users=0, punches=0, names=names)
    source = handle.terminals[0]
    for term in handle.terminals:  # no cards: the figure is the templates' (cards would travel too)
        term.users = {uid: replace(user, card=0) for uid, user in term.users.items()}
    for pin, _ in names:
        for finger in range(FINGERS):
            source.enroll_finger(pin, finger, rng.randbytes(TEMPLATE_BYTES))
    engine = get_engine()
    with Session(engine) as session:
        unit = make_unit(session)
        for pin, name in names:
            person = make_staff(session, unit, code=f"CB{pin}", full_name=name, pin=pin)
            store.record_consent(session=session, staff_id=person.id or 0, actor="bench", method="form")
        pull = [add_device(session=session, serial=t.config.serial, host=handle.host, port=handle.ports[i],
                           actor="bench") for i, t in enumerate(handle.terminals)]
        session.commit()
        rows = []
        start = time.perf_counter()
        with leases(engine, pull, "bench"):
            reports = sync_templates(session=session, devices=pull, open_terminal=open_pull, actor="bench")
            session.commit()
        elapsed = time.perf_counter() - start
        written = sum(len(r.written) for r in reports)
        assert not [r.error for r in reports if r.error], reports
        assert all(t.fingers_of("1000") == source.fingers_of("1000") for t in handle.terminals)
        rows.append(("pull", TERMINALS, written, f"{elapsed:.1f}", f"{written / elapsed:.0f}"))

        push = [add_device(session=session, serial=f"PUSHFP{i:04d}", actor="bench", kind=DeviceKind.ZK_PUSH)
                for i in range(TERMINALS)]
        session.commit()
        with TestClient(create_app()) as client:
            agents = [PushAgent(SimTerminal(TerminalConfig(serial=d.serial)), client) for d in push]
            start = time.perf_counter()
            reports = sync_templates(session=session, devices=push, open_terminal=open_pull, actor="bench")
            session.commit()
            queued_at = time.perf_counter() - start
            for agent in agents:
                while agent.poll_commands():
                    pass
            elapsed = time.perf_counter() - start
        written = sum(len(r.written) for r in reports)
        assert all(a.terminal.fingers_of("1000") == source.fingers_of("1000") for a in agents)
        rows.append(("push", TERMINALS, written, f"{elapsed:.1f} (queued in {queued_at:.1f})",
                     f"{written / elapsed:.0f}"))
    handle.stop()
    print(f"{PEOPLE} people x {FINGERS} fingers of {TEMPLATE_BYTES} bytes, database {where}")
    print(f"{'mode':<6} {'terminals':>9} {'templates written':>18} {'seconds':>26} {'templates/s':>12}")
    for mode, terminals, written, seconds, rate in rows:
        print(f"{mode:<6} {terminals:>9} {written:>18} {seconds:>26} {rate:>12}")
    print(f"load: {os.getloadavg()[0]:.2f} (1 min)")


if __name__ == "__main__":
    main()
