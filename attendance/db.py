"""Engine and sessions, built from settings on demand (never at import time)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, event
from sqlmodel import Session, create_engine

from config import Settings, get_settings
from config.settings import DatabasePool


def make_engine(url: str, pool: DatabasePool | None = None) -> Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys and a busy timeout; PostgreSQL a bounded pool."""
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA cache_size=-65536")  # 64 MB: the ledger's indexes stay in memory while ingesting
            # Checkpoint every ~40 MB of WAL instead of 4 MB: each checkpoint fsyncs, and on a busy ledger
            # the default made the fsyncs, not the inserts, the cost of ingesting.
            cur.execute("PRAGMA wal_autocheckpoint=10000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    # connect_timeout: a database host that vanished fails a request (and the readiness probe's thread)
    # within seconds instead of after the kernel's TCP timeout of minutes.
    # pool_pre_ping: after a PostgreSQL restart every pooled connection is dead; the ping finds it at
    # checkout and reconnects, so requests after the restart do not fail on a stale connection.
    pool = pool or DatabasePool()
    return create_engine(url, pool_pre_ping=True, pool_size=pool.size, max_overflow=pool.max_overflow,
                         pool_timeout=pool.timeout_seconds, connect_args={"connect_timeout": 5})


@lru_cache
def _engine_for(url: str, pool: DatabasePool, purpose: str = "requests") -> Engine:
    engine = make_engine(url, pool)
    _ENGINES.append(engine)
    return engine


def get_engine(settings: Settings | None = None) -> Engine:
    """The process-wide engine for the configured database."""
    settings = settings or get_settings()
    return _engine_for(settings.sqlalchemy_url, settings.database_pool)


def writer_engine(settings: Settings | None = None) -> Engine:
    """An engine of its own for one long-lived writer thread (the push group commit).

    Request threads wait on that writer while holding a connection of the process's pool; if the
    writer drew from the same pool, a burst of uploads could take every connection and leave the
    writer waiting for one of them until the pool's timeout (uploads, then readiness, all failing)."""
    settings = settings or get_settings()
    return _engine_for(settings.sqlalchemy_url, DatabasePool(size=1, max_overflow=1), "writer")


def reset_engines() -> None:
    """Dispose cached engines (tests and the CLI call this after changing settings)."""
    while _ENGINES:
        _ENGINES.pop().dispose()
    _engine_for.cache_clear()


_ENGINES: list[Engine] = []


@contextmanager
def session_scope(settings: Settings | None = None) -> Iterator[Session]:
    """A unit of work: commits on success, rolls back on error."""
    with Session(get_engine(settings), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
