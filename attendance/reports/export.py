"""One way in for report files: (kind, format, unit path, month) -> bytes, for the CLI and the API."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Session

from attendance.errors import InvalidInput
from attendance.org import get_unit_by_path
from attendance.reports.closing import discipline_report, timesheet_report
from attendance.reports.common import parse_month


class ReportKind(StrEnum):
    DISCIPLINE = "discipline"
    TIMESHEET = "timesheet"


class ReportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"
    PDF = "pdf"


MEDIA_TYPES = {
    ReportFormat.JSON: "application/json",
    ReportFormat.CSV: "text/csv; charset=utf-8",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.PDF: "application/pdf",
}


@dataclass(frozen=True, slots=True)
class ReportFile:
    content: bytes
    media_type: str
    filename: str
    data: dict[str, Any]


def report_data(*, session: Session, kind: str, unit_path: str, month: str,
                now: datetime | None = None) -> dict[str, Any]:
    """The report's figures as plain data (frozen when the month is closed)."""
    report_kind = _enum(ReportKind, kind, "report")
    unit = get_unit_by_path(session=session, path=unit_path)
    year, number = parse_month(month)
    build = discipline_report if report_kind is ReportKind.DISCIPLINE else timesheet_report
    return build(session=session, unit=unit, year=year, month=number, now=now)


def render(data: dict[str, Any], fmt: str) -> bytes:
    """Report data -> file bytes; the same data always gives the same bytes."""
    report_format = _enum(ReportFormat, fmt, "format")
    if report_format is ReportFormat.JSON:
        return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    return _writer(data["kind"], report_format)(data)


def report_file(*, session: Session, kind: str, unit_path: str, month: str, fmt: str,
                now: datetime | None = None, progress: Callable[[str], None] | None = None) -> ReportFile:
    """Compute (or load the frozen) report and render it; `progress` hears each step."""
    report_format = _enum(ReportFormat, fmt, "format")
    if progress:
        progress("Đang tính số liệu…")
    data = report_data(session=session, kind=kind, unit_path=unit_path, month=month, now=now)
    if progress:
        progress("Đang xuất tệp…")
    content = render(data, report_format)
    slug = data["unit"]["path"].replace(" / ", "_").replace(" ", "-")
    return ReportFile(content, MEDIA_TYPES[report_format], f"{kind}_{data['month']}_{slug}.{report_format}", data)


def _writer(kind: str, fmt: ReportFormat) -> Callable[[dict[str, Any]], bytes]:
    # Writers are imported on demand: matplotlib and reportlab cost a second to import.
    if kind == ReportKind.DISCIPLINE:
        if fmt is ReportFormat.CSV:
            from attendance.reports.writers.csvfile import discipline_csv as writer
        elif fmt is ReportFormat.XLSX:
            from attendance.reports.writers.xlsx_discipline import discipline_xlsx as writer
        else:
            from attendance.reports.writers.pdf_discipline import discipline_pdf as writer
    elif fmt is ReportFormat.CSV:
        from attendance.reports.writers.csvfile import timesheet_csv as writer
    elif fmt is ReportFormat.XLSX:
        from attendance.reports.writers.xlsx_timesheet import timesheet_xlsx as writer
    else:
        from attendance.reports.writers.pdf_timesheet import timesheet_pdf as writer
    return writer


def _enum(enum_type, value, what):  # type: ignore[no-untyped-def]
    try:
        return enum_type(value)
    except ValueError as err:
        allowed = ", ".join(e.value for e in enum_type)
        raise InvalidInput(code="choice.unknown", what=what, value=value, allowed=allowed) from err
