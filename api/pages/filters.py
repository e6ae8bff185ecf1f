"""Jinja filters that write numbers, dates, times and durations the page's language's way (Babel)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from attendance import formatting
from config import get_settings


def install_filters(env: Environment) -> None:
    """`{{ x|number }}`, `|percent`, `|day`, `|clock`, `|instant`, `|seconds`, `|minutes` in every template."""
    env.filters.update(number=_number, percent=_percent, day=_day, clock=_clock, instant=_instant,
                       seconds=_seconds, minutes=_minutes)


def _lang(context: Context) -> str:
    return str(context.get("lang") or "vi")


@pass_context
def _number(context: Context, value: Any, digits: int = 1) -> str:
    return formatting.format_number(value, _lang(context), digits=digits)


@pass_context
def _percent(context: Context, value: Any) -> str:
    return formatting.format_percent(value, _lang(context))


def _day(value: date | str | None) -> str:
    try:
        return formatting.format_day(value)
    except ValueError:  # what someone typed, shown back to them as it was
        return str(value)


def _clock(value: datetime | time | str | None) -> str:
    if isinstance(value, str):
        return value[11:16] if "T" in value else value
    return formatting.format_clock(value, get_settings().zone)


@pass_context
def _instant(context: Context, value: datetime | str | None) -> str:
    # The page's unit zone when the view supplies one, else the service's.
    zone = context.get("zone") or get_settings().zone
    return formatting.format_instant(value, zone)


@pass_context
def _seconds(context: Context, value: float | None) -> str:
    return formatting.format_seconds(value, _lang(context))


@pass_context
def _minutes(context: Context, value: float | None) -> str:
    return formatting.format_minutes(value, _lang(context))
