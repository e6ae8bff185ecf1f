"""Bulk, idempotent insert of punch rows, tuned per database (the ledger's hot path).

Both paths send one statement per batch and get back the keys of the rows that were new:
SQLite, a multi-row VALUES with ON CONFLICT DO NOTHING RETURNING (the SQL text is cached per
row count); PostgreSQL, INSERT ... SELECT FROM unnest(arrays), one parameter per column.
SQLAlchemy's generic multi-row insert spends most of its time compiling or re-parsing the
statement for every batch, which caps ingest at a few thousand punches per second.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

COLUMNS = ("source", "device_serial", "pin", "device_time", "punched_at", "staff_id", "pin_scope_id", "state",
           "verify", "quarantined", "quarantine_reason", "note", "created_by", "ingested_at")
_PG_TYPES = ("text", "text", "text", "timestamp", "timestamptz", "integer", "integer", "integer", "integer",
             "boolean", "text", "text", "text", "timestamptz")
# SQLite allows 32,766 bound parameters per statement.
_SQLITE_ROWS_PER_STATEMENT = 32_766 // len(COLUMNS)

Key = tuple[str, str, datetime]


def insert_new(session: Session, rows: list[dict[str, Any]]) -> set[Key]:
    """Insert the rows that are not in the ledger yet; return their (serial, pin, device_time) keys."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return _insert_postgresql(session, rows)
    if connection.dialect.name == "sqlite":
        return _insert_sqlite(session, rows)
    raise NotImplementedError(f"no bulk punch insert for {connection.dialect.name}")


def _insert_postgresql(session: Session, rows: list[dict[str, Any]]) -> set[Key]:
    params = {name: [row[name] for row in rows] for name in COLUMNS}
    result = session.connection().execute(_pg_statement(), params)
    return {(serial, pin, device_time) for serial, pin, device_time in result}


@lru_cache(maxsize=1)
def _pg_statement() -> Any:
    arrays = ", ".join(f"CAST(:{name} AS {kind}[])" for name, kind in zip(COLUMNS, _PG_TYPES, strict=True))
    return text(
        f"INSERT INTO punches ({', '.join(COLUMNS)}) SELECT * FROM unnest({arrays}) "
        "ON CONFLICT ON CONSTRAINT uq_punch_source DO NOTHING "
        "RETURNING device_serial, pin, device_time"
    )


def _insert_sqlite(session: Session, rows: list[dict[str, Any]]) -> set[Key]:
    # The raw DB-API cursor, with values formatted as SQLAlchemy stores them on SQLite
    # (ISO text, UTC instants naive), so the ORM reads these rows back unchanged.
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    new: set[Key] = set()
    for start in range(0, len(rows), _SQLITE_ROWS_PER_STATEMENT):
        chunk = rows[start:start + _SQLITE_ROWS_PER_STATEMENT]
        flat: list[Any] = []
        ingested = _sqlite_time(chunk[0]["ingested_at"])
        for row in chunk:
            flat.extend([row["source"], row["device_serial"], row["pin"], _sqlite_time(row["device_time"]),
                         _sqlite_time(row["punched_at"]), row["staff_id"], row["pin_scope_id"], row["state"], row["verify"],
                         row["quarantined"], row["quarantine_reason"], row["note"], row["created_by"],
                         ingested if row["ingested_at"] is chunk[0]["ingested_at"] else _sqlite_time(row["ingested_at"])])
        cursor.execute(_sqlite_statement(len(chunk)), flat)
        for serial, pin, device_time in cursor.fetchall():
            new.add((serial, pin, datetime.fromisoformat(device_time)))
    cursor.close()
    return new


@lru_cache(maxsize=8)
def _sqlite_statement(count: int) -> str:
    row = "(" + ", ".join("?" * len(COLUMNS)) + ")"
    return (f"INSERT INTO punches ({', '.join(COLUMNS)}) VALUES {', '.join([row] * count)} "
            "ON CONFLICT DO NOTHING RETURNING device_serial, pin, device_time")


def _sqlite_time(value: datetime) -> str:
    if value.tzinfo is not None and value.utcoffset():
        value = value.astimezone(UTC)
    # The first 26 characters leave out any "+00:00": UTC instants are stored naive.
    return value.isoformat(" ", "microseconds")[:26]
