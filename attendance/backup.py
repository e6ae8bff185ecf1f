"""Backups that restore: the ledger's manifest (counts and checksum), SQLite online backup and restore.

A backup is a file plus a manifest beside it (`FILE.json`) holding the counts of the ledger's tables
and a sha256 over every punch's key and instant, taken from the same snapshot the backup holds. A
restore is trusted only once the restored database gives the manifest's figures again. PostgreSQL's
dump and restore run `pg_dump`/`pg_restore` at the edge (`api/cli/pg_backup.py`); this module gives
them the manifest and the check.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, func, select, text
from sqlalchemy.engine import make_url

from attendance.errors import AttendanceError
from attendance.models import Device, Punch, Staff
from attendance.models import Request as LeaveRequest
from attendance.timeutil import utcnow

MANIFEST_FORMAT = 1
CHUNK_ROWS = 20_000
COUNTED = {"punches": Punch, "staff": Staff, "devices": Device, "requests": LeaveRequest}

Progress = Callable[[int, int], None]
"""Called with (punches hashed since the last call, punches in all)."""


class BackupError(AttendanceError):
    """A backup or restore that cannot go on; the message says why, in Vietnamese."""


@dataclass(frozen=True, slots=True)
class LedgerSummary:
    """What a restored database must give again: row counts and the ledger's checksum."""

    counts: dict[str, int]
    ledger_sha256: str


@dataclass(frozen=True, slots=True)
class Manifest:
    backend: str
    created_at: str
    backup_file: str
    file_sha256: str
    schema_revision: str | None
    summary: LedgerSummary
    format: int = MANIFEST_FORMAT
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, raw: str) -> Manifest:
        data = json.loads(raw)
        if data.get("format") != MANIFEST_FORMAT:
            raise BackupError(f"Tệp mô tả bản sao lưu có định dạng không hỗ trợ: {data.get('format')!r}")
        summary = LedgerSummary(
            counts={k: int(v) for k, v in data["summary"]["counts"].items()},
            ledger_sha256=str(data["summary"]["ledger_sha256"]),
        )
        return cls(
            backend=data["backend"],
            created_at=data["created_at"],
            backup_file=data["backup_file"],
            file_sha256=data["file_sha256"],
            schema_revision=data.get("schema_revision"),
            summary=summary,
            notes=list(data.get("notes", [])),
        )


@dataclass(frozen=True, slots=True)
class Verification:
    expected: LedgerSummary
    actual: LedgerSummary

    @property
    def ok(self) -> bool:
        return self.expected == self.actual

    def differences(self) -> list[str]:
        """One Vietnamese line per figure that differs."""
        lines = [
            f"{name}: bản sao lưu {self.expected.counts.get(name)}, sau khôi phục {self.actual.counts.get(name)}"
            for name in sorted(set(self.expected.counts) | set(self.actual.counts))
            if self.expected.counts.get(name) != self.actual.counts.get(name)
        ]
        if self.expected.ledger_sha256 != self.actual.ledger_sha256:
            lines.append(
                f"tổng kiểm sổ chấm công: bản sao lưu {self.expected.ledger_sha256[:16]}…, "
                f"sau khôi phục {self.actual.ledger_sha256[:16]}…"
            )
        return lines


def summarize(connection: Connection, progress: Progress | None = None) -> LedgerSummary:
    """Counts and the ledger checksum as `connection`'s transaction sees them.

    The checksum covers (device_serial, pin, device_time, punched_at) of every punch in the order of
    the ledger's unique key, streamed in chunks so millions of punches need no memory.
    """
    counts = {
        name: int(connection.execute(select(func.count()).select_from(model.__table__)).scalar_one())  # type: ignore[attr-defined]
        for name, model in COUNTED.items()
    }
    table = Punch.__table__  # type: ignore[attr-defined]
    query = select(table.c.device_serial, table.c.pin, table.c.device_time, table.c.punched_at).order_by(
        table.c.device_serial, table.c.pin, table.c.device_time
    )
    digest = hashlib.sha256()
    result = connection.execute(query, execution_options={"stream_results": True, "yield_per": CHUNK_ROWS})
    if progress is not None:
        progress(0, counts["punches"])
    for chunk in result.partitions(CHUNK_ROWS):
        digest.update("".join(_punch_line(*row) for row in chunk).encode())
        if progress is not None:
            progress(len(chunk), counts["punches"])
    return LedgerSummary(counts=counts, ledger_sha256=digest.hexdigest())


