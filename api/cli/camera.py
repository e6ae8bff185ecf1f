"""`attendance camera run --source ...`."""

from __future__ import annotations

import logging
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from config import get_settings
from recognition.camera.capture import FrameSource
from recognition.camera.device_key import CameraKey
from recognition.camera.liveness import LivenessPolicy
from recognition.camera.sealed_store import CameraStoreUnreadable
from recognition.camera.service import CameraService, CameraStats
from recognition.camera.sinks import HttpSink, LocalSink, PunchSink
from recognition.camera.stores import open_camera_stores
from recognition.crypto import cipher_from_settings
from recognition.engine import get_engine
from recognition.errors import CameraUnavailable

app = typer.Typer(no_args_is_help=True, help="The door camera service.")
console = Console()


@app.command()
def run(
    source: str = typer.Option(..., help="Webcam index (0), RTSP/HTTP URL, or a video file."),
    serial: str = typer.Option(..., help="The camera's serial: punches carry it as their device."),
    server: str | None = typer.Option(None, help="Server base URL; without it punches go in-process."),
    token: str | None = typer.Option(None, envvar="ATTENDANCE_CAMERA_TOKEN", help="Bearer token for --server."),
    data_dir: Path | None = typer.Option(None, help="Outbox and gallery copy (default: DATA_DIR/camera/SERIAL)."),
    max_frames: int | None = typer.Option(None, help="Stop after this many frames."),
    realtime: bool = typer.Option(False, help="Pace a video file at its own frame rate."),
    liveness: str | None = typer.Option(
        None, help="enforce (no sign of life, no punch) | observe (punch but flag) | off; default from settings."
    ),
) -> None:
    """Recognise faces at the door and punch (k of n frames agree, one punch per person per window)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    settings = get_settings()
    policy = settings.faces
    if liveness is not None:
        if liveness not in {p.value for p in LivenessPolicy}:
            raise typer.BadParameter("enforce, observe or off", param_hint="--liveness")
        policy = policy.model_copy(update={"liveness": liveness})
    folder = data_dir or settings.data_dir / "camera" / serial
    sink: PunchSink = (
        HttpSink(server, token=token) if server else LocalSink(cipher_from_settings(settings), actor=f"camera:{serial}")
    )
    key = CameraKey.for_camera(folder=folder, token=token if server else None)
    try:
        stores = open_camera_stores(folder, key)  # refuse to start on stores it cannot read, before the source
    except CameraStoreUnreadable as err:
        console.print(f"[red]Lỗi:[/red] {err.message('vi')}\n({err.message('en')})")
        raise typer.Exit(2) from err
    outbox = stores.outbox
    service = CameraService(
        serial=serial,
        engine=get_engine(),
        sink=sink,
        outbox=outbox,
        policy=policy,
        gallery_cache=stores.gallery,
        snapshots=stores.snapshots,
        attempts=stores.attempts,
    )
    try:
        frames = FrameSource(source, realtime=realtime)
    except CameraUnavailable as err:
        stores.close()
        console.print(f"[red]Lỗi:[/red] {err}")
        raise typer.Exit(2) from err
    try:
        service.run(frames.frames(), max_frames=max_frames)
    except KeyboardInterrupt:
        service.flush(force=True)
    except CameraUnavailable as err:
        service.flush(force=True)
        console.print(f"[red]Lỗi:[/red] {err}")
        raise typer.Exit(2) from err
    finally:
        frames.close()
        pending, _ = outbox.counts()
        stores.close()
    _print(service.stats, pending)


def _print(stats: CameraStats, pending: int) -> None:
    table = Table("Chỉ số", "Giá trị")
    for label, value in [
        ("Khung hình", stats.frames),
        ("Khuôn mặt", stats.faces),
        ("Quyết định (k/n)", stats.decisions),
        ("Lượt chấm công đưa vào hàng đợi", stats.punches_queued),
        ("Đã gửi máy chủ", stats.delivered),
        ("Còn chờ gửi (outbox)", pending),
        ("Lần gửi lỗi", stats.delivery_failures),
        ("Người lạ", stats.unknown_events),
        ("Bị chặn bởi kiểm tra người thật", stats.spoofs_refused),
        ("Chấm công gắn cờ (chưa chứng minh người thật)", stats.liveness_flagged),
        ("Lỗi gần nhất", stats.last_error or "—"),
    ]:
        table.add_row(label, str(value))
    console.print(table)
