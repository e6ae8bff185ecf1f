"""Schema changes through Alembic: `attendance db upgrade` and the test fixtures call this."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from config import get_settings

MIGRATIONS = Path(__file__).parent / "migrations"
UPGRADE_LOCK_KEY = 0x61747464_62757067  # "attd" "bupg": one key per service database

# Packages whose tables live outside attendance.models register them here, so Alembic's
# autogenerate and `alembic check` see every table.
MODEL_MODULES = ("attendance.models",)
OPTIONAL_MODEL_MODULES = (
    "attendance.reports.models",
    "devices.models",
    "devices.fingerprints.models",
    "recognition.models",
    "api.auth.models",
    "api.notify.models",
    "api.worker.models",
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
    """Bring the database at `url` (default: the configured one) to the newest schema.

    On PostgreSQL the upgrade runs under a session advisory lock, so nodes upgrading at once take
    turns: the first migrates, the others then find the schema current and do nothing.
    """
    url = url or get_settings().sqlalchemy_url
    with _upgrade_lock(url):
        command.upgrade(alembic_config(url), revision)


@contextmanager
def _upgrade_lock(url: str) -> Iterator[None]:
    if not url.startswith("postgresql"):
        yield  # SQLite is one node's file: nothing else upgrades it
        return
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": UPGRADE_LOCK_KEY})
            conn.commit()  # a session lock outlives transactions; no transaction stays open while we wait
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": UPGRADE_LOCK_KEY})
                conn.commit()
    finally:
        engine.dispose()


def current(url: str | None = None) -> None:
    command.current(alembic_config(url), verbose=False)
