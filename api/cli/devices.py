"""`attendance devices add|list|poll|sync-users|sync-clock|clear-log|import-usb|simulate`."""

from __future__ import annotations

import getpass
import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlmodel import Session

from api.cli.fingerprints import sync_templates_cmd
from attendance.db import get_engine, session_scope
from attendance.errors import AttendanceError
from attendance.models import Device, DeviceKind
from attendance.org import get_unit_by_path
from attendance.timeutil import to_local
from config import get_settings
from devices import adms, alerts, health, lease
from devices.clear import safe_clear_log
from devices.errors import BadDeviceInput
from devices.poller import Poller, PollOutcome
from devices.pull import terminal_params
from devices.service import add_device, get_device, list_devices
from devices.sim_server import start_simulator
from devices.sync import UserSyncPlan, check_clock, set_clock, sync_users
from devices.terminal import Terminal, TerminalParams
from devices.usb import import_usb_file
from devices.zk_pull import open_pyzk

app = typer.Typer(no_args_is_help=True, help="ZKTeco terminals: add, list, poll, sync, import, simulate.")
app.command("sync-templates")(sync_templates_cmd)
console = Console()
T = TypeVar("T")


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _on_terminal(serial: str, operation: Callable[[Session, Device, Terminal], T]) -> T:
    """Run a manual operation on a pull terminal under its lease (no poller talks to it meanwhile)."""
    with session_scope() as session:
        device_id = get_device(session=session, serial=serial).id or 0
    holder = f"{_actor()}@{os.getpid()}"
    with lease.held(engine=get_engine(), device_id=device_id, holder=holder), session_scope() as session:
        device = session.get(Device, device_id)
        assert device is not None
        with open_pyzk(terminal_params(device)) as terminal:
            return operation(session, device, terminal)


def _fail(err: Exception) -> typer.Exit:
    console.print(f"[red]Lỗi:[/red] {err}")
    return typer.Exit(2)


@app.command("add")
def add(
    serial: str | None = typer.Argument(None, help="Số sê-ri máy (bỏ trống: đọc từ máy qua --host)."),
    host: str | None = typer.Option(None, help="Địa chỉ IP/host của máy (máy kéo dữ liệu)."),
    port: int = typer.Option(4370, help="Cổng của máy."),
    transport: str = typer.Option("tcp", help="tcp | udp"),
    comm_key: int = typer.Option(0, "--comm-key", help="Mã kết nối (comm key) đặt trên máy."),
    tz: str | None = typer.Option(None, "--tz", help="Múi giờ của máy (mặc định: múi giờ của hệ thống)."),
    interval: int = typer.Option(60, help="Chu kỳ quét, giây."),
    name: str = typer.Option("", help="Tên máy, ví dụ 'Cổng chính'."),
    unit: str | None = typer.Option(None, help="Đơn vị đặt máy (đường dẫn, ví dụ 'UBND xã Tân Phú / Văn phòng')."),
    push: bool = typer.Option(False, "--push", help="Máy tự gửi dữ liệu (ADMS/iclock), không cần quét."),
    live: bool = typer.Option(False, "--live", help="Nhận chấm công tức thời giữa các lần quét."),
    allow_clear: bool = typer.Option(False, "--allow-clear", help="Cho phép xoá log trên máy (sau khi đối chiếu)."),
    from_: str | None = typer.Option(None, "--from", help="Máy push chỉ được gửi từ các địa chỉ/mạng này, ví dụ "
                                     "10.1.2.0/24 (mặc định: mạng của đơn vị, hoặc địa chỉ lần liên lạc đầu)."),
) -> None:
    """Đăng ký một máy chấm công."""
    try:
        if not serial:
            if not host or push:
                raise BadDeviceInput("cần số sê-ri, hoặc --host để đọc số sê-ri từ máy")
            with open_pyzk(TerminalParams(host=host, port=port, transport=transport, comm_key=comm_key)) as term:
                serial = term.status().serial
        with session_scope() as session:
            unit_id = get_unit_by_path(session=session, path=unit).id if unit else None
            device = add_device(session=session, serial=serial, actor=_actor(),
                                kind=DeviceKind.ZK_PUSH if push else DeviceKind.ZK_PULL, name=name, host=host,
                                port=port, transport=transport, comm_key=comm_key, timezone=tz, unit_id=unit_id,
                                poll_interval_seconds=interval, live_mode=live, clear_log_allowed=allow_clear,
                                push_allowed_from=from_)
            console.print(f"Đã đăng ký máy {device.serial} ({device.kind}).")
    except AttendanceError as err:
        raise _fail(err) from err


