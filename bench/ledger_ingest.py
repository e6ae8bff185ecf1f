"""Ingest 100,000 punches in batches of 1,000 on SQLite and PostgreSQL, then the same again.

Floors (issue 10): >= 30,000 punches/s on SQLite, >= 25,000/s on PostgreSQL on a quiet machine; the
repeat stores nothing new and is no slower. The terminals are registered to the staff's unit, so PINs
resolve in its organisation's namespace (--unregistered: serials no device has, the service-wide path).
Run: .venv/bin/python bench/ledger_ingest.py [--punches N] [--unregistered]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._db import scratch_database, table  # noqa: E402


def make_punches(count: int, staff: int):
    from attendance.ledger import PunchIn
    from attendance.models import PunchSource

    start = datetime(2026, 10, 1, 7, 0)
    punches = []
    for i in range(count):
        person = i % staff
        moment = start + timedelta(days=i // (staff * 4), minutes=(i // staff) % 4 * 150, seconds=person)
        punches.append(
            PunchIn(PunchSource.TERMINAL_PULL, f"BENCH{person % 10:02d}", str(person + 1), moment, state=0, verify=1)
        )
    return punches


def run(kind: str, count: int, batch: int, registered: bool) -> list[list[object]]:
    from sqlmodel import Session, func, select

    from attendance.db import get_engine
    from attendance.ledger import ingest_punches
    from attendance.models import Punch, Unit
    from attendance.org import ensure_unit_path
    from attendance.staff import create_staff

    rows = []
    with scratch_database(kind):
        engine = get_engine()
        with Session(engine) as session:
            unit, _ = ensure_unit_path(session=session, path="Bench / Office")
            assert isinstance(unit, Unit) and unit.id is not None
            for n in range(1, 501):
                create_staff(
                    session=session, unit_id=unit.id, code=f"B{n}", full_name=f"Người {n}", pin=str(n), actor="bench"
                )
            if registered:
                # As in service: the terminals are registered to the unit, so PINs resolve in its namespace.
                from attendance.models import DeviceKind
                from devices.service import add_device

                for n in range(10):
                    add_device(session=session, serial=f"BENCH{n:02d}", actor="bench", kind=DeviceKind.ZK_PULL,
                               host="10.0.0.1", unit_id=unit.id)
            session.commit()
        punches = make_punches(count, 1000)
        for label in ("first ingest", "same again"):
            stored = 0
            started = time.perf_counter()
            for offset in range(0, count, batch):
                with Session(engine) as session:
                    stored += ingest_punches(session=session, punches=punches[offset : offset + batch]).stored
                    session.commit()
            elapsed = time.perf_counter() - started
            rows.append([kind, label + ("" if registered else " (unregistered serials)"), count, stored,
                         f"{elapsed:.2f}", f"{count / elapsed:,.0f}"])
        with Session(engine) as session:
            total = session.exec(select(func.count()).select_from(Punch)).one()
        rows.append([kind, "rows in ledger", "", total, "", ""])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--punches", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--unregistered", action="store_true", help="serials no device is registered under")
    args = parser.parse_args()
    rows = []
    for kind in args.backends.split(","):
        rows += run(kind, args.punches, args.batch, not args.unregistered)
    table(
        f"Ledger ingest, {args.punches:,} punches in batches of {args.batch:,}",
        ["backend", "pass", "punches", "stored", "seconds", "punches/s"],
        rows,
    )


if __name__ == "__main__":
    main()
