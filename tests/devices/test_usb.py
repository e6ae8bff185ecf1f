"""USB attlog import: twice, after a pull, with bad lines, for an unknown serial."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import func, select

from attendance.models import Device, DeviceKind, Punch
from devices import zkproto
from devices.pull import pull_device
from devices.usb import import_usb_file
from devices.zk_pull import open_pyzk
from tests.devices.conftest import register


def write_attlog(path: Path, lines: list[str]) -> Path:
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def test_import_registers_an_offline_terminal_and_is_idempotent(session, tmp_path) -> None:
    file = write_attlog(tmp_path / "1_attlog.dat", [
        "        1\t2026-11-20 07:29:51\t0\t1\t0\t0",
        "        2\t2026-11-20 07:31:02\t0\t1\t0\t0",
        "garbage without tabs",
        "        3\t2026-02-30 07:00:00\t0\t1\t0\t0",
        "",
        "        1\t2026-11-20 17:02:13\t1\t1\t0\t0",
    ])
    first = import_usb_file(session=session, path=file, serial="USB-7788", actor="test")
    assert first.registered and first.lines == 5
    assert (first.ingest.stored, first.ingest.duplicates) == (3, 0)
    assert [e.line for e in first.errors] == [3, 4]
    device = session.exec(select(Device).where(Device.serial == "USB-7788")).one()
    assert device.kind == DeviceKind.OFFLINE and device.timezone is None
    second = import_usb_file(session=session, path=file, serial="USB-7788", actor="test")
    assert not second.registered and (second.ingest.stored, second.ingest.duplicates) == (0, 3)
    assert session.exec(select(func.count()).select_from(Punch)).one() == 3


def test_import_of_what_the_poller_pulled_stores_nothing_twice(session, simulator, tmp_path) -> None:
    handle = simulator(users=4, punches=40)
    device = register(session, handle)
    pull_device(session=session, device=device, opener=open_pyzk)
    lines = [f"{p.user_id}\t{zkproto.decode_time(p.time):%Y-%m-%d %H:%M:%S}\t{p.status}\t1\t0\t0"
             for p in handle.terminal.punches]
    lines.append("4\t2026-01-05 07:30:00\t0\t1\t0\t0")  # one the poller never saw
    result = import_usb_file(session=session, path=write_attlog(tmp_path / "x.dat", lines),
                             serial=device.serial, actor="test")
    assert (result.ingest.stored, result.ingest.duplicates) == (1, 40)
    assert session.exec(select(func.count()).select_from(Punch)).one() == 41
