"""`attendance units merge|split`: mergers and splits of units from an effective date (audited)."""

from __future__ import annotations

import getpass

import typer
from rich.console import Console
from sqlmodel import col, select

from attendance.db import session_scope
from attendance.errors import AttendanceError
from attendance.local_input import parse_day
from attendance.mergers import UnitChange, merge_unit, split_unit
from attendance.models import Device, Staff
from attendance.org import get_unit_by_path
from attendance.terminal_values import serial_key

app = typer.Typer(no_args_is_help=True, help="Đơn vị: sáp nhập, chia tách từ một ngày.")
console = Console()


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


@app.command("merge")
def merge(
    source: str = typer.Argument(..., help="Đơn vị bị sáp nhập (đường dẫn), ví dụ 'UBND xã Tân Phú'."),
    target: str = typer.Argument(..., help="Đơn vị nhận (đường dẫn), ví dụ 'UBND xã Tân Hòa'."),
    effective: str = typer.Option(..., "--from", help="Ngày hiệu lực (dd/mm/yyyy)."),
) -> None:
    """Sáp nhập một đơn vị (và các phòng ban của nó) vào đơn vị khác từ một ngày; các tháng trước giữ nguyên."""
    try:
        with session_scope() as session:
            change = merge_unit(session=session, source=get_unit_by_path(session=session, path=source),
                                target=get_unit_by_path(session=session, path=target),
                                effective=parse_day(effective), actor=_actor())
    except AttendanceError as err:
        console.print(f"[red]Lỗi:[/red] {err.message('vi')}")
        raise typer.Exit(2) from err
    _print(change, f"Đã sáp nhập “{source}” vào “{target}”")


@app.command("split")
def split(
    source: str = typer.Argument(..., help="Đơn vị được chia tách (đường dẫn)."),
    new_unit: str = typer.Argument(..., help="Đơn vị mới (đường dẫn), ví dụ 'UBND xã Tân Phú / Phòng Văn hóa'."),
    effective: str = typer.Option(..., "--from", help="Ngày hiệu lực (dd/mm/yyyy)."),
    staff: str = typer.Option("", help="Mã cán bộ chuyển sang đơn vị mới, cách nhau bằng dấu phẩy."),
    devices: str = typer.Option("", "--devices", help="Số sê-ri máy chấm công chuyển theo, cách nhau bằng dấu phẩy."),
) -> None:
    """Chia tách: lập đơn vị mới và chuyển những cán bộ, máy chấm công đã chọn sang từ một ngày."""
    codes = [c.strip() for c in staff.split(",") if c.strip()]
    serials = [serial_key(s) for s in devices.split(",") if s.strip()]
    try:
        with session_scope() as session:
            people = list(session.exec(select(Staff).where(col(Staff.code).in_(codes)))) if codes else []
            terminals = list(session.exec(select(Device).where(col(Device.serial).in_(serials)))) if serials else []
            missing = set(codes) - {p.code for p in people} | set(serials) - {d.serial for d in terminals}
            if missing:
                console.print(f"[red]Lỗi:[/red] không tìm thấy: {', '.join(sorted(missing))}")
                raise typer.Exit(2)
            change = split_unit(session=session, source=get_unit_by_path(session=session, path=source),
                                new_path=new_unit, staff=people, devices=terminals, effective=parse_day(effective),
                                actor=_actor())
    except AttendanceError as err:
        console.print(f"[red]Lỗi:[/red] {err.message('vi')}")
        raise typer.Exit(2) from err
    _print(change, f"Đã lập “{new_unit}” từ “{source}”")


def _print(change: UnitChange, headline: str) -> None:
    console.print(f"{headline} từ ngày {change.effective:%d/%m/%Y}: chuyển {change.staff_moved} cán bộ, "
                  f"{change.devices_moved} máy chấm công; lập mới {change.units_created} đơn vị.")
