"""The worker's daily backup: taken once a day, restorable, and only the newest N days kept."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from api.cli import backups
from api.worker import jobs
from attendance import backup_retention
from attendance.timeutil import utcnow
from config import get_settings
from tests.factories import make_staff


def _fake(folder, day: str) -> None:
    path = folder / f"attendance-{day}T013000Z.sqlite3"
    path.write_bytes(b"old")
    (folder / f"{path.name}.json").write_text("{}")


@pytest.fixture
def backup_folder(monkeypatch: pytest.MonkeyPatch):
    if get_settings().sqlalchemy_url.startswith("postgresql") and backups.shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed: a PostgreSQL backup cannot be taken here")
    monkeypatch.setenv("ATTENDANCE_WORKER__BACKUP_KEEP", "3")
    get_settings.cache_clear()
    folder = get_settings().data_dir / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    for path in folder.iterdir():
        path.unlink()
    yield folder
    monkeypatch.undo()
    get_settings.cache_clear()


def test_the_daily_backup_keeps_the_newest_days_only(session, backup_folder) -> None:
    make_staff(session)
    session.commit()
    for day in ("20261125", "20261128", "20261130", "20261201"):
        _fake(backup_folder, day)
    (backup_folder / "notes.txt").write_text("kept: not a backup")

    removed = jobs.daily_backup(session.get_bind())

    assert sorted(removed) == ["attendance-20261125T013000Z.sqlite3", "attendance-20261128T013000Z.sqlite3"]
    left = sorted(p.name for p in backup_folder.iterdir())
    today = utcnow().strftime("%Y%m%d")
    assert [n for n in left if n.startswith(f"attendance-{today}")][0].endswith((".sqlite3", ".pgdump"))
    assert "notes.txt" in left and not any("20261125" in n or "20261128" in n for n in left)  # manifests too
    assert {d for d, _ in backup_retention.backups(backup_folder)} == {
        date(2026, 11, 30), date(2026, 12, 1), utcnow().date()}
    # A second run the same day takes no second backup.
    jobs.daily_backup(session.get_bind())
    assert len([n for n in backup_folder.iterdir() if n.name.startswith(f"attendance-{today}")]) == 2  # file + json


def test_the_backup_the_worker_took_restores(session, backup_folder, empty_database_url) -> None:
    make_staff(session)
    session.commit()
    jobs.daily_backup(session.get_bind())
    [(_, path)] = backup_retention.backups(backup_folder)
    assert backups.restore_backup(empty_database_url, path).ok


def test_the_cli_backup_prunes_with_keep(session, backup_folder) -> None:
    for day in ("20261101", "20261102", "20261103"):
        _fake(backup_folder, day)
    result = subprocess.run([sys.executable, "-m", "api.cli.main", "db", "backup", "--keep", "2"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "20261101" in result.stdout and "20261102" in result.stdout
    assert {d for d, _ in backup_retention.backups(backup_folder)} == {date(2026, 11, 3), utcnow().date()}


@pytest.mark.db_independent
def test_retention_refuses_to_keep_nothing(tmp_path) -> None:
    with pytest.raises(ValueError):
        backup_retention.prune(tmp_path, keep_days=0)
