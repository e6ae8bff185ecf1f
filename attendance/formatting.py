"""Numbers, dates, times and durations as Vietnamese (CLDR vi_VN, through Babel) or English writes them."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

LOCALES = {"vi": "vi_VN", "en": "en_GB"}
DATE_PATTERN = "dd/MM/yyyy"  # the Vietnamese administrative form, in both languages
TIME_PATTERN = "HH:mm"  # 24-hour clock, in both languages


def locale_of(language: str) -> str:
    return LOCALES.get(language, LOCALES["vi"])


def format_number(value: float | int | Decimal | None, language: str = "vi", *, digits: int = 1) -> str:
    """1234567.5 -> '1.234.567,5' (vi) or '1,234,567.5' (en); at most `digits` decimals, none when whole."""
    if value is None:
        return ""
    return _number_pattern(digits).apply(value, _locale(locale_of(language)))


def format_percent(value: float | None, language: str = "vi") -> str:
    """0.58 -> '58%'."""
    if value is None:
        return ""
    return _percent_pattern().apply(value, _locale(locale_of(language)))


def format_day(value: date | str | None) -> str:
    """2026-12-02 -> '02/12/2026'."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return _date_pattern(DATE_PATTERN).apply(value, _locale("vi_VN"))


def format_clock(value: datetime | time | None, zone: ZoneInfo | None = None) -> str:
    """A time of day on the 24-hour clock, '07:45'; an aware instant is first put in `zone`."""
    if value is None:
        return ""
    if isinstance(value, datetime) and zone is not None and value.tzinfo is not None:
        value = value.astimezone(zone)
    return _date_pattern(TIME_PATTERN).apply(value, _locale("vi_VN"))


def format_instant(value: datetime | str | None, zone: ZoneInfo) -> str:
    """An instant as the unit's local wall clock: '02/12/2026 22:03' (never ISO, never UTC)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    local = value.astimezone(zone) if value.tzinfo is not None else value
    return f"{format_day(local.date())} {format_clock(local)}"


def format_seconds(value: float | None, language: str = "vi") -> str:
    """-0.8 -> '-0,8 giây' (vi) or '-0.8 s' (en)."""
    if value is None:
        return ""
    unit = "giây" if language == "vi" else "s"
    return f"{format_number(value, language)} {unit}"


def format_minutes(value: int | float | None, language: str = "vi") -> str:
    """394 -> '394 phút' (vi) or '394 min' (en): minutes written out, not '394′'."""
    if value is None:
        return ""
    unit = "phút" if language == "vi" else "min"
    return f"{format_number(value, language)} {unit}"


# Parsing a CLDR pattern and loading a locale cost far more than applying them: a board formats thousands.
@lru_cache(maxsize=8)
def _locale(name: str) -> Locale:
    return Locale.parse(name)


@lru_cache(maxsize=8)
def _number_pattern(digits: int) -> babel_numbers.NumberPattern:
    return babel_numbers.parse_pattern("#,##0" + ("." + "#" * digits if digits > 0 else ""))


@lru_cache(maxsize=1)
def _percent_pattern() -> babel_numbers.NumberPattern:
    return babel_numbers.parse_pattern("#,##0%")


@lru_cache(maxsize=4)
def _date_pattern(pattern: str) -> babel_dates.DateTimePattern:
    return babel_dates.parse_pattern(pattern)
