"""The cost of a poll with nothing new: punches skipped, and the finger step before and after issue 15b.

One pull terminal (simulator over TCP) holding PEOPLE users x 2 fingers and 2,000 punches, all kept
by the service. Three ways, each the median of ROUNDS polls once steady:
- no finger step (`--no-sync-templates`, main's default before),
- the old opt-in `--sync-templates`: every poll reads users and templates, syncs users, writes,
- the new default: counters compared, holdings consulted, no template read.

Usage: .venv/bin/python bench/poller_unchanged.py [PEOPLE] [--pg]
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from devices_common import fresh_database, table  # noqa: E402

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
PEOPLE = int(ARGS[0]) if ARGS else 500
ROUNDS = 7


def main() -> None:
    where = fresh_database()
    from sqlmodel import Session

    from attendance.db import get_engine
    from devices.fingerprints import store
    from devices.fingerprints.service import sync_device
    from devices.poller import Poller
    from devices.service import add_device
    from devices.sim_server import start_simulator
    from tests.factories import make_staff, make_unit

    class OldPoller(Poller):
        """The opt-in step as it was: a full read and write at every poll."""

        def _sync_templates(self, session, device, terminal, status):  # type: ignore[no-untyped-def]
            session.commit()
            sync_device(session=session, device=device, terminal=terminal, seal=store.sealer(), actor="bench")
            session.commit()

    rng = random.Random(7)
    names = [(str(1000 + i), f"NV {i}") for i in range(PEOPLE)]
    handle = start_simulator(users=0, punches=2000, names=names)
    term = handle.terminal
    for pin, _ in names:
        for finger in range(2):
            term.enroll_finger(pin, finger, rng.randbytes(600))
    engine = get_engine()
    with Session(engine) as session:
        unit = make_unit(session)
        for pin, name in names:
            person = make_staff(session, unit, code=f"CB{pin}", full_name=name, pin=pin)
            store.record_consent(session=session, staff_id=person.id or 0, actor="bench", method="form")
        serial = add_device(session=session, serial=term.config.serial, host=handle.host, port=handle.port,
                            actor="bench").serial
        session.commit()
    try:
        Poller(engine=engine, serials=[serial]).poll_now()  # first poll: log and fingers read
        Poller(engine=engine, serials=[serial]).poll_now()
        rows = []
        for label, poller in (("no finger step (--no-sync-templates)", Poller(engine=engine, serials=[serial],
                                                                              sync_templates=False)),
                              ("before: --sync-templates, full read each poll", OldPoller(engine=engine,
                                                                                          serials=[serial])),
                              ("after: default, counters + holdings", Poller(engine=engine, serials=[serial]))):
            times = []
            term.stats.template_commands = 0
            for _ in range(ROUNDS):
                t0 = time.perf_counter()
                outcome = poller.poll_now()[0]
                times.append(time.perf_counter() - t0)
                assert outcome.ok and outcome.result is not None and outcome.result.skipped, outcome
            rows.append((label, f"{statistics.median(times) * 1000:.0f} ms median of {ROUNDS}; "
                                f"template commands {term.stats.template_commands / ROUNDS:.0f}/poll"))
        print(f"Unchanged poll, {PEOPLE} users x 2 fingers, 2,000 punches ({where})")
        table(rows)
    finally:
        handle.stop()


if __name__ == "__main__":
    main()