@app.command("alerts")
def alerts_(history: bool = typer.Option(False, "--history", help="Cả các cảnh báo đã kết thúc (50 gần nhất).")) -> None:
    """Cảnh báo của máy chấm công (mất liên lạc, lệch giờ, bộ nhớ gần đầy...), sau khi đánh giá lại."""
    from sqlmodel import col, select

    from devices.models import DeviceAlert

    with session_scope() as session:
        alerts.evaluate(session=session)
        serials = {d.id: d.serial for d in list_devices(session=session)}
        query = select(DeviceAlert).order_by(col(DeviceAlert.started_at).desc()).limit(50)
        if not history:
            query = query.where(col(DeviceAlert.open).is_(True))
        table = Table("Máy", "Cảnh báo", "Chi tiết", "Từ", "Đến", title="Cảnh báo máy chấm công")
        for alert in session.exec(query):
            table.add_row(serials.get(alert.device_id, str(alert.device_id)), alerts.LABELS_VI.get(alert.kind, alert.kind),
                          alert.detail, f"{to_local(alert.started_at, get_settings().timezone):%H:%M %d/%m/%Y}",
                          f"{to_local(alert.ended_at, get_settings().timezone):%H:%M %d/%m/%Y}" if alert.ended_at else "")
        console.print(table)


@app.command("confirm-address")
def confirm_address(
    serial: str = typer.Argument(..., help="Số sê-ri máy push đổi địa chỉ."),
    reject: bool = typer.Option(False, "--reject", help="Từ chối địa chỉ mới (dữ liệu giữ lại chỉ làm bằng chứng)."),
) -> None:
    """Xác nhận (hoặc từ chối) địa chỉ mới của máy push; dữ liệu gửi từ đó đang được giữ lại."""
    try:
        with session_scope() as session:
            device = get_device(session=session, serial=serial)
            address = device.push_pending_address
            if reject:
                held = adms.reject_address(session=session, device=device, actor=_actor())
                console.print(f"Đã từ chối địa chỉ {address} của máy {device.serial}; {held} lần gửi giữ làm bằng chứng.")
            else:
                accepted = adms.confirm_address(session=session, device=device, actor=_actor())
                console.print(f"Máy {device.serial} nay gửi từ {address}; đã nhận {accepted} lượt chấm công được giữ lại.")
    except AttendanceError as err:
        raise _fail(err) from err


@app.command("list")
def list_() -> None:
    """Danh sách máy và tình trạng (lần liên lạc, lỗi, số bản ghi, lệch giờ)."""
    with session_scope() as session:
        devices = list_devices(session=session)
        table = Table("Sê-ri", "Tên", "Loại", "Địa chỉ / gửi từ", "Liên lạc cuối", "Thành công cuối", "Bản ghi",
                      "Người dùng", "Lệch giờ (s)", "Lỗi", title="Máy chấm công")
        for d in devices:
            offset = "" if d.clock_offset_seconds is None else f"{d.clock_offset_seconds:+.0f}"
            if health.drift_flagged(d):
                offset = f"[red]{offset} ⚠[/red]"
            records = "" if d.record_count is None else f"{d.record_count}/{d.record_capacity or '?'}"
            error = f"[red]{d.last_error}[/red] (x{d.consecutive_failures})" if d.last_error else ""
            table.add_row(d.serial, d.name, d.kind, _where(d),
                          _when(d, d.last_contact_at), _when(d, d.last_success_at), records,
                          "" if d.user_count is None else str(d.user_count), offset, error)
        console.print(table)


