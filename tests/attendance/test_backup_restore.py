"""The restore drill: backups of the real test database restore into a scratch one and check out.

On SQLite and on PostgreSQL (TEST_DATABASE=postgresql, with pg_dump/pg_restore on PATH), the
backup is restored into a second, empty database, as an operator would after losing a server.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, text
from sqlmodel import Session, select
from typer.testing import CliRunner

from api.cli import backups
from api.cli.main import app as cli
from attendance.backup import manifest_path, summarize
from attendance.leave import file_request
from attendance.ledger import PunchIn, ingest_punches
from attendance.models import Device, DeviceKind, Punch, PunchSource
from config import get_settings
from tests.conftest import backend
from tests.factories import make_staff, make_unit, punch_at

runner = CliRunner()
BASE = datetime(2026, 11, 2, 7, 0)


@pytest.fixture
def scratch_url(empty_database_url: str) -> str:
    """A second, empty database of the run's kind to restore into."""
    return empty_database_url


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Point the CLI's settings at another database for one command, then back."""

    def point_at(url: str) -> None:
        monkeypatch.setenv("DATABASE_URL", url)
        get_settings.cache_clear()

    yield point_at
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture
def office_ledger(session: Session) -> int:
    """A small office: staff, a device, a request and 30 punches."""
    unit = make_unit(session)
    people = [make_staff(session, unit, full_name=f"Cán bộ {i}") for i in range(3)]
    session.add(Device(serial="SIM0001", kind=DeviceKind.ZK_PULL, unit_id=unit.id))
    for person in people:
        punch_at(session, person, *(BASE + timedelta(days=d, hours=h) for d in range(5) for h in (0, 10)))
    file_request(
        session=session,
        staff=people[0],
        type="leave",
        kind="annual_leave",
        start_date=date(2026, 11, 9),
        reason="nghỉ phép",
        actor="test",
    )
    session.commit()
    return 30


