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

from sqlalchemy import Connection, Engine, case, delete, text, update
from sqlalchemy.dialects import postgresql, sqlite

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
    limits = ((account_key(username, client), settings.max_failures_per_user),
              (client_key(client), settings.max_failures_per_client))
    with _transaction(engine) as conn:
        for key, limit in limits:
            failures, window_start, blocked_until = _increment(conn, key, now, settings.failure_window_minutes)
            if failures > limit:
                # Every attempt while refused doubles the wait: hammering only makes it longer.
                window = timedelta(minutes=settings.failure_window_minutes)
                until = max(blocked_until or now, now + min(window * 2 ** min(failures - limit - 1, 8), _MAX_BLOCK))
                conn.execute(update(ThrottleCounter).where(ThrottleCounter.key == key)  # type: ignore[arg-type]
                             .values(blocked_until=until))
                return Verdict(False, max(1, int((until - now).total_seconds())), failures, key)
    return Verdict(True, failures=failures)


def forgive(engine: Engine, *, username: str, client: str) -> None:
    """A correct password: the account-from-address starts afresh and the address gets its slot back."""
    with _transaction(engine) as conn:
        conn.execute(delete(ThrottleCounter).where(
            ThrottleCounter.key == account_key(username, client)))  # type: ignore[arg-type]
        conn.execute(update(ThrottleCounter)
                     .where(ThrottleCounter.key == client_key(client), ThrottleCounter.failures > 0)  # type: ignore[arg-type]
                     .values(failures=ThrottleCounter.failures - 1))


def clear(engine: Engine, *, username: str, client: str) -> None:
    """Lift the block on an account from an address (an administrator's decision)."""
    with engine.begin() as conn:
        conn.execute(delete(ThrottleCounter).where(
            ThrottleCounter.key == account_key(username, client)))  # type: ignore[arg-type]


@contextmanager
def _transaction(engine: Engine) -> Iterator[Connection]:
    """A short transaction of its own. On PostgreSQL it does not wait for the WAL flush: a crash can lose
    the last fraction of a second of counts, which a rate limiter can afford, and each login saves two
    disk syncs (about 4 ms each on a busy disk)."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL synchronous_commit TO OFF"))
        yield conn


def _increment(conn, key: str, now: datetime, window_minutes: int):  # type: ignore[no-untyped-def]
    cutoff = now - timedelta(minutes=window_minutes)
    table = ThrottleCounter.__table__  # type: ignore[attr-defined]
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table).values(key=key, failures=1, window_start=now, blocked_until=None)
    existing = table.c
    stale = (existing.window_start < cutoff) & ((existing.blocked_until.is_(None)) | (existing.blocked_until < now))
    stmt = stmt.on_conflict_do_update(
        index_elements=[existing.key],
        set_={"failures": case((stale, 1), else_=existing.failures + 1),
              "window_start": case((stale, now), else_=existing.window_start),
              "blocked_until": case((stale, None), else_=existing.blocked_until)},
    ).returning(existing.failures, existing.window_start, existing.blocked_until)
    return conn.execute(stmt).one()
