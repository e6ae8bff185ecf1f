"""The notice runs the worker schedules (and `attendance notify` starts by hand): read, then deliver."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Engine
from sqlmodel import Session

from api.notify import day_faults, digest, terminal_alerts
from api.notify.deliver import RunReport, deliver, retry_failed
from api.notify.message import Draft
from attendance.rules import SessionName
from attendance.timeutil import utcnow
from config import get_settings
from devices import alerts


def remind(*, engine: Engine, day: date, part: SessionName, now: datetime | None = None) -> RunReport:
    """Each person's faults in `part` of `day` (a session not yet over is not reminded of)."""
    settings = get_settings()
    with Session(engine) as session:
        drafts = day_faults.drafts(session=session, day=day, part=part, public_url=settings.public_url, now=now)
    return _deliver(engine, drafts)


def pending_digest(*, engine: Engine, day: date) -> RunReport:
    """Each head's pending requests, once for `day`."""
    settings = get_settings()
    with Session(engine) as session:
        drafts = digest.drafts(session=session, day=day, public_url=settings.public_url)
    return _deliver(engine, drafts)


def terminal_notices(*, engine: Engine, now: datetime | None = None) -> RunReport:
    """Bring the terminals' alerts up to date (push terminals have no poller to do it), then tell personnel."""
    settings = get_settings()
    with Session(engine) as session:
        alerts.evaluate(session=session, now=now or utcnow())
        session.commit()
        drafts = terminal_alerts.drafts(session=session, public_url=settings.public_url)
    return _deliver(engine, drafts)


def _deliver(engine: Engine, drafts: list[Draft]) -> RunReport:
    mail = get_settings().mail
    report = retry_failed(engine=engine, settings=mail)
    report.add(deliver(engine=engine, drafts=drafts, settings=mail))
    return report
