"""`attendance staff import FILE`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress

from attendance.db import session_scope
from attendance.errors import AttendanceError
from attendance.staff_import import import_staff

app = typer.Typer(no_args_is_help=True, help="Staff records.")
console = Console()


@app.command("import")
def import_(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV or XLSX with a header row."),
    actor: str = typer.Option("cli", help="Who is importing (for the audit log)."),
) -> None:
    """Create or update staff from a CSV/XLSX file (code, full_name, unit, pin[, card, position, start_date])."""
    try:
        with session_scope() as session, Progress(console=console, transient=True) as progress:
            task = progress.add_task("Đang nhập danh sách cán bộ…", total=None)
            report = import_staff(session=session, path=file, actor=actor,
                                  progress=lambda done, total: progress.update(task, completed=done, total=total))
    except AttendanceError as err:
        console.print(f"[red]Lỗi:[/red] {err}")
        raise typer.Exit(2) from err
    console.print(f"Thêm mới {report.created}, cập nhật {report.updated}, không đổi {report.unchanged}, "
                  f"đơn vị mới {report.units_created}, lỗi {len(report.errors)}.")
    for error in report.errors:
        console.print(f"  dòng {error.row}: {error.reason}")
    if report.errors:
        raise typer.Exit(1)
