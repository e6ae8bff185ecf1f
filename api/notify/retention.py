"""Old notices go: the pages list a person's recent ones, and the key of a notice older than this is never made again."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, delete
from sqlmodel import Session

from api.notify.models import Notice
from attendance.timeutil import utcnow

_T = Notice.__table__  # type: ignore[attr-defined]


def prune(*, engine: Engine, keep_days: int, now: datetime | None = None) -> int:
    """Delete the notices made more than `keep_days` ago; how many went."""
    cutoff = (now or utcnow()) - timedelta(days=keep_days)
    with Session(engine) as session:
        removed = session.execute(delete(_T).where(_T.c.created_at < cutoff)).rowcount  # type: ignore[attr-defined]
        session.commit()
    return int(removed or 0)
