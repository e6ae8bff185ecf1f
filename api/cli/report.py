"""`attendance report discipline|timesheet|close|reopen`."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from attendance.db import session_scope
from attendance.errors import AttendanceError, InvalidInput
from attendance.org import get_unit_by_path
from attendance.reports.closing import close_month, closure_json, reopen_month
from attendance.reports.common import parse_month
from attendance.reports.config import rules_for, set_report_rules
from attendance.reports.export import ReportFormat, ReportKind, report_file

app = typer.Typer(no_args_is_help=True, help="Monthly discipline report and C01-HD timesheet.")
console = Console(stderr=True)

UNIT_HELP = "Unit path as the staff import writes it, e.g. 'UBND xã Tân Phú / Văn phòng' (covers sub-units)."
MONTH_HELP = "Month, YYYY-MM."


@app.command()
def discipline(
    unit: str = typer.Option(..., help=UNIT_HELP),
    month: str = typer.Option(..., help=MONTH_HELP),
    format: ReportFormat = typer.Option(ReportFormat.XLSX, "--format", help="json | csv | xlsx | pdf"),
    output: Path | None = typer.Option(None, help="File to write ('-' = standard output); default: a name "
                                                  "made of the report, month and unit."),
) -> None:
    """The monthly discipline report (báo cáo chấp hành thời giờ làm việc)."""
    _export(ReportKind.DISCIPLINE, unit, month, format, output)


@app.command()
def timesheet(
    unit: str = typer.Option(..., help=UNIT_HELP),
    month: str = typer.Option(..., help=MONTH_HELP),
    format: ReportFormat = typer.Option(ReportFormat.XLSX, "--format", help="json | csv | xlsx | pdf"),
    output: Path | None = typer.Option(None, help="File to write ('-' = standard output)."),
) -> None:
    """The C01-HD timesheets (bảng chấm công), one per department."""
    _export(ReportKind.TIMESHEET, unit, month, format, output)


@app.command()
def close(
    unit: str = typer.Option(..., help=UNIT_HELP),
    month: str = typer.Option(..., help=MONTH_HELP),
    actor: str = typer.Option("cli", help="Who closes the month (for the audit log)."),
) -> None:
    """Close a month: its figures are frozen and its reports no longer change."""
    try:
        year, number = parse_month(month)
        with session_scope() as session:
            found = get_unit_by_path(session=session, path=unit)
            row = close_month(session=session, unit=found, year=year, month=number, actor=actor)
            info = closure_json(row, found)
    except AttendanceError as err:
        _fail(err)
    console.print(f"Đã khoá sổ {info['month']} cho {info['unit']} lúc {info['closed_at']}.")


@app.command()
def reopen(
    unit: str = typer.Option(..., help=UNIT_HELP),
    month: str = typer.Option(..., help=MONTH_HELP),
    reason: str = typer.Option(..., help="Why the month is reopened (kept in the audit log)."),
    actor: str = typer.Option("cli", help="Who reopens the month."),
) -> None:
    """Reopen a closed month (explicit and audited); its reports are computed live again."""
    try:
        year, number = parse_month(month)
        with session_scope() as session:
            found = get_unit_by_path(session=session, path=unit)
            info = closure_json(reopen_month(session=session, unit=found, year=year, month=number, actor=actor,
                                             reason=reason), found)
    except AttendanceError as err:
        _fail(err)
    console.print(f"Đã mở lại {info['month']} cho {info['unit']}.")


@app.command("set-rules")
def set_rules(
    unit: str = typer.Option("", help="Unit path; empty = every unit."),
    valid_from: str = typer.Option(..., "--from", help="First day the rules apply, YYYY-MM-DD."),
    thresholds: str = typer.Option("", help='JSON, e.g. \'{"late_count": 3, "absent_sessions": 1}\' (null = off).'),
    symbols: Path | None = typer.Option(None, exists=True, dir_okay=False,
                                        help="JSON file with a symbol set (see `show-rules`)."),
    deductions: str = typer.Option("", help='JSON deduction table for the monthly evaluation, e.g. \'{"max_points": '
                                           '10, "points": {"late_count": 0.5, "absent_sessions": 2}, "cap": 10}\' '
                                           '(the report then shows a suggested score; none without a table).'),
    note: str = typer.Option("", help="e.g. the number of the unit's internal rules (quy chế)."),
    actor: str = typer.Option("cli", help="Who sets the rules (for the audit log)."),
) -> None:
    """Set a unit's internal rules from a date: thresholds, timesheet symbols, deduction table."""
    try:
        start = _date(valid_from)
        with session_scope() as session:
            unit_id = get_unit_by_path(session=session, path=unit).id if unit.strip() else None
            set_report_rules(session=session, unit_id=unit_id, valid_from=start, note=note, actor=actor,
                             thresholds=_json(thresholds) if thresholds.strip() else None,
                             symbols=_json(symbols.read_text("utf-8")) if symbols else None,
                             deductions=_json(deductions) if deductions.strip() else None)
    except AttendanceError as err:
        _fail(err)
    console.print(f"Đã lưu quy chế báo cáo cho {unit or 'mọi đơn vị'} từ {start}.")


@app.command("show-rules")
def show_rules(
    unit: str = typer.Option(..., help=UNIT_HELP),
    on: str = typer.Option("", help="Day, YYYY-MM-DD (default: today)."),
) -> None:
    """Print, as JSON, the thresholds and symbol set in force for a unit."""
    try:
        day = _date(on) if on.strip() else date.today()
        with session_scope() as session:
            rules = rules_for(session=session, unit=get_unit_by_path(session=session, path=unit), on=day)
    except AttendanceError as err:
        _fail(err)
    sys.stdout.write(rules.model_dump_json(indent=2) + "\n")


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError as err:
        raise InvalidInput(f"not a date (YYYY-MM-DD): {value!r}") from err


def _json(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise InvalidInput(f"not valid JSON: {err}") from err
    if not isinstance(value, dict):
        raise InvalidInput("expected a JSON object")
    return value


def _export(kind: ReportKind, unit: str, month: str, fmt: ReportFormat, output: Path | None) -> None:
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    try:
        with session_scope() as session, Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("Đang chuẩn bị…", total=3)
            result = report_file(session=session, kind=kind, unit_path=unit, month=month, fmt=fmt,
                                 progress=lambda step: progress.update(task, description=step, advance=1))
            progress.update(task, description="Xong", advance=1)
    except AttendanceError as err:
        _fail(err)
    if output is not None and str(output) == "-":
        sys.stdout.buffer.write(result.content)
        return
    target = output or Path(result.filename)
    target.write_bytes(result.content)
    console.print(f"Đã ghi {target} ({len(result.content):,} byte).")


def _fail(err: AttendanceError) -> NoReturn:
    console.print(f"[red]Lỗi:[/red] {err}")
    raise typer.Exit(2) from err
