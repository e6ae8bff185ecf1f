"""Dates, times and months as people type them in Vietnam: dd/mm/yyyy, 24-hour HH:MM, mm/yyyy.

ISO forms (yyyy-mm-dd, yyyy-mm) are accepted too, so links and API-style values keep working."""

from __future__ import annotations

import re
from datetime import date, time

from attendance.errors import InvalidInput

_DMY = re.compile(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*")
_ISO = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*")
_HM = re.compile(r"\s*(\d{1,2})[:hg.](\d{2})\s*")
_MY = re.compile(r"\s*(\d{1,2})[/.-](\d{4})\s*")
_ISO_MONTH = re.compile(r"\s*(\d{4})-(\d{1,2})\s*")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_day(value: str) -> date:
    """'02/12/2026' or '2026-12-02' -> date(2026, 12, 2); InvalidInput otherwise."""
    if (match := _DMY.fullmatch(value)) is not None:
        day, month, year = (int(part) for part in match.groups())
    elif (match := _ISO.fullmatch(value)) is not None:
        year, month, day = (int(part) for part in match.groups())
    else:
        raise InvalidInput(code="day.not_a_date", value=value)
    try:
        result = date(year, month, day)
    except ValueError as err:
        raise InvalidInput(code="day.not_a_date", value=value) from err
    if not FIRST_YEAR <= result.year <= LAST_YEAR:
        raise InvalidInput(code="day.out_of_range")
    return result


def parse_clock(value: str) -> time:
    """'7:30', '07:30', '13h05' -> a time on the 24-hour clock; InvalidInput otherwise."""
    match = _HM.fullmatch(value)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise InvalidInput(code="time.not_a_time", value=value)
    return time(int(match[1]), int(match[2]))


def parse_month(value: str) -> tuple[int, int]:
    """'12/2026' or '2026-12' -> (2026, 12); InvalidInput otherwise."""
    if (match := _MY.fullmatch(value)) is not None:
        month, year = int(match[1]), int(match[2])
    elif (match := _ISO_MONTH.fullmatch(value)) is not None:
        year, month = int(match[1]), int(match[2])
    else:
        raise InvalidInput(code="month.not_a_month", value=value)
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        raise InvalidInput(code="month.not_a_month", value=value)
    return year, month
