"""`attendance report discipline|timesheet|close|reopen`."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from attendance.db import session_scope
from attendance.errors import AttendanceError
from attendance.org import get_unit_by_path
from attendance.reports.closing import close_month, closure_json, reopen_month
from attendance.reports.common import parse_month
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


def _fail(err: AttendanceError) -> None:
    console.print(f"[red]Lỗi:[/red] {err}")
    raise typer.Exit(2) from err
