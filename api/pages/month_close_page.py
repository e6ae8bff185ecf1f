"""Closing and reopening a month from the browser, beside the unit's rules that the closing freezes:
discipline thresholds, the timesheet's symbols and legal basis, the deduction table. The buttons call
the functions the reports API calls (close_month, reopen_month, set_report_rules), each audited."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from api.auth.principal import Principal
from api.auth.roles import Permission
from api.deps import SessionDep
from api.pages.deps import PageRoute, PageUser, require
from api.pages.i18n import language_of, translate
from api.pages.params import IdQuery
from api.pages.render import flash_redirect, render
from api.pages.scope import chosen_unit, today, visible_units
from api.services.records import update_unit
from attendance.errors import AttendanceError, Conflict, InvalidInput, NotFound
from attendance.leave import unit_needs_second_approval
from attendance.local_input import parse_day, parse_month
from attendance.models import Unit
from attendance.month_lock import closure_covering
from attendance.reports.closing import close_month, reopen_month
from attendance.reports.common import month_range
from attendance.reports.config import DEDUCTIBLE, Thresholds, UnitReportRules, rules_for, set_report_rules
from attendance.reports.symbol_edit import SYMBOL_CODE_MAX, SYMBOL_LABEL_MAX, renamed

router = APIRouter(route_class=PageRoute)

THRESHOLDS = tuple(Thresholds.model_fields)
# The switch's choices: blank = as the parent unit (None), else on or off for this unit and below.
TWO_STEP_CHOICES: dict[str, bool | None] = {"": None, "on": True, "off": False}
Text = Annotated[str, Form(max_length=300)]


@router.get("/month/close", response_class=HTMLResponse, include_in_schema=False)
def month_close_page(request: Request, session: SessionDep, user: PageUser, unit: IdQuery = None,
                     month: str | None = None) -> HTMLResponse:
    return _view(request, session, user, unit_id=unit, month=month)


@router.post("/month/close", include_in_schema=False)
def month_close(request: Request, session: SessionDep, user: PageUser, unit: Annotated[int, Form()],
                month: Annotated[str, Form(max_length=10)]) -> Response:
    chosen, year, number = _target(session, user, unit, month)
    try:
        close_month(session=session, unit=chosen, year=year, month=number, actor=user.actor)
    except AttendanceError as err:
        session.rollback()
        return _view(request, session, user, unit_id=unit, month=month, error=err.message(language_of(request)),
                     status=_status(err))
    return flash_redirect(session, _url(unit, year, number), translate("close.closed", language_of(request),
                                                                       month=f"{number:02d}/{year}"))


@router.post("/month/reopen", include_in_schema=False)
def month_reopen(request: Request, session: SessionDep, user: PageUser, unit: Annotated[int, Form()],
                 month: Annotated[str, Form(max_length=10)], reason: Annotated[str, Form(max_length=2000)] = ""
                 ) -> Response:
    chosen, year, number = _target(session, user, unit, month)
    try:
        reopen_month(session=session, unit=chosen, year=year, month=number, actor=user.actor, reason=reason)
    except AttendanceError as err:
        session.rollback()
        return _view(request, session, user, unit_id=unit, month=month, error=err.message(language_of(request)),
                     form={"reason": reason}, status=_status(err))
    return flash_redirect(session, _url(unit, year, number), translate("close.reopened", language_of(request),
                                                                       month=f"{number:02d}/{year}"))


@router.post("/month/approval", include_in_schema=False)
def month_approval(request: Request, session: SessionDep, user: PageUser, unit: Annotated[int, Form()],
                   month: Annotated[str, Form(max_length=10)], two_step: Annotated[str, Form(max_length=8)] = ""
                   ) -> Response:
    """The unit's two-step approval switch, through the change the units API makes (audited)."""
    chosen, year, number = _target(session, user, unit, month)
    require(user, Permission.UNITS_WRITE)
    setting = TWO_STEP_CHOICES.get(two_step)
    update_unit(session=session, unit=chosen, changes={"two_step_approval": setting}, actor=user.actor)
    return flash_redirect(session, _url(unit, year, number) + "#approval", translate("common.saved",
                                                                                    language_of(request)))


