"""`attendance devices ...` end to end, in-process, against a simulator."""

from __future__ import annotations

from sqlmodel import func, select
from typer.testing import CliRunner

from api.cli.main import app
from attendance.models import Device, Punch
from devices import lease

runner = CliRunner()


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["devices", *args], catch_exceptions=False)


def test_add_poll_list_clock_and_clear(session, simulator) -> None:
    handle = simulator(users=4, punches=120, drift_seconds=400)
    serial = handle.terminal.config.serial
    assert run("add", serial, "--host", handle.host, "--port", str(handle.port), "--allow-clear").exit_code == 0
    assert run("add", serial, "--host", handle.host).exit_code == 2  # already registered
    polled = run("poll")
    assert polled.exit_code == 0 and "lưu mới 120" in polled.stdout
    assert "không có bản ghi mới" in run("poll").stdout
    listed = run("list")
    assert listed.exit_code == 0 and "⚠" in listed.stdout  # 400 s drift is flagged
    measured = run("sync-clock", serial)
    assert "Dùng --set" in measured.stdout
    assert run("sync-clock", serial, "--set").exit_code == 0
    session.expire_all()
    device = session.exec(select(Device)).one()
    assert device.clock_offset_seconds is not None and abs(device.clock_offset_seconds) < 3
    assert run("clear-log", serial).exit_code == 1  # needs --yes
    assert run("clear-log", serial, "--yes").exit_code == 0
    assert handle.terminal.punches == []
    assert session.exec(select(func.count()).select_from(Punch)).one() == 120


def test_manual_operations_wait_for_the_poller(session, simulator) -> None:
    handle = simulator(users=2, punches=2)
    serial = handle.terminal.config.serial
    run("add", serial, "--host", handle.host, "--port", str(handle.port))
    device = session.exec(select(Device)).one()
    assert lease.acquire(session=session, device_id=device.id or 0, holder="poller-1", seconds=60)
    session.commit()
    busy = run("sync-users", serial)
    assert busy.exit_code == 2 and "poller-1" in busy.stdout
    assert handle.terminal.stats.sessions_total == 0


def test_unreachable_and_unknown_devices_fail_clearly(session) -> None:
    assert run("sync-clock", "NOPE").exit_code == 2
    assert run("add", "DEAD1", "--host", "127.0.0.1", "--port", "9").exit_code == 0
    failed = run("poll", "--timeout", "1")
    assert failed.exit_code == 1 and "DEAD1" in failed.stdout


def test_import_usb(session, tmp_path) -> None:
    file = tmp_path / "1_attlog.dat"
    file.write_text("5\t2026-11-20 07:30:00\t0\t1\t0\t0\nbroken\n", encoding="utf-8")
    first = run("import-usb", str(file), "--device", "USB-1")
    assert first.exit_code == 1 and "lưu mới 1" in first.stdout and "dòng 2" in first.stdout
    again = run("import-usb", str(file), "--device", "USB-1")
    assert "lưu mới 0, trùng 1" in again.stdout


def test_add_reads_the_serial_from_the_terminal(session, simulator) -> None:
    handle = simulator(users=1, punches=0, serial_prefix="ABC")
    added = run("add", "--host", handle.host, "--port", str(handle.port))
    assert added.exit_code == 0 and "ABC0000000001" in added.stdout
    assert session.exec(select(Device)).one().serial == "ABC0000000001"
    assert run("add", "--push").exit_code == 2
