"""50 simulated terminals with 2,000 punches each, polled concurrently by one poller.

Usage: .venv/bin/python bench/devices_poller.py [N] [--pg]   (--pg: a fresh PostgreSQL database on 127.0.0.1)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from devices_common import fresh_database, table  # noqa: E402

TERMINALS = 50
PUNCHES = 2000


def main() -> None:
    url = fresh_database()
    from sqlmodel import Session, func, select

    from attendance.db import get_engine
    from attendance.models import Punch
    from devices.poller import Poller
    from devices.service import add_device
    from devices.sim_server import start_simulator

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    workers = int(args[0]) if args else 16
    handle = start_simulator(count=TERMINALS, users=40, punches=PUNCHES, punch_format=16)
    try:
        engine = get_engine()
        with Session(engine) as session:
            for term, port in zip(handle.terminals, handle.ports, strict=True):
                add_device(session=session, serial=term.config.serial, host=handle.host, port=port, actor="bench",
                           transport="tcp")
            session.commit()
        poller = Poller(engine=engine, workers=workers, timeout=30)
        t0 = time.perf_counter()
        outcomes = poller.poll_now()
        elapsed = time.perf_counter() - t0
        t1 = time.perf_counter()
        poller.poll_now()
        again = time.perf_counter() - t1
        with Session(engine) as session:
            stored = session.exec(select(func.count()).select_from(Punch)).one()
    finally:
        handle.stop()
    ok = sum(1 for o in outcomes if o.ok)
    table([
        ("database", url),
        ("terminals x punches", f"{TERMINALS} x {PUNCHES:,} = {TERMINALS * PUNCHES:,}"),
        ("poller worker threads", str(workers)),
        ("terminals polled OK", f"{ok}/{TERMINALS}"),
        ("total time (pull + ingest, all terminals)", f"{elapsed:.2f} s"),
        ("punches/s", f"{stored / elapsed:,.0f}"),
        ("second round, nothing new", f"{again:.2f} s"),
        ("rows in the ledger", f"{stored:,}"),
    ])


if __name__ == "__main__":
    main()