def _where(device: Device) -> str:
    if device.host:
        return f"{device.host}:{device.port}/{device.transport}"
    if device.kind != DeviceKind.ZK_PUSH:
        return "-"
    where = device.push_allowed_from or device.push_pinned_address or "chưa liên lạc"
    if device.push_pending_address:
        where += f" [red](địa chỉ mới chờ xác nhận: {device.push_pending_address})[/red]"
    return where


@app.command("poll")
def poll(
    serials: list[str] = typer.Argument(None, help="Chỉ quét các máy này (mặc định: mọi máy đang bật)."),
    loop: bool = typer.Option(False, "--loop", help="Chạy liên tục theo chu kỳ từng máy, đến khi bị dừng."),
    max_seconds: float | None = typer.Option(None, help="Với --loop: dừng sau ngần này giây."),
    force: bool = typer.Option(False, "--force", help="Tải toàn bộ log kể cả khi số bản ghi không đổi."),
    workers: int = typer.Option(8, help="Số máy quét đồng thời."),
    timeout: float = typer.Option(10.0, help="Thời gian chờ mỗi lệnh, giây."),
    batch_size: int = typer.Option(5000, help="Số bản ghi mỗi lần ghi vào sổ."),
    lease_seconds: float = typer.Option(120.0, help="Thời hạn giữ quyền quét một máy (gia hạn khi đang tải)."),
    sync_templates: bool = typer.Option(True, "--sync-templates/--no-sync-templates",
                                        help="Sau mỗi lần quét: đọc vân tay khi số người/vân tay trên máy thay đổi "
                                             "và ghi vân tay máy còn thiếu."),
) -> None:
    """Quét các máy chấm công: một lần (có thanh tiến trình) hoặc liên tục (--loop)."""
    engine = get_engine()
    if loop:
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        poller = Poller(engine=engine, workers=workers, timeout=timeout, batch_size=batch_size,
                        lease_seconds=lease_seconds, serials=serials or None, on_outcome=_print_outcome,
                        sync_templates=sync_templates)
        console.print(f"Bắt đầu quét ({poller.holder}); Ctrl+C để dừng.")
        poller.run(stop=stop, max_seconds=max_seconds)
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bars:
        tasks: dict[str, TaskID] = {}

        def progress_for(serial: str):  # type: ignore[no-untyped-def]
            tasks[serial] = bars.add_task(f"Máy {serial}", total=None)
            return lambda done, total: bars.update(tasks[serial], completed=done, total=total)

        poller = Poller(engine=engine, workers=workers, timeout=timeout, batch_size=batch_size,
                        lease_seconds=lease_seconds, serials=serials or None, progress_for=progress_for,
                        sync_templates=sync_templates)
        outcomes = poller.poll_now(force=force)
    for outcome in outcomes:
        _print_outcome(outcome)
    if not outcomes:
        console.print("Không có máy nào để quét.")
    if any(not o.ok and not o.not_ours for o in outcomes):
        raise typer.Exit(1)


@app.command("sync-users")
def sync_users_cmd(
    serial: str = typer.Argument(...),
    dry_run: bool = typer.Option(False, "--dry-run", help="Chỉ xem sẽ thay đổi gì."),
) -> None:
    """Đưa cán bộ lên máy, xoá người đã nghỉ; liệt kê người dùng trên máy mà hệ thống không biết."""
    try:
        with session_scope() as session:
            device = get_device(session=session, serial=serial)
            if device.kind == DeviceKind.ZK_PUSH:
                plan = adms.queue_user_sync(session=session, device=device, actor=_actor(), dry_run=dry_run)
                verb = "Đã xếp lệnh" if not dry_run else "Sẽ xếp lệnh"
        if device.kind != DeviceKind.ZK_PUSH:
            plan = _on_terminal(serial, lambda s, d, t: sync_users(session=s, device=d, terminal=t, actor=_actor(),
                                                                   dry_run=dry_run))
            verb = "Đã" if not dry_run else "Sẽ"
    except AttendanceError as err:
        raise _fail(err) from err
    _print_plan(plan, verb)


