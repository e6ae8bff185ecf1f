"""Terminal outages on the board and the month pages, so missing data is not read as absence.

Each render asks `devices.outages.silences` once; whom a terminal serves is read from the unit
paths the page already holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from api.pages.i18n import translate
from attendance.models import Unit
from attendance.timeutil import local_day_bounds, to_local
from devices.outages import Outage, silences


def _device(outage: Outage, language: str) -> str:
    name = outage.name
    if language == "en" or name.lower().startswith("máy"):
        return name
    return f"Máy {name}"  # "cổng B" -> "Máy cổng B"


def board_outages(*, session: Session, unit: Unit, day: date, zone: ZoneInfo, staff: Iterable[dict[str, Any]],
                  paths: dict[int, str], language: str) -> list[str]:
    """A sentence per terminal silent on `day` that serves people of the board: since when, how many lack data."""
    start, end = local_day_bounds(day, zone)
    found = [o for o in silences(session=session, start=start, end=end) if o.concerns(unit.path)]
    if not found:
        return []
    rows = list(staff)
    sentences = []
    for outage in found:
        served = [r for r in rows if outage.serves(paths.get(r["unit_id"], unit.path))]
        without = sum(1 for r in served if not r["morning"].get("punches") and not r["afternoon"].get("punches"))
        since = to_local(outage.began_at, zone)
        params = {"device": _device(outage, language), "since": f"{since:%H:%M}", "n": without}
        if since.date() != day:
            params["since"] = f"{since:%H:%M %d/%m}"
        if outage.ended_at is None:
            sentences.append(translate("outage.open", language, **params))
        else:
            until = to_local(outage.ended_at, zone)
            sentences.append(translate("outage.ended", language, until=f"{until:%H:%M}", **params))
    return sentences


def outage_days(*, session: Session, first: date, last: date, zone: ZoneInfo, unit_path: str,
                whole_subtree: bool, language: str) -> dict[date, list[str]]:
    """Local dates of [first, last] on which a terminal serving `unit_path` was silent -> what was down.

    `whole_subtree`: terminals of any department under the unit count too (the unit's month page);
    otherwise only terminals the unit's people punch at (a person's month).
    """
    start, _ = local_day_bounds(first, zone)
    _, end = local_day_bounds(last, zone)
    days: dict[date, list[str]] = {}
    for outage in silences(session=session, start=start, end=end):
        if not (outage.concerns(unit_path) if whole_subtree else outage.serves(unit_path)):
            continue
        since, until = to_local(outage.began_at, zone), to_local(outage.ended_at, zone) if outage.ended_at else None
        span = f"{since:%H:%M %d/%m} – {until:%H:%M %d/%m}" if until else translate(
            "outage.since", language, since=f"{since:%H:%M %d/%m}")
        text = translate("outage.day", language, device=_device(outage, language), span=span)
        for day in outage.local_days(zone):
            if first <= day <= last and text not in days.setdefault(day, []):
                days[day].append(text)
    return days