def schema_revision(connection: Connection) -> str | None:
    """The Alembic heads the database is at (None before its first upgrade)."""
    try:
        with connection.begin_nested():  # a failed look-up must not abort a backup's snapshot transaction
            rows = connection.execute(text("SELECT version_num FROM alembic_version ORDER BY version_num")).scalars()
            return ",".join(rows) or None
    except Exception:  # noqa: BLE001 - a database never migrated has no revision
        return None


def manifest_path(backup_file: Path) -> Path:
    return backup_file.with_name(backup_file.name + ".json")


def write_manifest(backup_file: Path, *, backend: str, revision: str | None, summary: LedgerSummary) -> Manifest:
    manifest = Manifest(
        backend=backend,
        created_at=utcnow().isoformat(timespec="seconds"),
        backup_file=backup_file.name,
        file_sha256=file_sha256(backup_file),
        schema_revision=revision,
        summary=summary,
    )
    manifest_path(backup_file).write_text(manifest.to_json() + "\n", encoding="utf-8")
    return manifest


def read_manifest(backup_file: Path) -> Manifest:
    """The manifest beside `backup_file`, after checking the file is the one it describes."""
    if not backup_file.is_file():
        raise BackupError(f"Không tìm thấy tệp sao lưu: {backup_file}")
    path = manifest_path(backup_file)
    if not path.is_file():
        raise BackupError(f"Thiếu tệp mô tả bản sao lưu {path.name}: không thể kiểm tra bản khôi phục")
    try:
        manifest = Manifest.from_json(path.read_text(encoding="utf-8"))
    except (ValueError, KeyError, TypeError) as err:
        raise BackupError(f"Tệp mô tả bản sao lưu {path.name} bị hỏng: {err}") from err
    if file_sha256(backup_file) != manifest.file_sha256:
        raise BackupError(
            f"Tệp sao lưu {backup_file.name} không khớp tổng kiểm trong tệp mô tả (bị sửa hoặc hỏng); không khôi phục"
        )
    return manifest


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def sqlite_path(url: str) -> Path:
    """The file behind a SQLite URL (an in-memory database cannot be backed up)."""
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("Cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu được")
    return Path(database)


def sqlite_copy(source: Path, target: Path) -> None:
    """Copy `source` into `target` through SQLite's online backup API.

    One step copies every page under one read snapshot: in WAL mode writers go on meanwhile, and a
    stepwise copy would start over after each of their commits. `target` is replaced page by page,
    inside its own lock, so connections already open on it see the restored database.
    """
    if not source.is_file():
        raise BackupError(f"Không tìm thấy cơ sở dữ liệu SQLite: {source}")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst, pages=-1)
    except sqlite3.Error as err:
        raise BackupError(f"Sao chép SQLite thất bại: {err}") from err
    finally:
        dst.close()
        src.close()


def default_backup_name(backend: str, now: datetime | None = None) -> str:
    moment = (now or utcnow()).strftime("%Y%m%dT%H%M%SZ")
    return f"attendance-{moment}.{'sqlite3' if backend == 'sqlite' else 'pgdump'}"


def _punch_line(serial: str, pin: str, device_time: datetime, punched_at: datetime) -> str:
    return f"{serial}\t{pin}\t{device_time.isoformat()}\t{punched_at.isoformat()}\n"
