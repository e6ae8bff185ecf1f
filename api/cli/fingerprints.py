"""`attendance devices sync-templates [SERIAL...] [--dry-run]`: fingerprints copied between terminals."""

from __future__ import annotations

import getpass
import os

import typer
from rich.console import Console
from sqlmodel import col, select

from attendance.db import get_engine, session_scope
from attendance.errors import AttendanceError
from attendance.models import Device, DeviceKind
from devices.fingerprints.service import leases, open_pull, sync_templates
from devices.service import get_device

console = Console()


def sync_templates_cmd(
    serials: list[str] = typer.Argument(None, help="Số sê-ri các máy (mặc định: mọi máy đang bật)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Chỉ xem sẽ thay đổi gì."),
) -> None:
    """Đọc vân tay từ máy nơi cán bộ đăng ký và chép tới mọi máy khác của đơn vị (chỉ người đã đồng ý)."""
    actor = _actor()
    try:
        with session_scope() as session:
            if serials:
                devices = [get_device(session=session, serial=s) for s in serials]
            else:
                devices = list(session.exec(select(Device).where(
                    col(Device.enabled), col(Device.kind).in_([DeviceKind.ZK_PULL, DeviceKind.ZK_PUSH]))
                    .order_by(col(Device.serial))))
            session.commit()  # nothing written yet: the leases are taken outside any write
            with leases(get_engine(), devices, f"{actor}@{os.getpid()}"):
                reports = sync_templates(session=session, devices=devices, open_terminal=open_pull, actor=actor,
                                         dry_run=dry_run)
                session.commit()
    except AttendanceError as err:
        console.print(f"[red]Lỗi:[/red] {err.message()}")
        raise typer.Exit(1) from err
    if dry_run:
        console.print("(chạy thử: không thay đổi gì)")
    for report in reports:
        console.print(report.sentence())
    if any(r.error for r in reports):
        raise typer.Exit(1)


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"
