"""A person's month: a calendar of sessions in colours, the punches behind them, the leave balance."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Form
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from api.auth.principal import Principal
from api.auth.roles import Permission
from api.deps import SessionDep
from api.pages.deps import PageForbidden, PageRoute, PageUser, require, require_staff
from api.pages.form_types import LocalDate, LocalTime
from api.pages.i18n import language_of, translate
from api.pages.outages import outage_days
from api.pages.params import IdPath, MonthQuery, YearQuery
from api.pages.render import flash_redirect, render
from attendance import verify_modes
from attendance.errors import InvalidInput
from attendance.leave import add_manual_punch
from attendance.models import Staff, Unit
from attendance.queries import person_month
from attendance.staff import get_staff
from attendance.zones import unit_today, unit_zone, unit_zone_by_id
from recognition.attempts import evidence_list

router = APIRouter(route_class=PageRoute)

_FAULTS = ("late", "left_early", "late_and_left_early", "missing_check_in", "missing_check_out", "absent")


@router.get("/me", include_in_schema=False)
def my_month(user: PageUser) -> Response:
    if user.staff_id is None:
        raise PageForbidden
    return RedirectResponse(f"/people/{user.staff_id}/month", status_code=303)


@router.get("/people/{staff_id}/month", response_class=HTMLResponse, include_in_schema=False)
def month_page(request: Request, session: SessionDep, user: PageUser, staff_id: IdPath, year: YearQuery = None,
               month: MonthQuery = None) -> HTMLResponse:
    staff = get_staff(session=session, staff_id=staff_id)
    require_staff(user, staff_id=staff_id, unit_id=staff.unit_id)
    now = unit_today(session=session, unit=session.get(Unit, staff.unit_id))
    year, month = year or now.year, month or now.month
    if not 2000 <= year <= 2100:
        raise InvalidInput(code="year.out_of_range", year=year)
    data = person_month(session=session, staff_id=staff_id, year=year, month=month)
    punches: dict[str, list[dict]] = defaultdict(list)
    language = language_of(request)
    for punch in data["punches"]:
        punches[punch["at"][:10]].append({**punch, "verify_label": verify_modes.label(punch["verify"], language)})
    first = date(year, month, 1)
    faults = {d["date"] for d in data["days"]
              if d["morning"]["status"] in _FAULTS or d["afternoon"]["status"] in _FAULTS}
    previous = (year - 1, 12) if month == 1 else (year, month - 1)
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    return render(request, "person_month.html", {
        "staff": staff, "data": data, "punches": punches, "blanks": first.weekday(), "faults": faults,
        "today": now.isoformat(), "previous": previous, "following": following,
        "own": user.staff_id == staff_id,
        "can_add_punch": user.can(Permission.PUNCHES_MANUAL) and user.staff_id != staff_id,
        "evidence": _evidence(session, user, staff_id, first, following),
        "outage_days": _outage_days(session, staff, first, language),
    }, user=user)


def _outage_days(session: Session, staff: Staff, first: date, language: str) -> dict[str, list[str]]:
    """ISO date -> the terminals serving the person that were silent that day."""
    unit = session.get(Unit, staff.unit_id)
    if unit is None:
        return {}
    last = (date(first.year + first.month // 12, first.month % 12 + 1, 1) - timedelta(days=1))
    days = outage_days(session=session, first=first, last=last, zone=unit_zone(session=session, unit=unit),
                       unit_path=unit.path, whole_subtree=False, language=language)
    return {day.isoformat(): texts for day, texts in days.items()}


def _evidence(session: Session, user: Principal, staff_id: int, first: date, following: tuple[int, int]) -> list:
    """The camera's deciding frames of this month's face punches: only with the biometric grant."""
    if not user.can(Permission.BIOMETRICS_MANAGE):
        return []
    staff = get_staff(session=session, staff_id=staff_id)
    zone = unit_zone_by_id(session=session, unit_id=staff.unit_id)
    start = datetime.combine(first, time.min, zone)
    end = datetime.combine(date(following[0], following[1], 1), time.min, zone)
    return evidence_list(session=session, staff_ids={staff_id}, start=start, end=end, limit=200)


@router.post("/people/{staff_id}/punches", include_in_schema=False)
def manual_punch(request: Request, session: SessionDep, user: PageUser, staff_id: IdPath,
                 day: Annotated[LocalDate, Form()], at: Annotated[LocalTime, Form()],
                 reason: Annotated[str, Form(max_length=1000)]) -> Response:
    """HR records a punch the person made but no device kept (a new ledger entry with its reason)."""
    require(user, Permission.PUNCHES_MANUAL)
    staff = get_staff(session=session, staff_id=staff_id)
    require_staff(user, staff_id=staff_id, unit_id=staff.unit_id)
    # The form's date and time are the person's own clock: their unit's zone, not the server's.
    moment = datetime.combine(day, at).replace(tzinfo=unit_zone_by_id(session=session, unit_id=staff.unit_id))
    result = add_manual_punch(session=session, staff=staff, at=moment, reason=reason, actor=user.actor,
                              actor_staff_id=user.staff_id)
    key = "month.punch_added" if result.stored else "month.punch_duplicate"
    return flash_redirect(session, f"/people/{staff_id}/month?year={day.year}&month={day.month}",
                          translate(key, language_of(request), at=f"{at:%H:%M} {day:%d/%m/%Y}"))
