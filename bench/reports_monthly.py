"""Monthly reports for 2,000 staff: discipline XLSX/PDF and all departments' timesheets.

Run by hand: `.venv/bin/python bench/reports_monthly.py [--db PATH] [--staff 2000]`. The first run
seeds a SQLite database (20 departments, one month of punches through `ingest_punches`, some
leave); later runs with the same --db reuse it. Prints one table of timings.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MONTH = (2026, 3)
DEPARTMENTS = 20
ROOT = "UBND tỉnh Thái Nguyên"
NOW = datetime(2026, 4, 2, 3, 0, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "attendance-bench-reports.sqlite3")
    parser.add_argument("--staff", type=int, default=2000)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"sqlite:///{args.db.resolve()}"
    os.environ.setdefault("ATTENDANCE_DATA_DIR", str(args.db.parent))

    from attendance.db import session_scope
    from attendance.migrate import upgrade

    fresh = not args.db.exists()
    upgrade()
    if fresh:
        started = time.perf_counter()
        punches = seed(args.staff)
        print(f"seeded {args.staff} staff, {punches:,} punches in {time.perf_counter() - started:.1f} s")
    rows = []
    with session_scope() as session:
        rows += measure(session)
    print(f"\nload average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall time suffers when it is high)")
    print(f"{'what':<58} {'wall s':>7} {'CPU s':>7} {'bytes':>11}")
    for what, seconds, cpu, size in rows:
        print(f"{what:<58} {seconds:>7.2f} {cpu:>7.2f} {size:>11,}")


def seed(count: int) -> int:
    """Staff in 20 departments, a month of punches (some late, early, forgotten, absent), some leave."""
    from attendance.calendar import month_days
    from attendance.db import session_scope
    from attendance.ledger import PunchIn, ingest_punches
    from attendance.models import PunchSource, Request, Staff, StaffAssignment
    from attendance.org import ensure_unit_path

    rng = random.Random(7)
    stored = 0
    with session_scope() as session:
        units = [ensure_unit_path(session=session, path=f"{ROOT} / Phòng số {i + 1:02d} – Đảm bảo chất lượng")[0]
                 for i in range(DEPARTMENTS)]
        people = [Staff(code=f"CB{i:05d}", full_name=_name(rng), pin=str(100000 + i),
                        unit_id=units[i % DEPARTMENTS].id, start_date=date(2015, 1, 1)) for i in range(count)]
        session.add_all(people)
        session.flush()
        session.add_all([StaffAssignment(staff_id=p.id, unit_id=p.unit_id, valid_from=date(2015, 1, 1))
                         for p in people])
        leave = rng.sample(people, count // 20)
        session.add_all([Request(staff_id=p.id, type="leave", kind=rng.choice(["annual_leave", "sick", "training"]),
                                 start_date=date(2026, 3, 16), end_date=date(2026, 3, 17), status="approved",
                                 created_by="bench", created_at=NOW, decided_by="bench", decided_at=NOW)
                         for p in leave])
        workdays = [d for d in month_days(*MONTH) if d.weekday() < 5]
        batch: list[PunchIn] = []
        for person in people:
            for day in workdays:
                batch += [PunchIn(source=PunchSource.TERMINAL_PULL, device_serial=f"ZK{person.unit_id:03d}",
                                  pin=person.pin or "", device_time=moment) for moment in _day(rng, day)]
            if len(batch) >= 20000:
                stored += ingest_punches(session=session, punches=batch).stored
                batch = []
        stored += ingest_punches(session=session, punches=batch).stored
    return stored


def measure(session) -> list[tuple[str, float, float, int]]:  # type: ignore[no-untyped-def]
    from attendance.org import get_unit_by_path
    from attendance.reports.closing import close_month, reopen_month
    from attendance.reports.export import render, report_data

    month = f"{MONTH[0]}-{MONTH[1]:02d}"
    rows: list[tuple[str, float, float, int]] = []

    def timed(what: str, kind: str, fmt: str | None) -> None:
        started, cpu = time.perf_counter(), time.process_time()
        data = report_data(session=session, kind=kind, unit_path=ROOT, month=month, now=NOW)
        content = render(data, fmt) if fmt else b""
        rows.append((what, time.perf_counter() - started, time.process_time() - cpu, len(content)))

    # Warm the imports (reportlab, matplotlib, openpyxl) so the first row is not charged for them.
    from attendance.reports.writers import pdf_discipline, pdf_timesheet, xlsx_discipline, xlsx_timesheet  # noqa
    timed("discipline: figures only (evaluate 2,000 x 31 days)", "discipline", None)
    timed("discipline XLSX (figures + file)", "discipline", "xlsx")
    timed("discipline PDF (figures + charts + file)", "discipline", "pdf")
    timed("discipline CSV", "discipline", "csv")
    timed(f"timesheets XLSX, all {DEPARTMENTS} departments", "timesheet", "xlsx")
    timed(f"timesheets PDF, all {DEPARTMENTS} departments", "timesheet", "pdf")
    unit = get_unit_by_path(session=session, path=ROOT)
    started, cpu = time.perf_counter(), time.process_time()
    close_month(session=session, unit=unit, year=MONTH[0], month=MONTH[1], actor="bench", now=NOW)
    session.flush()
    rows.append(("close the month (both reports computed and stored)", time.perf_counter() - started,
                 time.process_time() - cpu, 0))
    timed("closed month: discipline XLSX from frozen figures", "discipline", "xlsx")
    timed("closed month: timesheets PDF from frozen figures", "timesheet", "pdf")
    reopen_month(session=session, unit=unit, year=MONTH[0], month=MONTH[1], actor="bench", reason="bench")
    session.rollback()
    return rows


def _day(rng: random.Random, day: date) -> list[datetime]:
    roll = rng.random()
    if roll < 0.01:
        return []  # absent
    # Arrive a little early, leave a little late: faults come only from the rolls below.
    times = [dtime(7, 20), dtime(11, 33), dtime(13, 22), dtime(17, 4)]
    moments = [datetime.combine(day, t) + timedelta(seconds=rng.randint(-400, 180) if i % 2 == 0
                                                    else rng.randint(0, 600)) for i, t in enumerate(times)]
    if roll < 0.04:
        moments[0] += timedelta(minutes=rng.randint(10, 40))  # late
    elif roll < 0.06:
        moments[3] -= timedelta(minutes=rng.randint(15, 60))  # early
    elif roll < 0.08:
        moments.pop(rng.randrange(4))  # forgotten punch
    return moments


def _name(rng: random.Random) -> str:
    last = rng.choice(["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"])
    middle = rng.choice(["Văn", "Thị", "Hữu", "Đức", "Thị Thu", "Minh", "Quốc", "Ngọc"])
    first = rng.choice(["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hạnh", "Khánh", "Linh", "Lộc", "Mỹ",
                        "Nga", "Oanh", "Phương", "Quỳnh", "Sơn", "Thảo", "Tuấn", "Uyên", "Việt", "Yến"])
    return f"{last} {middle} {first}"


if __name__ == "__main__":
    main()
