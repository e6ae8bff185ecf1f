"""A bad record never costs a good one: push bodies, USB files, the group commit, the batch route."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, func, select

from attendance.db import get_engine
from attendance.ledger import PunchIn
from attendance.models import Device, DeviceKind, Punch, PunchSource
from devices.models import DeviceUser
from devices.push_batch import IngestBatcher, _Job
from devices.service import add_device
from tests.factories import make_staff
from tests.live_server import running_app

SN = "CKJL201960123"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with running_app("bad-records-uvicorn") as url:
        yield url


@pytest.fixture
def client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=30) as http:
        yield http


@pytest.fixture
def push_device(session) -> Device:
    device = add_device(session=session, serial=SN, actor="admin", kind=DeviceKind.ZK_PUSH)
    session.commit()
    return device


def count(session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(Punch)).one()


BAD_LINES = {
    "impossible year": "2\t0001-01-01 00:00:00\t0\t1",
    "far year": "2\t9999-12-31 23:59:59\t0\t1",
    "status above int32": "2\t2026-12-02 07:26:00\t2147483648\t1",
    "status above int64": "2\t2026-12-02 07:26:00\t99999999999999999999\t1",
    "verify below int32": "2\t2026-12-02 07:26:00\t0\t-2147483649",
    "NUL in the PIN": "2\x003\t2026-12-02 07:26:00\t0\t1",
    "control character in the PIN": "2\x1b[2J\t2026-12-02 07:26:00\t0\t1",
}


@pytest.mark.parametrize("bad", list(BAD_LINES.values()), ids=list(BAD_LINES))
def test_one_bad_line_is_reported_and_the_good_ones_stored(client, session, push_device, bad) -> None:
    make_staff(session, pin="1")
    session.commit()
    body = f"1\t2026-12-02 07:25:00\t0\t1\n{bad}\n1\t2026-12-02 17:05:00\t0\t1\n".encode()
    reply = client.post(f"/iclock/cdata?SN={SN}&table=ATTLOG", content=body)
    assert reply.status_code == 200
    lines = reply.text.splitlines()
    assert lines[0] == "OK: 2" and lines[1].startswith("ERROR line 2: ") and len(lines) == 2
    assert count(session) == 2
    session.refresh(push_device)
    assert "dòng 2" in (push_device.last_error or "")


def test_operlog_bad_user_lines_are_reported_and_the_others_kept(client, session, push_device) -> None:
    body = (b"USER PIN=1\tName=An\tPri=1e12\n"
            b"USER PIN=2\tName=Binh\tPri=99999999999999999999\n"
            b"USER PIN=3\tName=Cuong\tPri=14\tCard=12x\n"
            b"USER PIN=4\tName=Dung\x07\tPri=0\tCard=4455\n")
    reply = client.post(f"/iclock/cdata?SN={SN}&table=OPERLOG", content=body)
    assert reply.status_code == 200
    assert reply.text.splitlines()[0] == "OK: 1"
    assert [line.split(":")[0] for line in reply.text.splitlines()[1:]] == [
        "ERROR line 1", "ERROR line 2", "ERROR line 3"]
    session.expire_all()
    user = session.exec(select(DeviceUser)).one()
    assert (user.pin, user.name, user.card) == ("4", "Dung", "4455")


_good = st.builds(lambda pin, day, minute, status: (
    f"{pin}\t2026-11-{day:02d} {7 + minute // 60:02d}:{minute % 60:02d}:00\t{status}\t1"),
    st.sampled_from(["1", "2", "77"]), st.integers(1, 28), st.integers(0, 599), st.integers(0, 5))
_bad = st.one_of(
    st.sampled_from(list(BAD_LINES.values())),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x0b\x0c\x1c\x1d\x1e"
                                   "\x85\u2028\u2029"), max_size=60)
    .filter(lambda t: t.strip() and "\t" not in t),
    st.builds(lambda y, m, d: f"5\t{y:04d}-{m:02d}-{d:02d} 07:00:00\t0\t1",
              st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32))
    .filter(lambda t: not t.split("\t")[1].startswith(("20", "2100"))),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.one_of(_good.map(lambda t: ("good", t)), _bad.map(lambda t: ("bad", t))),
                      min_size=1, max_size=30))
def test_random_bodies_never_5xx_store_every_good_line_and_are_acknowledged(client, push_device, lines) -> None:
    body = "\n".join(text for _, text in lines).encode("utf-8", "surrogatepass")
    reply = client.post(f"/iclock/cdata?SN={SN}&table=ATTLOG", content=body)
    assert reply.status_code == 200 and reply.text.startswith("OK: ")
    good = [text for kind, text in lines if kind == "good"]
    assert int(reply.text.splitlines()[0].split(": ")[1]) == len(good)
    with Session(get_engine()) as fresh:
        for text in good:
            pin, moment = text.split("\t")[:2]
            found = fresh.exec(select(func.count()).select_from(Punch).where(
                Punch.device_serial == SN, Punch.pin == pin,
                Punch.device_time == datetime.fromisoformat(moment))).one()
            assert found == 1, text


def test_one_terminals_failure_never_fails_anothers_in_the_group_commit(session) -> None:
    make_staff(session, pin="1")
    session.commit()
    good = _Job([PunchIn(PunchSource.TERMINAL_PUSH, "GOOD01", "1", datetime(2026, 12, 2, 7, 25))])
    # A zone the ledger cannot even look up (a type error, not a value it can reject) fails its batch.
    broken = _Job([PunchIn(PunchSource.TERMINAL_PUSH, "BAD01", "1", datetime(2026, 12, 2, 7, 26),
                           timezone=123)])  # type: ignore[arg-type]
    IngestBatcher()._write([broken, good])
    assert good.done.result(timeout=5).rejected == []
    with pytest.raises(TypeError):
        broken.done.result(timeout=5)
    assert session.exec(select(Punch.device_serial)).all() == ["GOOD01"]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "api.cli.main", *args], capture_output=True, text=True,
                          cwd=ROOT, env=dict(os.environ), timeout=120)


def test_import_usb_with_bad_records_never_ends_in_a_traceback(session, tmp_path) -> None:
    make_staff(session, pin="1")
    session.commit()
    file = tmp_path / "1_attlog.dat"
    file.write_bytes(b"1\t2026-12-02 07:25:00\t0\t1\r\n2\t0001-01-01 00:00:00\t0\t1\r\n"
                     b"1\t2026-12-02 17:05:00\t99999999999\t1\r\n1\x00\t2026-12-02 17:06:00\t0\t1\r\n"
                     b"1\t2026-12-02 17:07:00\t0\t1\r\n")
    done = _cli("devices", "import-usb", str(file), "--device", "usb-0042")
    assert "Traceback" not in done.stderr + done.stdout
    assert done.returncode == 1 and "lưu mới 2" in done.stdout  # 1: some lines were refused, each reported
    assert [line.strip().split(":")[0] for line in done.stdout.splitlines() if "dòng " in line[:8]] == [
        "dòng 2", "dòng 3", "dòng 4"]
    assert count(session) == 2
    again = _cli("devices", "import-usb", str(file), "--device", "USB-0042")  # the serial in upper case
    assert "lưu mới 0, trùng 2" in again.stdout and count(session) == 2
    assert session.exec(select(Device.serial)).all() == ["USB-0042"]


def test_a_file_that_cannot_be_read_registers_nothing(session, tmp_path) -> None:
    done = _cli("devices", "import-usb", str(tmp_path / "missing.dat"), "--device", "USB-0043")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert session.exec(select(func.count()).select_from(Device)).one() == 0
    bad_serial = _cli("devices", "import-usb", str(tmp_path / "missing.dat"), "--device", "bad serial\n")
    assert bad_serial.returncode != 0 and "Traceback" not in bad_serial.stderr


def test_the_batch_route_reports_bad_records_and_stores_the_good(session) -> None:
    from fastapi.testclient import TestClient

    from api.main import create_app
    from tests.api.conftest import add_user

    make_staff(session, pin="1")
    _, headers = add_user(session, "admin", "admin")
    session.commit()
    punches = [
        {"source": "terminal_pull", "device_serial": "T1", "pin": "1", "device_time": "2026-12-02T07:25:00"},
        {"source": "terminal_pull", "device_serial": "T1", "pin": "1", "device_time": "0001-01-01T00:00:00"},
        {"source": "terminal_pull", "device_serial": "T1", "pin": "1\u0000", "device_time": "2026-12-02T07:26:00"},
        {"source": "terminal_pull", "device_serial": "T1", "pin": "1", "device_time": "2026-12-02T17:05:00"},
    ]
    with TestClient(create_app(), raise_server_exceptions=False) as http:
        reply = http.post("/api/punches/batch", json={"punches": punches}, headers=headers)
    assert reply.status_code == 200, reply.text
    assert reply.json()["stored"] == 2 and [r["index"] for r in reply.json()["rejected"]] == [1, 2]