def test_backup_restores_into_an_empty_database_with_the_same_ledger(
    office_ledger: int, scratch_url: str, tmp_path: Path, configured
) -> None:
    source_url = _run_url()
    target = tmp_path / "nightly.bak"
    made = runner.invoke(cli, ["db", "backup", "--to", str(target)])
    assert made.exit_code == 0, made.output
    manifest = json.loads(manifest_path(target).read_text(encoding="utf-8"))
    assert manifest["summary"]["counts"] == {"punches": office_ledger, "staff": 3, "devices": 1, "requests": 1}
    assert manifest["backend"] == backend() and manifest["schema_revision"]

    configured(scratch_url)
    refused = runner.invoke(cli, ["db", "restore", str(target)], input="n\n")
    assert refused.exit_code == 1 and "Đã huỷ" in _said(refused)
    restored = runner.invoke(cli, ["db", "restore", str(target), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert "đã kiểm tra: khớp" in _said(restored)

    assert _rows(source_url) == _rows(scratch_url) and len(_rows(scratch_url)) == office_ledger
    assert manifest["summary"]["ledger_sha256"] == backups.summarize_database(scratch_url).ledger_sha256


def test_a_manifest_the_restored_database_does_not_match_fails_the_restore(
    office_ledger: int, scratch_url: str, tmp_path: Path, configured
) -> None:
    target = tmp_path / "nightly.bak"
    backups.take_backup(_run_url(), target)
    path = manifest_path(target)
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["summary"]["counts"]["punches"] += 1  # the manifest promises a punch the backup lacks
    path.write_text(json.dumps(manifest), encoding="utf-8")

    configured(scratch_url)
    result = runner.invoke(cli, ["db", "restore", str(target), "--yes"])
    assert result.exit_code == 1, result.output
    assert "KHÔNG khớp" in _said(result) and f"punches: bản sao lưu {office_ledger + 1}" in _said(result)


def test_a_damaged_backup_file_is_refused_before_anything_is_replaced(
    office_ledger: int, scratch_url: str, tmp_path: Path, configured
) -> None:
    target = tmp_path / "nightly.bak"
    backups.take_backup(_run_url(), target)
    with target.open("r+b") as handle:
        handle.seek(target.stat().st_size // 2)
        handle.write(b"\x00garbage\x00")

    configured(scratch_url)
    result = runner.invoke(cli, ["db", "restore", str(target), "--yes"])
    assert result.exit_code == 2 and "không khớp tổng kiểm" in _said(result)
    missing = runner.invoke(cli, ["db", "restore", str(tmp_path / "nowhere.bak"), "--yes"])
    assert missing.exit_code == 2 and "Không tìm thấy tệp sao lưu" in _said(missing)
    scratch = create_engine(scratch_url)
    assert "punches" not in inspect(scratch).get_table_names()  # nothing was restored into it
    scratch.dispose()


def test_the_checksum_changes_when_any_punch_changes(office_ledger: int, engine, session: Session) -> None:
    with engine.connect() as conn:
        before = summarize(conn)
    first = session.exec(select(Punch).order_by(Punch.id)).first()  # type: ignore[arg-type]
    assert first is not None
    first.punched_at += timedelta(seconds=1)
    session.commit()
    with engine.connect() as conn:
        after = summarize(conn)
    assert before.counts == after.counts and before.ledger_sha256 != after.ledger_sha256


def test_a_backup_taken_during_ingest_restores_to_a_consistent_ledger(
    session: Session, engine, scratch_url: str, tmp_path: Path
) -> None:
    _ingest(session, 0, 20_000)
    session.commit()
    stop = threading.Event()
    batches = [0]
    errors: list[BaseException] = []

    def terminals() -> None:
        offset = 20_000
        try:
            with Session(engine) as writer:
                while not stop.is_set():
                    _ingest(writer, offset, 100)
                    writer.commit()
                    offset += 100
                    batches[0] += 1
        except BaseException as err:  # noqa: BLE001 - reported by the test below
            errors.append(err)

    thread = threading.Thread(target=terminals, name="ingest")
    thread.start()
    try:
        while batches[0] < 3 and thread.is_alive():
            stop.wait(0.01)
        before = _punch_count(engine)
        manifest = backups.take_backup(_run_url(), tmp_path / "busy.bak")
        after = _punch_count(engine)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not errors, errors
    assert after > before, "nothing was ingested while the backup ran: the drill proved nothing"

    verification = backups.restore_backup(scratch_url, tmp_path / "busy.bak")
    assert verification.ok, verification.differences()
    restored = verification.actual.counts["punches"]
    assert before <= restored <= after
    assert manifest.summary.counts["punches"] == restored


def _ingest(session: Session, offset: int, count: int) -> None:
    ingest_punches(
        session=session,
        punches=[
            PunchIn(
                source=PunchSource.TERMINAL_PUSH,
                device_serial=f"PUSH{(offset + i) % 7}",
                pin=str((offset + i) % 500),
                device_time=BASE + timedelta(seconds=offset + i),
            )
            for i in range(count)
        ],
    )


def _punch_count(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return int(s.exec(select(func.count()).select_from(Punch)).one())


def _run_url() -> str:
    return get_settings().sqlalchemy_url


def _rows(url: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [
                tuple(row)
                for row in conn.execute(
                    text(
                        "SELECT id, source, device_serial, pin, device_time, punched_at, staff_id, quarantined "
                        "FROM punches ORDER BY id"
                    )
                )
            ]
    finally:
        engine.dispose()


def _said(result) -> str:  # type: ignore[no-untyped-def]
    """The command's output with rich's line wrapping undone."""
    return " ".join(result.output.split())


@pytest.mark.skipif(backend() != "postgresql", reason="only PostgreSQL backups need pg_dump")
def test_without_pg_dump_on_path_the_backup_says_what_to_install(
    office_ledger: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    result = runner.invoke(cli, ["db", "backup", "--to", str(tmp_path / "x.bak")])
    assert result.exit_code == 2 and "Không tìm thấy pg_dump trên PATH" in _said(result)
    assert not (tmp_path / "x.bak").exists() and not (tmp_path / "x.bak.json").exists()
