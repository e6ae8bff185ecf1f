"""Evaluate a month for 2,000 and 10,000 staff (22 workdays, 4 punches a day, some missing and late).

Target (issue 2): 2,000 staff <= 2 s; 10,000 staff <= 10 s and < 1 GB peak memory.
Seeds a scratch SQLite database (or --backend postgresql), then times `evaluate_period` over the
whole unit; peak memory is the process's max RSS, measured in a fresh subprocess per size.
Run: .venv/bin/python bench/evaluate_month.py [--sizes 2000,10000]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._db import scratch_database, table  # noqa: E402

MONTH = (2026, 10)  # October 2026: 22 workdays


def seed(staff_count: int) -> None:
    from sqlalchemy import insert
    from sqlmodel import Session

    from attendance.calendar import month_days, unit_calendar
    from attendance.db import get_engine
    from attendance.ledger import PunchIn, ingest_punches
    from attendance.models import PunchSource, Staff, StaffAssignment
    from attendance.org import ensure_unit_path

    rnd = random.Random(7)
    engine = get_engine()
    with Session(engine) as session:
        root, _ = ensure_unit_path(session=session, path="Sở Nội vụ")
        departments = [ensure_unit_path(session=session, path=f"Sở Nội vụ / Phòng {i + 1}")[0] for i in range(20)]
        session.commit()
        staff_rows = [{"code": f"S{n:05d}", "full_name": f"Cán bộ {n}", "pin": str(n + 1),
                       "unit_id": departments[n % 20].id, "active": True} for n in range(staff_count)]
        session.execute(insert(Staff), staff_rows)
        ids = [row[0] for row in session.execute(Staff.__table__.select().with_only_columns(Staff.__table__.c.id))]
        session.execute(insert(StaffAssignment), [
            {"staff_id": sid, "unit_id": departments[i % 20].id, "valid_from": date(2000, 1, 1)}
            for i, sid in enumerate(sorted(ids))])
        session.commit()
        calendar = unit_calendar(session=session, unit=root, start=date(*MONTH, 1), end=date(*MONTH, 31))
        workdays = [d for d in month_days(*MONTH) if calendar.day(d).workday]
    punches: list[PunchIn] = []
    for n in range(staff_count):
        for day in workdays:
            for start, end in ((7 * 60 + 30, 11 * 60 + 30), (13 * 60 + 30, 17 * 60)):
                arrive = start - rnd.randint(0, 20) + (rnd.randint(6, 45) if rnd.random() < 0.08 else 0)
                leave = end + rnd.randint(0, 15) - (rnd.randint(6, 30) if rnd.random() < 0.04 else 0)
                for minute in (arrive, leave):
                    if rnd.random() < 0.03:
                        continue  # forgotten punch
                    moment = datetime.combine(day, datetime.min.time()) + timedelta(minutes=minute,
                                                                                     seconds=rnd.randint(0, 59))
                    punches.append(PunchIn(PunchSource.TERMINAL_PULL, "BENCH", str(n + 1), moment))
    for offset in range(0, len(punches), 5000):
        with Session(engine) as session:
            ingest_punches(session=session, punches=punches[offset:offset + 5000])
            session.commit()


def measure() -> dict[str, float]:
    from sqlmodel import Session

    from attendance.db import get_engine
    from attendance.evaluation import evaluate_period
    from attendance.org import get_unit_by_path

    with Session(get_engine()) as session:
        unit = get_unit_by_path(session=session, path="Sở Nội vụ")
        started, cpu_started = time.perf_counter(), time.process_time()
        periods = evaluate_period(session=session, start=date(*MONTH, 1), end=date(*MONTH, 31), unit=unit)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    sessions = sum(1 for p in periods for d in p.days for s in d.sessions if s.scheduled)
    late = sum(1 for p in periods for d in p.days for s in d.sessions if s.late_minutes)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"people": len(periods), "sessions": sessions, "late": late, "seconds": elapsed, "cpu": cpu,
            "peak_mb": peak_mb}


def child(size: int, backend: str) -> None:
    with scratch_database(backend):
        seed(size)
        # Seeding allocates far more than evaluating; measure the evaluation in a clean process.
        result = subprocess.run([sys.executable, __file__, "--measure"], capture_output=True, text=True, check=True)
        print(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="2000,10000")
    parser.add_argument("--backend", default="sqlite")
    parser.add_argument("--measure", action="store_true")
    parser.add_argument("--child", type=int)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure()))
        return
    if args.child:
        child(args.child, args.backend)
        return
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        out = subprocess.run([sys.executable, __file__, "--child", str(size), "--backend", args.backend],
                             capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append([args.backend, r["people"], r["sessions"], r["late"], f"{r['seconds']:.2f}", f"{r['cpu']:.2f}",
                     f"{r['peak_mb']:.0f}"])
    table(f"Evaluate {MONTH[0]}-{MONTH[1]:02d} for a whole unit",
          ["backend", "staff", "scheduled sessions", "late sessions", "wall s", "CPU s", "peak RSS MB"], rows)


if __name__ == "__main__":
    main()