@app.command("sync-clock")
def sync_clock(
    serial: str = typer.Argument(...),
    set_: bool = typer.Option(False, "--set", help="Đặt lại giờ máy theo giờ hệ thống (có ghi nhật ký)."),
) -> None:
    """Đo độ lệch giờ của máy; chỉ đặt lại giờ khi có --set."""
    try:
        if set_:
            report = _on_terminal(serial, lambda s, d, t: set_clock(session=s, device=d, terminal=t, actor=_actor()))
        else:
            report = _on_terminal(serial, lambda s, d, t: check_clock(session=s, device=d, terminal=t))
    except AttendanceError as err:
        raise _fail(err) from err
    flag = " [red]⚠ vượt ngưỡng[/red]" if report.flagged else ""
    done = "Đã đặt lại giờ. " if report.was_set else ""
    console.print(f"{done}Máy {report.serial}: giờ máy {report.device_time}, lệch {report.offset_seconds:+.0f} s{flag}")
    if report.flagged and not report.was_set:
        console.print("Dùng --set để đặt lại giờ máy.")


@app.command("clear-log")
def clear_log(
    serial: str = typer.Argument(...),
    yes: bool = typer.Option(False, "--yes", help="Xác nhận xoá (bắt buộc)."),
) -> None:
    """Xoá log trên máy, chỉ sau khi mọi bản ghi đã được đối chiếu trong sổ chấm công."""
    if not yes:
        console.print("Thêm --yes để xác nhận. Máy phải được đăng ký với --allow-clear.")
        raise typer.Exit(1)
    try:
        report = _on_terminal(serial, lambda s, d, t: safe_clear_log(session=s, device=d, terminal=t, actor=_actor()))
    except AttendanceError as err:
        raise _fail(err) from err
    console.print(f"Đã xoá {report.cleared} bản ghi trên máy {report.serial} (mới lưu thêm {report.newly_stored}).")


@app.command("import-usb")
def import_usb(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Tệp *_attlog.dat chép từ máy."),
    device: str = typer.Option(..., "--device", help="Số sê-ri máy đã xuất tệp."),
) -> None:
    """Nhập log chấm công từ USB (máy chưa biết sẽ được đăng ký là máy offline)."""
    try:
        with session_scope() as session, Progress(TextColumn("{task.description}"), BarColumn(),
                                                  MofNCompleteColumn(), console=console, transient=True) as bars:
            task = bars.add_task(f"Nhập {file.name}", total=None)
            result = import_usb_file(session=session, path=file, serial=device, actor=_actor(),
                                     progress=lambda done, total: bars.update(task, completed=done, total=total))
    except AttendanceError as err:
        raise _fail(err) from err
    i = result.ingest
    if result.registered:
        console.print(f"Đã đăng ký máy offline {result.serial}.")
    console.print(f"{result.lines} dòng: lưu mới {i.stored}, trùng {i.duplicates}, cách ly {i.quarantined}, "
                  f"chưa gán người {i.unmatched}, lỗi {len(result.errors) + len(i.rejected)}.")
    for error in result.errors[:50]:
        console.print(f"  dòng {error.line}: {error.reason}")
    if result.errors:
        raise typer.Exit(1)


