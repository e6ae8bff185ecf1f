"""The month: discipline figures per department and person, two charts, and the report downloads."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter
from sqlmodel import col, select
from starlette.requests import Request
from starlette.responses import HTMLResponse

from api.auth.roles import Permission
from api.deps import SessionDep
from api.pages.charts import hbar_chart, histogram
from api.pages.deps import PageRoute, PageUser, require
from api.pages.i18n import language_of, translate
from api.pages.outages import outage_days
from api.pages.params import IdQuery
from api.pages.render import render
from api.pages.scope import chosen_unit, today, visible_units
from attendance.calendar import day_schedule
from attendance.formatting import format_minutes, format_number
from attendance.local_input import parse_month
from attendance.models import Staff
from attendance.month_lock import arrived_after_closing
from attendance.reports.closing import closure_covering, discipline_report
from attendance.zones import unit_today, unit_zone

router = APIRouter(route_class=PageRoute)

# The report files served by api/routes/reports.py: (label key, kind, format).
DOWNLOADS = [("rep.dl.discipline_xlsx", "discipline", "xlsx"), ("rep.dl.discipline_pdf", "discipline", "pdf"),
             ("rep.dl.discipline_csv", "discipline", "csv"), ("rep.dl.timesheet_xlsx", "timesheet", "xlsx"),
             ("rep.dl.timesheet_pdf", "timesheet", "pdf")]


@router.get("/month", response_class=HTMLResponse, include_in_schema=False)
def month_page(request: Request, session: SessionDep, user: PageUser, unit: IdQuery = None,
               month: str | None = None) -> HTMLResponse:
    require(user, Permission.REPORTS_READ)
    language = language_of(request)
    year, number = _parse_month(month)
    chosen = chosen_unit(session=session, principal=user, unit_id=unit)
    context: dict = {"units": visible_units(session=session, principal=user), "unit": chosen,
                     "month": f"{year:04d}-{number:02d}", "year": year, "number": number, "report": None}
    if chosen is not None:
        report = discipline_report(session=session, unit=chosen, year=year, month=number)
        departments = report["departments"]
        context["report"] = report
        context["late_chart"] = hbar_chart(
            [(d["department"], d["late_count"], f"{format_number(d['late_count'], language)} ({format_minutes(d['late_minutes'], language)})") for d in departments],
            title=translate("rep.by_dept", language))
        local_today = unit_today(session=session, unit=chosen)
        start = day_schedule(session=session, unit=chosen, day=local_today).morning.start.strftime("%H:%M")
        context["arrival_chart"] = histogram(report["arrival_bins"]["morning"], report["arrivals"]["morning"],
                                             title=translate("rep.arrivals", language), mark=start)
        query = urlencode({"unit": chosen.path, "month": context["month"]})
        context["downloads"] = [(translate(key, language), f"/api/reports/{kind}?{query}&format={fmt}")
                                for key, kind, fmt in DOWNLOADS]
        codes = [p["code"] for p in report["people"]]
        context["staff_ids"] = dict(session.exec(select(Staff.code, Staff.id).where(col(Staff.code).in_(codes)))
                                    .all()) if codes else {}
        context["closed"] = closure_covering(session=session, unit=chosen, year=year, month=number) is not None
        context["after_closing"] = arrived_after_closing(session=session, unit=chosen, year=year, month=number)
        last = date(year + number // 12, number % 12 + 1, 1) - timedelta(days=1)
        context["outage_days"] = sorted(outage_days(
            session=session, first=date(year, number, 1), last=last, zone=unit_zone(session=session, unit=chosen),
            unit_path=chosen.path, whole_subtree=True, language=language).items())
    return render(request, "month.html", context, user=user)


def _parse_month(value: str | None) -> tuple[int, int]:
    if not value:
        now = today()
        return now.year, now.month
    return parse_month(value)
