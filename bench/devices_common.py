"""Shared set-up for the terminal benchmarks: a fresh database (temp SQLite, or PostgreSQL with --pg)."""

from __future__ import annotations

import atexit
import os
import sys
import tempfile
import uuid
from pathlib import Path

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def fresh_database() -> str:
    """Point the service at a fresh, migrated database and return its URL (without credentials)."""
    folder = Path(tempfile.mkdtemp(prefix="attendance-bench-"))
    os.environ["ATTENDANCE_DATA_DIR"] = str(folder)
    if "--pg" in sys.argv:
        sys.argv.remove("--pg")
        os.environ["DATABASE_URL"] = _fresh_pg()
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    from attendance.db import reset_engines
    from attendance.migrate import upgrade
    from config import get_settings

    get_settings.cache_clear()
    reset_engines()
    upgrade(os.environ["DATABASE_URL"])
    return os.environ["DATABASE_URL"].split("@")[-1]


def _fresh_pg() -> str:
    from sqlalchemy import create_engine, text

    name = f"attendance_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        from attendance.db import reset_engines

        reset_engines()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    atexit.register(drop)
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def table(rows: list[tuple[str, str]]) -> None:
    width = max(len(k) for k, _ in rows)
    print("-" * (width + 30))
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    print("-" * (width + 30))