@router.post("/month/rules", include_in_schema=False)
async def month_rules(request: Request, session: SessionDep, user: PageUser, unit: Annotated[int, Form()],
                      month: Annotated[str, Form(max_length=10)], valid_from: Annotated[str, Form(max_length=20)],
                      symbol_name: Text = "", form_code: Text = "", basis: Text = "", note: Text = "",
                      max_points: Text = "", cap: Text = "", deduction_note: Text = "") -> Response:
    chosen, year, number = _target(session, user, unit, month)
    fields = await request.form()
    typed = {k: str(v) for k, v in fields.items()}
    language = language_of(request)
    try:
        thresholds = {key: _whole(typed.get(f"t_{key}", ""), language) for key in THRESHOLDS}
        points = {key: _decimal(typed.get(f"p_{key}", ""), language) for key in DEDUCTIBLE}
        deductions = None
        if max_points.strip():
            deductions = {"max_points": _decimal(max_points, language), "cap": _decimal(cap, language),
                          "note": deduction_note.strip(), "points": {k: v for k, v in points.items() if v}}
        symbols = {key: value.strip() for key, value in (("name", symbol_name), ("form_code", form_code),
                                                          ("basis", basis)) if value.strip()}
        symbols.update(_symbol_edits(typed, rules_for(session=session, unit=chosen, on=parse_day(valid_from))))
        set_report_rules(session=session, unit_id=chosen.id, valid_from=parse_day(valid_from), thresholds=thresholds,
                         symbols=symbols or None, deductions=deductions, note=note.strip(), actor=user.actor)
    except AttendanceError as err:
        session.rollback()
        return _view(request, session, user, unit_id=unit, month=month, error=err.message(language), form=typed)
    return flash_redirect(session, _url(unit, year, number), translate("common.saved", language))


def _symbol_edits(typed: dict[str, str], rules: UnitReportRules) -> dict[str, Any]:
    """The symbols as typed (row i: was `s_was_i`, now `s_code_i` / `s_label_i`), none if unchanged."""
    edits = [(typed[f"s_was_{i}"], typed.get(f"s_code_{i}", ""), typed.get(f"s_label_{i}", ""))
             for i in range(len(rules.symbols.symbols)) if f"s_was_{i}" in typed]
    current = rules.symbols.model_dump(mode="json")
    changed = renamed(current, edits) if edits else current
    return {} if changed["symbols"] == current["symbols"] else changed


def _view(request: Request, session: SessionDep, user: Principal, *, unit_id: int | None, month: str | None,
          error: str | None = None, form: dict[str, str] | None = None, status: int = 422) -> HTMLResponse:
    require(user, Permission.REPORTS_CLOSE)
    chosen = chosen_unit(session=session, principal=user, unit_id=unit_id)
    year, number = parse_month(month) if month else _previous_month()
    context: dict[str, Any] = {"units": visible_units(session=session, principal=user), "unit": chosen,
                               "month": f"{year:04d}-{number:02d}", "year": year, "number": number,
                               "thresholds": THRESHOLDS, "deductible": DEDUCTIBLE,
                               "code_max": SYMBOL_CODE_MAX, "label_max": SYMBOL_LABEL_MAX, "error": error, "form": form or {}}
    if chosen is not None:
        first, _ = month_range(year, number)
        covering = closure_covering(session=session, unit=chosen, year=year, month=number)
        context.update(two_step=(chosen.two_step_approval,
                                 unit_needs_second_approval(session=session, unit=chosen)),
                       may_switch=user.can(Permission.UNITS_WRITE))
        context.update(rules=rules_for(session=session, unit=chosen, on=first), first_day=first,
                       closure=covering[0] if covering else None, closed_for=covering[1] if covering else None)
    return render(request, "month_close.html", context, user=user, status_code=status if error else 200)


def _target(session: SessionDep, user: Principal, unit_id: int, month: str) -> tuple[Unit, int, int]:
    require(user, Permission.REPORTS_CLOSE)
    chosen = chosen_unit(session=session, principal=user, unit_id=unit_id)
    assert chosen is not None
    year, number = parse_month(month)
    return chosen, year, number


def _status(err: AttendanceError) -> int:
    return 409 if isinstance(err, Conflict) else 404 if isinstance(err, NotFound) else 422


def _previous_month() -> tuple[int, int]:
    now = today()
    return (now.year, now.month - 1) if now.month > 1 else (now.year - 1, 12)


def _url(unit: int, year: int, month: int) -> str:
    return f"/month/close?unit={unit}&month={year:04d}-{month:02d}"


def _whole(text: str, language: str) -> int | None:
    """A threshold as typed: blank = not checked."""
    if not text.strip():
        return None
    try:
        return int(text.strip())
    except ValueError:
        raise InvalidInput(translate("close.not_a_number", language, value=text)) from None


def _decimal(text: str, language: str) -> float | None:
    """Points as typed, with a decimal comma or point: "0,5" = 0.5; blank = none."""
    if not text.strip():
        return None
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        raise InvalidInput(translate("close.not_a_number", language, value=text)) from None
