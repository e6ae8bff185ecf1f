"""Taking and restoring backups of the configured database: SQLite in-process, PostgreSQL via pg_dump.

The manifest's figures come from the very snapshot the backup holds: SQLite's are read from the copy
itself, PostgreSQL's from a REPEATABLE READ transaction whose snapshot `pg_dump --snapshot` dumps.
So a backup taken while terminals push is consistent with its manifest, whatever is ingested meanwhile.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url

from attendance import backup
from attendance.backup import BackupError, LedgerSummary, Manifest, Verification

Phase = Callable[[str], None]
"""Told when a phase starts (its Vietnamese description)."""


def take_backup(
    url: str, target: Path, *, phase: Phase | None = None, progress: backup.Progress | None = None
) -> Manifest:
    """Back up the database at `url` into `target` and write its manifest beside it."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if _backend(url) == "sqlite":
            revision, summary = _backup_sqlite(url, partial, phase, progress)
        else:
            revision, summary = _backup_postgresql(url, partial, phase, progress)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return backup.write_manifest(target, backend=_backend(url), revision=revision, summary=summary)


def restore_backup(
    url: str, source: Path, *, phase: Phase | None = None, progress: backup.Progress | None = None
) -> Verification:
    """Restore `source` into the database at `url`, then recount it against the manifest."""
    manifest = backup.read_manifest(source)
    if manifest.backend != _backend(url):
        raise BackupError(f"Bản sao lưu của {manifest.backend} không khôi phục được vào cơ sở dữ liệu {_backend(url)}")
    _tell(phase, "Đang khôi phục")
    if manifest.backend == "sqlite":
        backup.sqlite_copy(source, backup.sqlite_path(url))
    else:
        _pg_restore(url, source)
    _tell(phase, "Đang kiểm tra sổ chấm công sau khôi phục")
    return Verification(expected=manifest.summary, actual=summarize_database(url, progress))


def summarize_database(url: str, progress: backup.Progress | None = None) -> LedgerSummary:
    engine = _plain_engine(url)
    try:
        with engine.connect() as conn:
            return backup.summarize(conn, progress)
    finally:
        engine.dispose()


def pg_tool(name: str) -> str:
    """The path of `pg_dump`/`pg_restore` on PATH, or a clear error."""
    found = shutil.which(name)
    if not found:
        raise BackupError(f"Không tìm thấy {name} trên PATH: cài gói postgresql-client cùng phiên bản máy chủ")
    return found


def _backup_sqlite(
    url: str, partial: Path, phase: Phase | None, progress: backup.Progress | None
) -> tuple[str | None, LedgerSummary]:
    _tell(phase, "Đang sao chép SQLite (API sao lưu trực tuyến)")
    backup.sqlite_copy(backup.sqlite_path(url), partial)
    # The copy carries the live database's WAL mode; a backup file should be one self-contained file.
    engine = _plain_engine(f"sqlite:///{partial}")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=DELETE")
            _tell(phase, "Đang tính tổng kiểm sổ chấm công")
            return backup.schema_revision(conn), backup.summarize(conn, progress)
    finally:
        engine.dispose()


def _backup_postgresql(
    url: str, partial: Path, phase: Phase | None, progress: backup.Progress | None
) -> tuple[str | None, LedgerSummary]:
    dump = pg_tool("pg_dump")
    engine = _plain_engine(url)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                _tell(phase, "Đang chạy pg_dump và tính tổng kiểm trên cùng ảnh chụp dữ liệu")
                # stderr to a file, not a pipe: nobody reads a pipe while the checksum runs.
                with (
                    tempfile.TemporaryFile() as errors,
                    subprocess.Popen(
                        [dump, "--format=custom", f"--snapshot={snapshot}", f"--file={partial}"],
                        env=_pg_env(url),
                        stdout=subprocess.DEVNULL,
                        stderr=errors,
                    ) as proc,
                ):
                    summary, revision = _summarize_while(conn, proc, progress)
                    if proc.wait() != 0:
                        errors.seek(0)
                        message = errors.read().decode(errors="replace").strip()
                        raise BackupError(f"pg_dump thất bại (mã {proc.returncode}): {message}")
                return revision, summary
    finally:
        engine.dispose()


def _summarize_while(
    conn: Connection, proc: subprocess.Popen[bytes], progress: backup.Progress | None
) -> tuple[LedgerSummary, str | None]:
    try:
        return backup.summarize(conn, progress), backup.schema_revision(conn)
    except BaseException:
        proc.kill()
        raise


def _pg_restore(url: str, source: Path) -> None:
    # One transaction: a restore that fails half-way leaves the database as it was.
    database = make_url(url).database or ""
    result = subprocess.run(
        [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--no-owner",
            f"--dbname={database}",
            str(source),
        ],
        env=_pg_env(url),
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(
            f"pg_restore thất bại (mã {result.returncode}): {result.stderr.decode(errors='replace').strip()}"
        )


def _pg_env(url: str) -> dict[str, str]:
    """libpq's environment for `url`: the password never appears on a command line."""
    parsed = make_url(url)
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", parsed.host),
        ("PGPORT", parsed.port),
        ("PGUSER", parsed.username),
        ("PGPASSWORD", parsed.password),
        ("PGDATABASE", parsed.database),
    ):
        if value is not None:
            env[key] = str(value)
    return env


def _plain_engine(url: str) -> Engine:
    # Not attendance.db.make_engine: its pragmas would turn a backup file into WAL mode.
    return create_engine(url)


def _backend(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def _tell(phase: Phase | None, description: str) -> None:
    if phase is not None:
        phase(description)
