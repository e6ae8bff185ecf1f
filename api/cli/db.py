"""`attendance db upgrade|current`."""

from __future__ import annotations

import typer

from attendance import migrate
from config import get_settings

app = typer.Typer(no_args_is_help=True, help="Database schema (Alembic migrations).")


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


def _safe(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url
