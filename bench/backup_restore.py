"""Backup and restore time per million punches, on SQLite and PostgreSQL.

Fills a scratch database with N punches (default 300,000, ingested through the ledger in batches of
5,000), takes `attendance db backup`'s backup (SQLite online backup API / pg_dump custom format, plus
the manifest's counts and checksum), restores it into a second, empty database and checks it against
the manifest (`attendance db restore`). The per-million figures are extrapolated linearly from N.
Run: .venv/bin/python bench/backup_restore.py [--punches N] [--backend sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402

from bench._db import PG_ADMIN_URL, scratch_database, table  # noqa: E402


def fill(count: int) -> None:
    from sqlmodel import Session

    from attendance.db import get_engine
    from attendance.ledger import PunchIn, ingest_punches
    from attendance.models import PunchSource

    start = datetime(2021, 1, 4, 7, 0)
    with Session(get_engine()) as session:
        for offset in range(0, count, 5_000):
            ingest_punches(
                session=session,
                punches=[
                    PunchIn(
                        PunchSource.TERMINAL_PUSH,
                        f"PROV{(i % 1000):04d}",
                        str(i % 20_000 + 1),
                        start + timedelta(seconds=i * 7),
                    )
                    for i in range(offset, min(offset + 5_000, count))
                ],
            )
            session.commit()


def run(kind: str, count: int) -> list[object]:
    from api.cli.backups import restore_backup, take_backup

    folder = Path(tempfile.mkdtemp(prefix="attendance-bench-backup-"))
    with scratch_database(kind) as url:
        fill(count)
        started = time.perf_counter()
        manifest = take_backup(url, folder / f"bench.{kind}.bak")
        backup_s = time.perf_counter() - started
        size_mb = (folder / f"bench.{kind}.bak").stat().st_size / 1e6
        target, drop = _empty_target(kind, folder)
        try:
            started = time.perf_counter()
            verification = restore_backup(target, folder / f"bench.{kind}.bak")
            restore_s = time.perf_counter() - started
        finally:
            drop()
    assert verification.ok, verification.differences()
    assert manifest.summary.counts["punches"] == count
    per_million = 1_000_000 / count
    return [
        kind,
        count,
        f"{size_mb:.1f}",
        f"{backup_s:.2f}",
        f"{restore_s:.2f}",
        f"{backup_s * per_million:.1f}",
        f"{restore_s * per_million:.1f}",
        "yes",
    ]


def _empty_target(kind: str, folder: Path):  # type: ignore[no-untyped-def]
    if kind == "sqlite":
        return f"sqlite:///{folder / 'restored.sqlite3'}", lambda: None
    name = f"attendance_bench_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--punches", type=int, default=300_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    rows = [run(kind, args.punches) for kind in kinds]
    table(
        f"Backup and restore ({args.punches:,} punches measured; per million extrapolated linearly)",
        [
            "backend",
            "punches",
            "file MB",
            "backup s",
            "restore+check s",
            "backup s/M",
            "restore+check s/M",
            "manifest matched",
        ],
        rows,
    )


if __name__ == "__main__":
    main()
