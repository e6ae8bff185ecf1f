"""Monthly reports: discipline report and C01-HD timesheets as files or JSON; month closing."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from api.auth.principal import Principal
from api.auth.roles import Permission
from api.deps import SessionDep, require
from api.services.scope import ensure_unit_in_scope
from attendance.models import Unit
from attendance.org import get_unit_by_path
from attendance.reports.closing import close_month, closure_covering, closure_json, reopen_month
from attendance.reports.common import parse_month
from attendance.reports.export import ReportFormat, ReportKind, report_file

router = APIRouter(prefix="/reports", tags=["reports"])

ReportsRead = Annotated[Principal, Depends(require(Permission.REPORTS_READ))]
ReportsClose = Annotated[Principal, Depends(require(Permission.REPORTS_CLOSE))]
UnitQuery = Annotated[str, Query(min_length=1, max_length=1000, description="unit path, e.g. 'UBND xã Tân Phú'")]
MonthQuery = Annotated[str, Query(pattern=r"^\d{4}-\d{1,2}$", description="YYYY-MM")]


class MonthAction(BaseModel):
    unit: str = Field(min_length=1, max_length=1000)
    month: str = Field(pattern=r"^\d{4}-\d{1,2}$")


class ReopenAction(MonthAction):
    reason: str = Field(min_length=1, max_length=2000)


@router.get("/{kind}", summary="Discipline report or timesheets of a unit for a month (json, csv, xlsx, pdf)")
def get_report(session: SessionDep, principal: ReportsRead, kind: ReportKind, unit: UnitQuery, month: MonthQuery,
               format: ReportFormat = ReportFormat.JSON) -> Response:
    found = _unit(session, principal, unit)
    result = report_file(session=session, kind=kind, unit_path=found.path, month=month, fmt=format)
    ascii_name = result.filename.encode("ascii", "replace").decode().replace("?", "_")
    disposition = "inline" if format is ReportFormat.JSON else "attachment"
    return Response(result.content, media_type=result.media_type, headers={
        "Content-Disposition": f"{disposition}; filename=\"{ascii_name}\"; "
                               f"filename*=UTF-8''{quote(result.filename)}"})


@router.get("/closures/status", summary="Whether a unit's month is closed (by itself or an ancestor)")
def closure_status(session: SessionDep, principal: ReportsRead, unit: UnitQuery,
                   month: MonthQuery) -> dict[str, object]:
    found = _unit(session, principal, unit)
    year, number = parse_month(month)
    covering = closure_covering(session=session, unit=found, year=year, month=number)
    if covering is None:
        return {"unit": found.path, "month": f"{year:04d}-{number:02d}", "status": "open"}
    return {**closure_json(covering[0], covering[1]), "unit": found.path, "closed_for": covering[1].path}


@router.post("/close", summary="Close a month: freeze its figures")
def close(session: SessionDep, principal: ReportsClose, body: MonthAction) -> dict[str, object]:
    found = _unit(session, principal, body.unit)
    year, number = parse_month(body.month)
    row = close_month(session=session, unit=found, year=year, month=number, actor=principal.actor)
    return closure_json(row, found)


@router.post("/reopen", summary="Reopen a closed month (audited, with a reason)")
def reopen(session: SessionDep, principal: ReportsClose, body: ReopenAction) -> dict[str, object]:
    found = _unit(session, principal, body.unit)
    year, number = parse_month(body.month)
    row = reopen_month(session=session, unit=found, year=year, month=number, actor=principal.actor,
                       reason=body.reason)
    return closure_json(row, found)


def _unit(session: Session, principal: Principal, path: str) -> Unit:
    found = get_unit_by_path(session=session, path=path)
    ensure_unit_in_scope(principal, found.id)
    return found
