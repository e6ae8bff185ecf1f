"""What the camera's SQLite stores (outbox, attempt queue) share: sealed under the camera's key, checked
on open, and converted once from the clear files older versions wrote.

A store holds a sealed check value; a key that cannot open it (the token was revoked or replaced) is
refused before anything is read or written, naming the file. Conversion writes a complete sealed copy
beside the old file and swaps it in with one rename, so a crash leaves either the old store or the
new one, every row with its delivery state: nothing lost, nothing sent twice. Rebuilding rather than
updating in place matters: SQLite would keep the old clear rows in free pages and the WAL.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from attendance.errors import AttendanceError
from recognition.camera.device_key import CameraKey
from recognition.errors import TemplateUnreadable

_META = "CREATE TABLE IF NOT EXISTS sealed_meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);"
_CHECK = b"camera-store-v1"

# (old connection, new connection) -> rows copied; runs inside the new file's transaction.
Converter = Callable[[sqlite3.Connection, sqlite3.Connection], int]


class CameraStoreUnreadable(AttendanceError):
    """A store on the camera's disk that this camera's key cannot open; `code` names which store."""

    def __init__(self, code: str, path: Path, pending: int = 0) -> None:
        super().__init__(code=code, path=str(path), pending=pending)
        self.path = path


def open_store(path: Path, key: CameraKey, *, name: str, schema: str, is_clear: Callable[[sqlite3.Connection], bool],
               convert: Converter, unreadable: Callable[[sqlite3.Connection], CameraStoreUnreadable],
               synchronous: str = "NORMAL") -> sqlite3.Connection:
    """The store's connection, its key checked; a clear store from before is sealed first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        _convert_if_clear(path, key, name=name, schema=schema, is_clear=is_clear, convert=convert)
    db = _connect(path, synchronous)
    db.executescript(schema + _META)
    row = db.execute("SELECT value FROM sealed_meta WHERE name = 'check'").fetchone()
    if row is None:
        db.execute("INSERT INTO sealed_meta (name, value) VALUES ('check', ?)", (key.seal(_CHECK, context=name),))
    else:
        try:
            key.open(row[0], context=name)
        except TemplateUnreadable as err:
            refusal = unreadable(db)
            db.close()
            raise refusal from err
    _owner_only(path)
    return db


def open_memory(schema: str) -> sqlite3.Connection:
    """The same store kept in memory (tests, a camera without a folder)."""
    db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
    db.executescript(schema + _META)
    return db


def table_columns(db: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in db.execute(f"PRAGMA table_info({table})")}


def _convert_if_clear(path: Path, key: CameraKey, *, name: str, schema: str,
                      is_clear: Callable[[sqlite3.Connection], bool], convert: Converter) -> None:
    old = sqlite3.connect(path, isolation_level=None)
    try:
        if not is_clear(old):
            return
        fresh = path.with_name(path.name + ".sealing")
        _remove(fresh)  # a conversion interrupted earlier: start it again from the intact old file
        new = sqlite3.connect(fresh, isolation_level=None)
        try:
            new.executescript(schema + _META)
            new.execute("BEGIN")
            convert(old, new)
            new.execute("INSERT INTO sealed_meta (name, value) VALUES ('check', ?)", (key.seal(_CHECK, context=name),))
            new.execute("COMMIT")
        finally:
            new.close()
        _owner_only(fresh)
    finally:
        old.close()  # the last connection checkpoints the old WAL into the file and removes it
    for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        _remove(leftover)
    os.replace(fresh, path)
    _fsync_dir(path.parent)


def _connect(path: Path, synchronous: str) -> sqlite3.Connection:
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(f"PRAGMA synchronous={synchronous}")
    return db


def _owner_only(path: Path) -> None:
    with contextlib.suppress(OSError):  # a filesystem without modes (a mounted share) keeps what it has
        os.chmod(path, 0o600)


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

