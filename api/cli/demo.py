"""`attendance demo`: seed a demo commune office, start its simulated terminal, serve it all."""

from __future__ import annotations

import shutil

import typer
import uvicorn
from rich.console import Console

from api.auth.demo_accounts import create_demo_accounts
from api.cli.demo_terminal import start_demo_terminal
from attendance import migrate
from attendance.db import reset_engines, session_scope
from attendance.demo import COMMUNE, seed_demo
from attendance.org import get_unit_by_path
from config import get_settings

console = Console()


def demo(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port of the web service."),
    reset: bool = typer.Option(False, help="Delete the demo database and seed it again."),
    serve: bool = typer.Option(True, help="Start the web service after seeding."),
) -> None:
    """Seed a demo commune office (embedded SQLite) and start the service."""
    settings = get_settings()
    if reset and settings.database_url is None:
        reset_engines()
        shutil.rmtree(settings.data_dir, ignore_errors=True)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    console.print(f"[bold]Cơ sở dữ liệu:[/bold] {settings.sqlalchemy_url}")
    migrate.upgrade(settings.sqlalchemy_url)
    accounts: list[tuple[str, str, str]] = []
    with session_scope() as session:
        summary = seed_demo(session=session, progress=lambda msg: console.print(f"  {msg}"))
        if summary.punches:
            accounts = create_demo_accounts(session=session, unit=get_unit_by_path(session=session, path=COMMUNE))
    if summary.punches:
        console.print(f"Đã tạo {summary.units} đơn vị, {summary.staff} cán bộ, {summary.punches} lượt chấm công "
                      f"({summary.start:%d/%m/%Y} – {summary.end:%d/%m/%Y}).")
    else:
        console.print(f"Dữ liệu mẫu đã có ({summary.staff} cán bộ); dùng --reset để tạo lại.")
    if accounts:
        console.print("\n[bold]Tài khoản demo[/bold] (mật khẩu ngẫu nhiên, chỉ in một lần):")
        for username, role, password in accounts:
            console.print(f"  {username:<12} {role:<10} {password}")
    elif summary.punches == 0:
        console.print("Tài khoản demo đã được tạo ở lần chạy đầu; dùng --reset để tạo lại và in mật khẩu mới.")
    base = f"http://{host}:{port}"
    console.print("\n[bold]Xem tại:[/bold]")
    console.print(f"  {base}/                       đăng nhập, bảng chấm công hôm nay")
    console.print(f"  {base}/kiosk                  màn hình cửa ra vào")
    console.print(f"  {base}/docs                   tài liệu API (OpenAPI)")
    console.print(f"  {base}/health                 tình trạng dịch vụ")
    if not serve:
        return
    terminal = start_demo_terminal()
    console.print(f"  máy chấm công mô phỏng {terminal.simulator.host}:{terminal.port} (pyzk, TCP/UDP), "
                  "được quét mỗi 10 giây")
    try:
        uvicorn.run("api.main:create_app", factory=True, host=host, port=port, proxy_headers=False)
    finally:
        terminal.close()