@app.command("simulate")
def simulate(
    port: int = typer.Option(4370, help="Cổng đầu tiên (TCP và UDP)."),
    users: int = typer.Option(20, help="Số người dùng sinh sẵn (PIN 1..N)."),
    punches: int = typer.Option(1000, help="Số bản ghi chấm công sinh sẵn."),
    user_format: int = typer.Option(72, help="28 | 72"),
    punch_format: int = typer.Option(16, help="8 | 16 | 40"),
    comm_key: int = typer.Option(0, "--comm-key"),
    count: int = typer.Option(1, help="Số máy, trên các cổng liên tiếp."),
    drift: float = typer.Option(0.0, help="Độ lệch đồng hồ của máy, giây."),
    host: str = typer.Option("127.0.0.1"),
    push_to: str | None = typer.Option(None, "--push-to", help="Máy đẩy dữ liệu (ADMS) tới dịch vụ ở địa chỉ này, "
                                        "ví dụ http://127.0.0.1:8000, thay vì chờ được quét."),
    push_every: float = typer.Option(5.0, help="Với --push-to: số giây giữa hai lần gửi."),
) -> None:
    """Chạy máy chấm công giả lập cho đến khi bị dừng (Ctrl+C)."""
    if push_to:
        _simulate_push(push_to, count=count, users=users, punches=punches, every=push_every)
        return
    try:
        handle = start_simulator(port=port, host=host, count=count, users=users, punches=punches,
                                 user_format=user_format, punch_format=punch_format, comm_key=comm_key,
                                 drift_seconds=drift)
    except (OSError, ValueError) as err:
        raise _fail(err) from err
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    for term, bound in zip(handle.terminals, handle.ports, strict=True):
        console.print(f"Máy giả lập {term.config.serial} tại {host}:{bound} (tcp+udp), "
                      f"{len(term.users)} người dùng, {len(term.punches)} bản ghi.", soft_wrap=True)
    console.print("Ctrl+C để dừng.", highlight=False)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        handle.stop()


def _print_outcome(outcome: PollOutcome) -> None:
    if outcome.not_ours:
        return
    if not outcome.ok:
        console.print(f"[red]{outcome.serial}: {outcome.error}[/red]")
        return
    r = outcome.result
    assert r is not None
    if r.skipped:
        offset = "" if r.clock_offset_seconds is None else f", lệch giờ {r.clock_offset_seconds:+.0f} s"
        console.print(f"{r.serial}: không có bản ghi mới ({r.record_count}){offset}")
        return
    i = r.ingest
    console.print(f"{r.serial}: tải {r.downloaded} bản ghi trong {r.seconds:.1f} s; lưu mới {i.stored}, "
                  f"trùng {i.duplicates}, cách ly {i.quarantined}, hỏng ngày giờ {r.unreadable}, "
                  f"chưa gán người {i.unmatched}" + (f", tức thời {outcome.live_punches}" if outcome.live_punches else ""))


def _print_plan(plan: UserSyncPlan, verb: str) -> None:
    console.print(f"{verb} thêm {len(plan.add)}, cập nhật {len(plan.update)}, xoá {len(plan.remove)} người dùng.")
    for user in plan.unknown:
        console.print(f"  Người dùng trên máy không có trong hệ thống: PIN {user.pin} {user.name}")
    for reason in plan.skipped:
        console.print(f"  Bỏ qua: {reason}")


def _when(device: Device, instant: object) -> str:
    if instant is None:
        return "-"
    return to_local(instant, health.device_zone(device)).strftime("%d/%m %H:%M:%S")  # type: ignore[arg-type]


def _simulate_push(url: str, *, count: int, users: int, punches: int, every: float) -> None:
    """Simulated push terminals (serials SIMPUSH...): punches, enrolments and command results sent to `url`."""
    import httpx

    from devices.sim_push import PushAgent
    from devices.simulator import SimTerminal, TerminalConfig, generate

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    threads = []
    with httpx.Client(base_url=url, timeout=10.0) as http:
        for i in range(count):
            terminal = SimTerminal(TerminalConfig(serial=f"SIMPUSH{i + 1:06d}"))
            generate(terminal, users=users, punches=punches, seed=1 + i)
            agent = PushAgent(terminal, http)
            thread = threading.Thread(target=agent.run, kwargs={"every": every, "stop": stop}, daemon=True)
            thread.start()
            threads.append(thread)
            console.print(f"Máy {terminal.config.serial} gửi tới {url} mỗi {every:g} giây "
                          f"(đăng ký trước: attendance devices add {terminal.config.serial} --push).")
        stop.wait()
        for thread in threads:
            thread.join(timeout=every + 10)
