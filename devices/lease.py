"""Who polls a terminal: a lease row per device that expires if its holder dies."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from attendance.errors import Conflict
from attendance.models import DeviceLease
from attendance.timeutil import utcnow

_T = DeviceLease.__table__  # type: ignore[attr-defined]


def acquire(*, session: Session, device_id: int, holder: str, seconds: float, now: datetime | None = None) -> bool:
    """Take the lease if it is free, expired or already ours (one atomic statement)."""
    now = now or utcnow()
    values = {"device_id": device_id, "holder": holder, "expires_at": now + timedelta(seconds=seconds)}
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    base = insert(_T).values(values)
    stmt = base.on_conflict_do_update(
        index_elements=[_T.c.device_id],
        set_={"holder": base.excluded.holder, "expires_at": base.excluded.expires_at},
        where=or_(_T.c.expires_at < now, _T.c.holder == holder),
    ).returning(_T.c.holder)
    row = session.execute(stmt).first()
    session.flush()
    return row is not None and row[0] == holder


def renew(*, session: Session, device_id: int, holder: str, seconds: float) -> bool:
    """Extend our lease; False if it is no longer ours."""
    stmt = (update(_T).where(_T.c.device_id == device_id, _T.c.holder == holder)
            .values(expires_at=utcnow() + timedelta(seconds=seconds)))
    return session.execute(stmt).rowcount == 1  # type: ignore[attr-defined, no-any-return]


def release(*, session: Session, device_id: int, holder: str) -> None:
    session.execute(delete(_T).where(_T.c.device_id == device_id, _T.c.holder == holder))


def holder_of(*, session: Session, device_id: int) -> str | None:
    lease = session.get(DeviceLease, device_id)
    if lease is None or lease.expires_at < utcnow():
        return None
    return lease.holder


@contextmanager
def held(*, engine: Engine, device_id: int, holder: str, seconds: float = 300.0) -> Iterator[None]:
    """Hold a device's lease for a manual operation (sync, clock, clear) so no poller talks to it meanwhile."""
    with Session(engine) as session:
        taken = acquire(session=session, device_id=device_id, holder=holder, seconds=seconds)
        session.commit()
        if not taken:
            raise DeviceBusy(f"máy đang được {holder_of(session=session, device_id=device_id)} quét; thử lại sau")
    try:
        yield
    finally:
        with Session(engine) as session:
            release(session=session, device_id=device_id, holder=holder)
            session.commit()


class DeviceBusy(Conflict):
    """Another process holds the terminal's lease."""
