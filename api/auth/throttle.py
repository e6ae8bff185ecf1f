"""Failed password checks, counted atomically per key before the password is even looked at.

Each attempt first takes a slot with one upsert (`failures + 1 ... RETURNING failures`); only an
attempt whose slot is within the limit gets its password checked. So concurrent guesses can never
check more passwords than the limit, and every process sharing the database sees the same count.
Keys are the account *from one address* and the address alone: a lockout triggered from one
address does not stop the account's owner signing in from another.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import Connection, Engine, Executable, bindparam, case, delete, func, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement

from api.auth.models import ThrottleCounter
from api.auth.settings import get_auth_settings
from attendance.errors import AttendanceError
from attendance.timeutil import utcnow

_MAX_BLOCK = timedelta(hours=4)


class TooManyAttempts(AttendanceError):
    """Too many failed checks from this address; try again after `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of taking a slot: allowed, or refused for `retry_after` seconds."""

    allowed: bool
    retry_after: int = 0
    failures: int = 0
    key: str = ""


def account_key(username: str, client: str) -> str:
    return f"acct:{username[:100]}|{client[:100]}"


def client_key(client: str) -> str:
    return f"addr:{client[:100]}"


def take_slot(engine: Engine, *, username: str, client: str, now: datetime | None = None) -> Verdict:
    """Count one more attempt for the account-from-address and the address; refuse past a limit."""
    settings = get_auth_settings()
    now = now or utcnow()
    cutoff = now - timedelta(minutes=settings.failure_window_minutes)
    limits = ((account_key(username, client), settings.max_failures_per_user),
              (client_key(client), settings.max_failures_per_client))
    with _autocommit(engine) as conn:
        statements = _statements(conn.dialect.name)
        for key, limit in limits:
            failures, _, blocked_until, *_ = conn.execute(
                statements.increment, {"b_key": key, "now": now, "cutoff": cutoff}).one()
            if failures > limit:
                # Every attempt while refused doubles the wait: hammering only makes it longer.
                window = timedelta(minutes=settings.failure_window_minutes)
                until = max(blocked_until or now, now + min(window * 2 ** min(failures - limit - 1, 8), _MAX_BLOCK))
                conn.execute(statements.block, {"b_key": key, "until": until})
                return Verdict(False, max(1, int((until - now).total_seconds())), failures, key)
    return Verdict(True, failures=failures)


def forgive(engine: Engine, *, username: str, client: str) -> None:
    """A correct password: the account-from-address starts afresh and the address gets its slot back."""
    with _autocommit(engine) as conn:
        statements = _statements(conn.dialect.name)
        conn.execute(statements.forget, {"b_key": account_key(username, client)})
        conn.execute(statements.give_back, {"b_key": client_key(client)})


def clear(engine: Engine, *, username: str, client: str) -> None:
    """Lift the block on an account from an address (an administrator's decision)."""
    with _autocommit(engine) as conn:
        conn.execute(_statements(conn.dialect.name).forget, {"b_key": account_key(username, client)})


@dataclass(frozen=True, slots=True)
class _Statements:
    increment: Executable
    block: Executable
    forget: Executable
    give_back: Executable


@lru_cache
def _statements(dialect_name: str) -> _Statements:
    """The throttle's statements for a dialect, built once: composing the upsert on every login cost more
    than running it (a login runs four)."""
    table = ThrottleCounter.__table__  # type: ignore[attr-defined]
    row = table.c
    now, key = bindparam("now", type_=row.window_start.type), bindparam("b_key", type_=row.key.type)
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    stale = (row.window_start < bindparam("cutoff", type_=row.window_start.type)) & (
        row.blocked_until.is_(None) | (row.blocked_until < now))
    increment = dialect.insert(table).values(key=key, failures=1, window_start=now, blocked_until=None)
    increment = increment.on_conflict_do_update(
        index_elements=[row.key],
        set_={"failures": case((stale, 1), else_=row.failures + 1),
              "window_start": case((stale, now), else_=row.window_start),
              "blocked_until": case((stale, None), else_=row.blocked_until)},
    ).returning(row.failures, row.window_start, row.blocked_until, *_no_wal_wait(dialect_name))
    return _Statements(
        increment=increment,
        block=update(table).where(row.key == key).values(
            blocked_until=bindparam("until", type_=row.blocked_until.type)).returning(*_no_wal_wait(dialect_name)),
        forget=delete(table).where(row.key == key).returning(*_no_wal_wait(dialect_name)),
        give_back=update(table).where(row.key == key, row.failures > 0).values(
            failures=row.failures - 1).returning(*_no_wal_wait(dialect_name)),
    )


def _no_wal_wait(dialect_name: str) -> tuple[ColumnElement[str], ...]:
    """On PostgreSQL, a RETURNING column that lets this statement's commit skip the wait for the WAL flush:
    a crash can lose the last fraction of a second of counts, which a rate limiter can afford, and each
    login saves several disk syncs. In the statement itself because, committing on its own, it has no
    transaction a SET LOCAL could precede; a statement that changes no row writes nothing to wait for."""
    if dialect_name != "postgresql":
        return ()
    return (func.set_config("synchronous_commit", "off", true()).label("no_wal_wait"),)


@contextmanager
def _autocommit(engine: Engine) -> Iterator[Connection]:
    """Each statement its own transaction: every upsert is atomic by itself, and no BEGIN, COMMIT or
    SET travels to the server (on PostgreSQL each was a round trip, most of the check's time)."""
    with engine.connect() as conn:
        yield conn.execution_options(isolation_level="AUTOCOMMIT")
