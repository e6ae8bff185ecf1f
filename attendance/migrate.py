"""Schema changes through Alembic: `attendance db upgrade` and the test fixtures call this."""

from __future__ import annotations

import importlib
from pathlib import Path

from alembic import command
from alembic.config import Config

from config import get_settings

MIGRATIONS = Path(__file__).parent / "migrations"

# Packages whose tables live outside attendance.models register them here, so Alembic's
# autogenerate and `alembic check` see every table.
MODEL_MODULES = ("attendance.models",)
OPTIONAL_MODEL_MODULES = (
    "attendance.reports.models",
    "devices.models",
    "recognition.models",
    "api.auth.models",
)


def import_all_models() -> None:
    for name in MODEL_MODULES:
        importlib.import_module(name)
    for name in OPTIONAL_MODEL_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name is None or not name.startswith(err.name):
                raise


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url or get_settings().sqlalchemy_url)
    return cfg


def upgrade(url: str | None = None, revision: str = "heads") -> None:
    """Bring the database at `url` (default: the configured one) to the newest schema."""
    command.upgrade(alembic_config(url), revision)


def current(url: str | None = None) -> None:
    command.current(alembic_config(url), verbose=False)
