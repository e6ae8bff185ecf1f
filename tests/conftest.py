"""Test database per run: SQLite by default, PostgreSQL with TEST_DATABASE=postgresql.

Each run gets a fresh database (a temp SQLite file, or a new PostgreSQL database created on
127.0.0.1:5432 and dropped at the end), migrated with Alembic once; every test starts with
empty tables. The URL is exported in the environment before any settings are read, so
subprocesses (the CLI, pollers) see the same database.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlmodel import Session, SQLModel

from tests.browser import browser, server, shots  # noqa: F401  (one instance for every area)

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FACES = SHARED / "faces"

_state: dict[str, str] = {}


def backend() -> str:
    return os.environ.get("TEST_DATABASE", "sqlite")


def pytest_configure(config: pytest.Config) -> None:
    run_dir = Path(tempfile.mkdtemp(prefix="attendance-test-"))
    _state["run_dir"] = str(run_dir)
    if backend() == "postgresql":
        name = f"attendance_test_{uuid.uuid4().hex[:10]}"
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        _state["pg_name"] = name
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    else:
        url = f"sqlite:///{run_dir / 'test.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ["ATTENDANCE_DATA_DIR"] = str(run_dir / "data")
    os.environ["ATTENDANCE_ENVIRONMENT"] = "test"
    os.environ["ATTENDANCE_SECRET_KEY"] = "test-secret-key-not-for-production"

    from attendance.migrate import upgrade
    from config import get_settings

    get_settings.cache_clear()
    upgrade(url)


def pytest_unconfigure(config: pytest.Config) -> None:
    from attendance.db import reset_engines

    reset_engines()
    name = _state.get("pg_name")
    if name:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Tests that touch no database prove nothing more on PostgreSQL: the SQLite pass runs them.
    if backend() != "postgresql":
        return
    kept = [item for item in items if item.get_closest_marker("db_independent") is None]
    deselected = [item for item in items if item.get_closest_marker("db_independent") is not None]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


@pytest.fixture
def engine():
    from attendance.db import get_engine

    return get_engine()


@pytest.fixture(autouse=True)
def _empty_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every database test starts from empty tables."""
    yield
    if request.node.get_closest_marker("db_independent") is not None:
        return
    from attendance.db import get_engine
    from attendance.migrate import import_all_models

    import_all_models()
    engine = get_engine()
    existing = set(inspect(engine).get_table_names())
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables) if t.name in existing]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A second, empty database of the run's kind (a temp SQLite file, or a new PostgreSQL database)."""
    if backend() != "postgresql":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    name = f"attendance_scratch_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def session(engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture
def faces_dir() -> Path:
    if not FACES.is_dir():
        pytest.skip(f"the shared face photos are not beside the checkout ({FACES})")
    return FACES
