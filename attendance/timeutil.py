"""Time conversions: instants are UTC-aware; device and unit times are naive local."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_utc(moment: datetime, zone: str | ZoneInfo) -> datetime:
    """A naive local time in `zone` (or an aware time) as an aware UTC instant."""
    if moment.tzinfo is None:
        tz = ZoneInfo(zone) if isinstance(zone, str) else zone
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)


def to_local(instant: datetime, zone: str | ZoneInfo) -> datetime:
    """An instant as a naive local time in `zone`."""
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(tz).replace(tzinfo=None)


def local_day_bounds(day: date, zone: str | ZoneInfo, *, pad: timedelta = timedelta(0)) -> tuple[datetime, datetime]:
    """UTC instants bounding a local calendar day (widened by `pad` on both sides)."""
    start = to_utc(datetime.combine(day, time(0)) - pad, zone)
    end = to_utc(datetime.combine(day + timedelta(days=1), time(0)) + pad, zone)
    return start, end


def parse_hhmm(value: str) -> time:
    """'07:30' -> time(7, 30); raises ValueError with the bad value."""
    try:
        hours, minutes = value.strip().split(":")[:2]
        return time(int(hours), int(minutes))
    except (ValueError, AttributeError) as err:
        raise ValueError(f"not a time of day (HH:MM): {value!r}") from err


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware instants as UTC on every backend and always returns them UTC-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime given for a UTC column: {value!r}")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
