"""A terminal holding 100,000 punches (16-byte format): full TCP pull + ingest, then a re-poll with nothing new.

Usage: .venv/bin/python bench/devices_pull.py [N] [--pg]   (--pg: a fresh PostgreSQL database on 127.0.0.1)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from devices_common import fresh_database, table  # noqa: E402

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
PUNCHES = int(ARGS[0]) if ARGS else 100_000


def main() -> None:
    url = fresh_database()
    from sqlmodel import Session, func, select

    from attendance.db import get_engine
    from attendance.models import Punch
    from devices.pull import pull_device
    from devices.service import add_device
    from devices.sim_server import start_simulator
    from devices.zk_pull import open_pyzk

    handle = start_simulator(users=200, punches=PUNCHES, punch_format=16)
    try:
        with Session(get_engine(), expire_on_commit=False) as session:
            device = add_device(session=session, serial=handle.terminal.config.serial, host=handle.host,
                                port=handle.port, actor="bench")
            session.commit()
            t0 = time.perf_counter()
            full = pull_device(session=session, device=device, opener=open_pyzk, timeout=30)
            t_full = time.perf_counter() - t0
            t1 = time.perf_counter()
            again = pull_device(session=session, device=device, opener=open_pyzk)
            t_again = time.perf_counter() - t1
            stored = session.exec(select(func.count()).select_from(Punch)).one()
    finally:
        handle.stop()
    table([
        ("database", url),
        ("punches on the terminal (16-byte records)", f"{PUNCHES:,}"),
        ("full pull over TCP + ingest", f"{t_full:.2f} s  (target <= 10 s)"),
        ("  stored / duplicates", f"{full.ingest.stored:,} / {full.ingest.duplicates:,}"),
        ("  punches/s", f"{PUNCHES / t_full:,.0f}"),
        ("re-poll, nothing new (skipped download)", f"{t_again * 1000:.0f} ms  (target <= 200 ms)  skipped={again.skipped}"),
        ("rows in the ledger", f"{stored:,}"),
    ])


if __name__ == "__main__":
    main()
