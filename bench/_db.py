"""Scratch databases for benchmarks: a temp SQLite file or a fresh PostgreSQL database."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text

PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextmanager
def scratch_database(kind: str) -> Iterator[str]:
    """Yield the URL of an empty, migrated database of `kind` ("sqlite" or "postgresql"), then drop it."""
    from attendance.db import reset_engines
    from attendance.migrate import upgrade
    from config import get_settings

    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="attendance-bench-")
        url = f"sqlite:///{folder}/bench.sqlite3"
        name = None
    else:
        name = f"attendance_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    reset_engines()
    upgrade(url)
    try:
        yield url
    finally:
        reset_engines()
        if name:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def table(title: str, header: list[str], rows: list[list[object]]) -> None:
    """Print a plain-text table."""
    cells = [header] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    print(f"\n{title}")
    for index, row in enumerate(cells):
        print("  " + "  ".join(c.rjust(w) if index else c.ljust(w) for c, w in zip(row, widths, strict=True)))


def seed_office(session, count: int, extra=None) -> tuple:  # type: ignore[no-untyped-def]
    """Add `count` staff (codes B00000…, PINs from 10000) to one office with their assignments: (unit, people)."""
    from datetime import date

    from attendance.models import Staff, StaffAssignment
    from attendance.org import ensure_unit_path

    unit, _ = ensure_unit_path(session=session, path="UBND tỉnh Bench / Sở Nội vụ / Văn phòng")
    people = [Staff(code=f"B{i:05d}", full_name=f"Cán bộ {i:05d}", pin=str(10000 + i), unit_id=unit.id,
                    start_date=date(2020, 1, 1), **(extra(i) if extra else {})) for i in range(count)]
    session.add_all(people)
    session.flush()
    session.add_all([StaffAssignment(staff_id=p.id, unit_id=unit.id, valid_from=date(2020, 1, 1)) for p in people])
    return unit, people
