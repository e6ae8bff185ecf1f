"""`attendance db upgrade|current|backup|restore`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from api.cli import backups
from attendance import backup as ledger_backup
from attendance import backup_retention, migrate
from attendance.backup import BackupError
from config import get_settings

app = typer.Typer(no_args_is_help=True, help="Database schema (Alembic migrations), backups and restores.")
console = Console()


@app.command()
def upgrade() -> None:
    """Create or migrate the database to the newest schema."""
    settings = get_settings()
    migrate.upgrade(settings.sqlalchemy_url)
    typer.echo(f"Database is up to date: {_safe(settings.sqlalchemy_url)}")


@app.command()
def current() -> None:
    """Print the database's schema revision."""
    migrate.current(get_settings().sqlalchemy_url)


@app.command("backup")
def backup_command(
    to: Path = typer.Option(None, "--to", help="Backup file (default: DATA_DIR/backups/attendance-<UTC time>.*)."),
    keep: int = typer.Option(None, "--keep", min=1, help="Then remove the backups older than the newest N days."),
) -> None:
    """Back up the database (SQLite online backup API / pg_dump custom format) with a manifest beside it."""
    settings = get_settings()
    url = settings.sqlalchemy_url
    target = to or settings.data_dir / "backups" / ledger_backup.default_backup_name(
        "sqlite" if url.startswith("sqlite") else "postgresql")
    try:
        with _progress() as (phase, advance):
            manifest = backups.take_backup(url, target, phase=phase, progress=advance)
    except BackupError as err:
        console.print(f"[red]Lỗi:[/red] {err}")
        raise typer.Exit(2) from err
    counts = manifest.summary.counts
    console.print(f"Đã sao lưu {_safe(url)} vào {target}")
    console.print(f"  {counts['punches']} lượt chấm công, {counts['staff']} cán bộ, {counts['devices']} máy, "
                  f"{counts['requests']} đơn; tổng kiểm {manifest.summary.ledger_sha256[:16]}…")
    console.print(f"  Tệp mô tả: {ledger_backup.manifest_path(target)}")
    if keep:
        for path in backup_retention.prune(target.parent, keep_days=keep):
            console.print(f"  Đã xoá bản sao lưu cũ {path.name}")


@app.command("restore")
def restore_command(
    file: Path = typer.Argument(..., help="A backup written by `attendance db backup` (its .json beside it)."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask before replacing the configured database."),
) -> None:
    """Restore a backup into the configured database, then check its counts and checksum."""
    url = get_settings().sqlalchemy_url
    if not yes and not typer.confirm(f"Khôi phục {file} sẽ thay toàn bộ dữ liệu của {_safe(url)}. Tiếp tục?"):
        console.print("Đã huỷ, không thay đổi gì.")
        raise typer.Exit(1)
    try:
        with _progress() as (phase, advance):
            verification = backups.restore_backup(url, file, phase=phase, progress=advance)
    except BackupError as err:
        console.print(f"[red]Lỗi:[/red] {err}")
        raise typer.Exit(2) from err
    if not verification.ok:
        console.print("[red]Khôi phục xong nhưng KHÔNG khớp bản sao lưu:[/red]")
        for line in verification.differences():
            console.print(f"  - {line}")
        raise typer.Exit(1)
    counts = verification.actual.counts
    console.print(f"Đã khôi phục {file} vào {_safe(url)}; đã kiểm tra: khớp số lượng ({counts['punches']} lượt "
                  f"chấm công, {counts['staff']} cán bộ, {counts['devices']} máy, {counts['requests']} đơn) "
                  "và tổng kiểm sổ chấm công.")
    console.print("Chạy `attendance db upgrade` nếu bản sao lưu cũ hơn phiên bản phần mềm.")


@contextmanager
def _progress() -> Iterator[tuple[backups.Phase, ledger_backup.Progress]]:
    """A rich display: a line per phase, with a bar while punches are hashed."""
    bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), console=console)
    current: list[TaskID] = []

    def phase(description: str) -> None:
        if current:
            bar.stop_task(current[-1])
        current.append(bar.add_task(description, total=None))

    def advance(done: int, total: int) -> None:
        if current:
            bar.update(current[-1], advance=done, total=total)

    with bar:
        yield phase, advance


def _safe(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url
