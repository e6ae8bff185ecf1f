"""`attendance secret rotate`: a new service secret, with everything it protects re-encrypted."""

from __future__ import annotations

import os

import typer
from rich.console import Console

from api.auth.rotation import rotate_secret
from attendance.db import session_scope
from config import get_settings
from config.secret import check_secret, new_secret, pending_secret_path, promote_pending_secret, write_pending_secret

app = typer.Typer(no_args_is_help=True, help="The service's secret key.")
console = Console()


@app.command()
def rotate(
    new_key_env: str | None = typer.Option(
        None, help="With an explicit ATTENDANCE_SECRET_KEY: the variable holding the new key (then set it)."),
    actor: str = typer.Option("cli", help="Who rotates the key (audit log)."),
) -> None:
    """Re-encrypt face and fingerprint templates and photos under a new key and log every session out."""
    settings = get_settings()
    explicit = bool(os.environ.get("ATTENDANCE_SECRET_KEY"))
    if explicit and not new_key_env:
        console.print("[red]Lỗi:[/red] khoá đang đặt bằng ATTENDANCE_SECRET_KEY: đưa khoá mới qua --new-key-env "
                      "(the key is set explicitly: pass the new one with --new-key-env)")
        raise typer.Exit(2)
    new_key = os.environ.get(new_key_env, "") if new_key_env else new_secret()
    try:
        check_secret(new_key, production=True)
    except ValueError as err:
        console.print(f"[red]Lỗi:[/red] khoá mới không dùng được ({err})")
        raise typer.Exit(2) from err
    if not explicit:
        # Written beside the live key first: if the database commit fails the old key stays in force,
        # and if the process dies after the commit the new key is still on disk to promote.
        write_pending_secret(settings.data_dir, new_key)
    with session_scope() as session:
        result = rotate_secret(session=session, old_key=settings.secret_key, new_key=new_key, actor=actor)
    if explicit:
        console.print("Đã mã hoá lại dữ liệu. Hãy đặt ATTENDANCE_SECRET_KEY bằng khoá mới rồi khởi động lại dịch vụ.")
    else:
        promote_pending_secret(settings.data_dir)
        console.print(f"Khoá mới đã lưu ở {settings.data_dir / 'secret.key'} (khoá dự phòng: "
                      f"{pending_secret_path(settings.data_dir).name} đã được thay).")
    get_settings.cache_clear()
    console.print(f"Đã mã hoá lại {result.templates} mẫu khuôn mặt, {result.fingerprints} mẫu vân tay, "
                  f"{result.documents} giấy tờ kèm đơn; "
                  f"{result.sessions_ended} phiên đăng nhập "
                  "đã kết thúc. Khởi động lại dịch vụ để dùng khoá mới.")
