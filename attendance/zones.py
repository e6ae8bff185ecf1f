"""A unit's time zone: its own, else its nearest ancestor's, else the service's default.

Every local date and time of a unit (evaluation, board, live feed, reports, pages) comes from
here; the service's zone (ATTENDANCE_TIMEZONE) never changes a unit that declares one.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from attendance.models import Unit
from attendance.org import ancestors
from attendance.timeutil import utcnow
from config import get_settings


def unit_zone(*, session: Session, unit: Unit | None) -> ZoneInfo:
    """The zone the unit's local dates and session times are in."""
    if unit is not None:
        for candidate in ancestors(session=session, unit=unit):
            if candidate.timezone:
                return ZoneInfo(candidate.timezone)
    return ZoneInfo(get_settings().timezone)


def unit_zone_by_id(*, session: Session, unit_id: int | None) -> ZoneInfo:
    return unit_zone(session=session, unit=session.get(Unit, unit_id) if unit_id is not None else None)


def unit_today(*, session: Session, unit: Unit | None, now: datetime | None = None) -> date:
    """Today's date where the unit is."""
    return (now or utcnow()).astimezone(unit_zone(session=session, unit=unit)).date()
