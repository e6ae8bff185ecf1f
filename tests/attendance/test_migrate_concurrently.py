"""`attendance db upgrade` run by two nodes at once: they take turns, both succeed, one schema results."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from attendance.migrate import alembic_config
from tests.conftest import backend

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    backend() != "postgresql", reason="several nodes share only PostgreSQL; SQLite is one node's own file"
)


@pytest.mark.parametrize("nodes", [2, 3])
def test_concurrent_upgrades_of_a_fresh_database_all_succeed(empty_database_url: str, nodes: int) -> None:
    env = {**os.environ, "DATABASE_URL": empty_database_url}
    upgrades = [
        subprocess.Popen(
            [sys.executable, "-m", "api.cli.main", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(nodes)
    ]
    outputs = [(proc.wait(timeout=120), proc.stdout.read().decode() if proc.stdout else "") for proc in upgrades]
    for proc in upgrades:
        if proc.stdout:
            proc.stdout.close()
    assert [code for code, _ in outputs] == [0] * nodes, outputs
    engine = create_engine(empty_database_url)
    with engine.connect() as conn:
        heads = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    engine.dispose()
    assert sorted(heads) == sorted(ScriptDirectory.from_config(alembic_config(empty_database_url)).get_heads())
