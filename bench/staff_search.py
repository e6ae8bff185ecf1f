"""Staff directory search over 20,000 people: server time of one page of results, p50/p95.

    .venv/bin/python bench/staff_search.py [sqlite|postgresql] [--staff N] [--rounds R]

Seeds N people (default 20,000) with Vietnamese names drawn from common family, middle and given
names, spread over 40 departments, then times `attendance.staff_directory.staff_page` (the function
the /staff page and the API call: count + one page of 50 in Vietnamese name order) for typical
searches, in-process, with the scope filter a personnel officer's account applies. Target: p95 <= 50 ms.
Wall-clock and this process's CPU time are both printed: on a shared, loaded machine the wall clock
includes waiting for a core (SQLite runs in-process, so its CPU time is the query's whole cost).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._db import scratch_database, table  # noqa: E402

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Kim", "Quốc", "Thu", "Xuân", "Hoài"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hằng", "Hiền", "Hùng", "Hương", "Khánh", "Lan",
         "Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn",
         "Vân", "Yến", "Ánh", "Đạt"]
SEARCHES = [("common family name", "nguyen", None), ("family + middle", "tran thi", None),
            ("given name, no tones", "huong", None), ("two words anywhere", "van hai", None),
            ("staff code", "cb012345", None), ("PIN", "1012345", None), ("no match", "zzzz", None),
            ("everyone, page 1", "", None), ("everyone, page 200", "", 199), ("in one department", "thi", "dept")]


def seed(url: str, count: int) -> list[int]:
    from sqlalchemy import insert
    from sqlmodel import Session

    from attendance.db import get_engine
    from attendance.models import Staff
    from attendance.org import ensure_unit_path

    rng = random.Random(13)
    with Session(get_engine()) as session:
        units = [ensure_unit_path(session=session, path=f"UBND tỉnh Bench / Sở {i // 8} / Phòng {i}")[0].id
                 for i in range(40)]
        rows = [{"code": f"CB{i:06d}", "full_name": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                 "pin": str(1_000_000 + i), "unit_id": units[i % 40], "active": True} for i in range(count)]
        for start in range(0, count, 2000):  # the column defaults fold each row as it is inserted
            session.execute(insert(Staff), rows[start:start + 2000])
        session.commit()
    return [u for u in units if u is not None]


def measure(units: list[int], rounds: int) -> list[list[object]]:
    from sqlmodel import Session

    from attendance.db import get_engine
    from attendance.staff_directory import staff_page

    scope = set(units)  # a personnel officer of the province: every department in scope
    results = []
    with Session(get_engine()) as session:
        for label, query, extra in SEARCHES:
            samples, cpu, total = [], [], 0
            for _ in range(rounds):
                offset = extra * 50 if isinstance(extra, int) else 0
                unit_ids = units[3:4] if extra == "dept" else None
                start, start_cpu = time.perf_counter(), time.process_time()
                page = staff_page(session=session, query=query, unit_ids=unit_ids, status="active", sort="name",
                                  scope_units=scope, limit=50, offset=offset)
                samples.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
                total = page.total
            results.append([label, repr(query), total, *_percentiles(samples), *_percentiles(cpu)])
    return results


def _percentiles(values: list[float]) -> list[str]:
    ordered = sorted(values)
    return [f"{statistics.median(ordered):.1f}", f"{ordered[max(0, int(len(ordered) * 0.95) - 1)]:.1f}"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", nargs="?", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--staff", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    with scratch_database(args.kind) as url:
        started = time.perf_counter()
        units = seed(url, args.staff)
        seeded = time.perf_counter() - started
        rows = measure(units, args.rounds)
    table(f"Staff search, {args.staff:,} people on {args.kind} (seeded in {seeded:.1f} s; "
          f"{args.rounds} rounds each; target p95 <= 50 ms)",
          ["search", "query", "matches", "p50 ms", "p95 ms", "cpu p50", "cpu p95"], rows)


if __name__ == "__main__":
    main()
