"""Form and query value types for dates and times typed as dd/mm/yyyy and 24-hour HH:MM.

Native date and time pickers follow the browser's language (mm/dd/yyyy, 07:30 AM in an English
Chrome), so the pages use text fields and the server reads the Vietnamese forms."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Any

from pydantic import BeforeValidator

from attendance.local_input import parse_clock, parse_day


def _day(value: Any) -> Any:
    if isinstance(value, str):
        return parse_day(value) if value.strip() else None
    return value


def _clock(value: Any) -> Any:
    return parse_clock(value) if isinstance(value, str) else value


LocalDate = Annotated[date, BeforeValidator(_day)]
OptionalLocalDate = Annotated[date | None, BeforeValidator(_day)]
LocalTime = Annotated[time, BeforeValidator(_clock)]
