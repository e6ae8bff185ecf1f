"""The worker's lease: taken with one atomic statement, renewed while held, free once it expires."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, delete, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from api.worker.models import WorkerLease
from attendance.timeutil import utcnow

_T = WorkerLease.__table__  # type: ignore[attr-defined]
NAME = "scheduler"


def acquire(*, session: Session, holder: str, seconds: float, name: str = NAME, now: datetime | None = None) -> bool:
    """Take the lease if it is free, expired or already ours; True when we hold it now."""
    now = now or utcnow()
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    base = insert(_T).values(name=name, holder=holder, expires_at=now + timedelta(seconds=seconds), taken_at=now)
    stmt = base.on_conflict_do_update(
        index_elements=[_T.c.name],
        set_={"holder": base.excluded.holder, "expires_at": base.excluded.expires_at,
              "taken_at": case((_T.c.holder == holder, _T.c.taken_at), else_=base.excluded.taken_at)},
        where=or_(_T.c.expires_at < now, _T.c.holder == holder),
    ).returning(_T.c.holder)
    row = session.execute(stmt).first()
    session.flush()
    return row is not None and row[0] == holder


def renew(*, session: Session, holder: str, seconds: float, name: str = NAME) -> bool:
    """Extend our lease; False when another process holds it now."""
    stmt = (update(_T).where(_T.c.name == name, _T.c.holder == holder)
            .values(expires_at=utcnow() + timedelta(seconds=seconds)))
    return session.execute(stmt).rowcount == 1  # type: ignore[attr-defined, no-any-return]


def release(*, session: Session, holder: str, name: str = NAME) -> None:
    session.execute(delete(_T).where(_T.c.name == name, _T.c.holder == holder))


def holder_of(*, session: Session, name: str = NAME) -> str | None:
    lease = session.get(WorkerLease, name)
    if lease is None or lease.expires_at < utcnow():
        return None
    return lease.holder
