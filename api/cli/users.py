"""`attendance users create-admin | create | list | reset-password | token`."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table
from sqlmodel import col, select

from api.auth.models import User
from api.auth.roles import ROLE_LABELS_VI, Role
from api.auth.service import create_user, issue_device_token, set_password
from attendance.db import session_scope
from attendance.errors import AttendanceError
from attendance.org import get_unit_by_path
from attendance.staff import get_staff_by_code

app = typer.Typer(no_args_is_help=True, help="Login accounts and device tokens.")
console = Console()
ACTOR = "cli"


@app.command("create-admin")
def create_admin(
    username: str = typer.Option("admin", help="Login name."),
    ask: bool = typer.Option(False, "--ask", help="Ask for the password instead of generating one."),
    biometrics: bool = typer.Option(False, help="Also grant the biometric permissions (face enrollment)."),
) -> None:
    """Create the first administrator; prints the generated password once (no default password ships)."""
    password = _ask_password() if ask else None
    grants = "biometrics.manage,gallery.read" if biometrics else ""
    _create(username=username, role=Role.ADMIN, password=password, unit=None, staff_code=None, grants=grants,
            full_name="Quản trị hệ thống")


@app.command("create")
def create(
    username: str = typer.Argument(..., help="Login name."),
    role: Role = typer.Option(..., help="admin | personnel | head | staff"),
    unit: str | None = typer.Option(None, help="Unit path, for personnel and head accounts."),
    staff_code: str | None = typer.Option(None, "--staff", help="Staff code of the person (staff accounts)."),
    full_name: str = typer.Option("", help="Display name."),
    grants: str = typer.Option("", help="Extra permissions, comma-separated (e.g. biometrics.manage)."),
    ask: bool = typer.Option(False, "--ask", help="Ask for the password instead of generating one."),
) -> None:
    """Create an account with a role; prints the generated password once."""
    _create(username=username, role=role, password=_ask_password() if ask else None, unit=unit,
            staff_code=staff_code, grants=grants, full_name=full_name)


@app.command("reset-password")
def reset_password(username: str = typer.Argument(...),
                   ask: bool = typer.Option(False, "--ask", help="Ask for the password.")) -> None:
    """Set a new password (generated unless --ask); every session of the account is logged out."""
    password = _ask_password() if ask else None
    try:
        with session_scope() as session:
            user = session.exec(select(User).where(User.username == username.strip().lower())).first()
            if user is None:
                raise AttendanceError(f"no account {username!r}")
            password = set_password(session=session, user=user, password=password, actor=ACTOR)
    except AttendanceError as err:
        _fail(err)
    console.print(f"Mật khẩu mới của [bold]{username}[/bold]: [bold yellow]{password}[/bold yellow]")


@app.command("list")
def list_() -> None:
    """List the accounts."""
    table = Table("username", "role", "unit", "staff", "active", "last login")
    with session_scope() as session:
        for user in session.exec(select(User).order_by(col(User.username))):
            table.add_row(user.username, ROLE_LABELS_VI[Role(user.role)], str(user.unit_id or ""),
                          str(user.staff_id or ""), "✓" if user.active else "✗",
                          user.last_login_at.isoformat(timespec="minutes") if user.last_login_at else "")
    console.print(table)


@app.command("token")
def token(name: str = typer.Argument(..., help="What the token is for, e.g. 'camera cổng chính'."),
          scope: list[str] = typer.Option(["punches.ingest", "gallery.read", "device.heartbeat"],
                                          help="Permissions of the token (repeat the option)."),
          ) -> None:
    """Issue a device token for a camera service; prints the secret once."""
    try:
        with session_scope() as session:
            issued = issue_device_token(session=session, name=name, scopes=scope, device_id=None, actor=ACTOR)
            secret = issued.secret
    except AttendanceError as err:
        _fail(err)
    console.print(f"Device token (shown once): [bold yellow]{secret}[/bold yellow]")


def _create(*, username: str, role: Role, password: str | None, unit: str | None, staff_code: str | None,
            grants: str, full_name: str) -> None:
    try:
        with session_scope() as session:
            unit_id = get_unit_by_path(session=session, path=unit).id if unit else None
            staff_id = get_staff_by_code(session=session, code=staff_code).id if staff_code else None
            user, password_out = create_user(session=session, username=username, role=role, password=password,
                                             full_name=full_name, unit_id=unit_id, staff_id=staff_id,
                                             grants=grants, actor=ACTOR)
            name = user.username
    except AttendanceError as err:
        _fail(err)
    console.print(f"Đã tạo tài khoản [bold]{name}[/bold] ({ROLE_LABELS_VI[role]}).")
    if password is None:
        console.print(f"Mật khẩu (chỉ hiện một lần): [bold yellow]{password_out}[/bold yellow]")


def _ask_password() -> str:
    return str(typer.prompt("Mật khẩu", hide_input=True, confirmation_prompt=True))


def _fail(err: Exception) -> None:
    console.print(f"[red]Lỗi:[/red] {err}")
    raise typer.Exit(2) from err
