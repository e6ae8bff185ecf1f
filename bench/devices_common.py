"""Shared set-up for the terminal benchmarks: a fresh database (temp SQLite unless DATABASE_URL is set)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def fresh_database() -> str:
    """Point the service at a fresh, migrated database and return its URL."""
    if not os.environ.get("DATABASE_URL"):
        folder = Path(tempfile.mkdtemp(prefix="attendance-bench-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
        os.environ["ATTENDANCE_DATA_DIR"] = str(folder)
    from attendance.db import reset_engines
    from attendance.migrate import upgrade
    from config import get_settings

    get_settings.cache_clear()
    reset_engines()
    upgrade(os.environ["DATABASE_URL"])
    return os.environ["DATABASE_URL"].split("@")[-1]


def table(rows: list[tuple[str, str]]) -> None:
    width = max(len(k) for k, _ in rows)
    print("-" * (width + 30))
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    print("-" * (width + 30))
