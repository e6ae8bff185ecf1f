"""`attendance faces consent|enroll|list|erase|evaluate`."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import cv2
import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from attendance import audit
from attendance.db import session_scope
from attendance.errors import AttendanceError
from attendance.staff import get_staff_by_code
from config import get_settings
from recognition import calibration, enrollment
from recognition.camera.capture import FrameSource
from recognition.crypto import TemplateCipher, cipher_from_settings
from recognition.engine import get_engine
from recognition.errors import PhotoRejected
from recognition.evaluation import evaluate as run_evaluation
from recognition.evaluation import photos_in

app = typer.Typer(no_args_is_help=True, help="Face enrollment, listing, erasure and evaluation.")
console = Console()
OUTCOMES = {"correct": "đúng", "false_accept": "nhận nhầm", "false_reject": "bỏ sót", "no_face": "không thấy mặt"}


@app.command()
def consent(
    staff_code: str = typer.Argument(..., help="Mã cán bộ."),
    method: str = typer.Option("phiếu đồng ý", help="How consent was given (signed form, kiosk, ...)."),
    ref: str | None = typer.Option(None, help="Reference of the consent document."),
    actor: str = typer.Option("cli", help="Who records it (audit log)."),
) -> None:
    """Record a person's consent to face enrollment (required before enrolling)."""
    with _errors(), session_scope() as session:
        staff = get_staff_by_code(session=session, code=staff_code)
        enrollment.record_consent(session=session, staff_id=staff.id or 0, actor=actor, method=method, document_ref=ref)
    console.print(f"Đã ghi nhận sự đồng ý của {staff.full_name} ({staff.code}).")


@app.command()
def enroll(
    staff_code: str | None = typer.Argument(None, help="Mã cán bộ (with PHOTOS)."),
    photos: list[Path] | None = typer.Argument(None, help="Photos of that person (JPEG, PNG, WEBP, HEIC)."),
    folder: Path | None = typer.Option(None, "--folder", help="Batch: FOLDER/<staff code>/<photos>."),
    keep_photos: bool = typer.Option(False, help="Keep the photos (encrypted); default: templates only."),
    actor: str = typer.Option("cli", help="Who enrolls (audit log)."),
) -> None:
    """Enroll face photos (each photo is its own unit of work; refused photos are listed with the reason)."""
    jobs = _jobs(staff_code, photos, folder)
    settings = get_settings()
    engine, cipher = get_engine(), cipher_from_settings(settings)
    enrolled, refused = 0, []
    with Progress(console=console) as progress:
        task = progress.add_task("Đang đăng ký khuôn mặt…", total=len(jobs))
        for code, photo in jobs:
            try:
                with session_scope() as session:
                    staff = get_staff_by_code(session=session, code=code)
                    enrollment.enroll_photo(
                        session=session,
                        staff_id=staff.id or 0,
                        data=photo.read_bytes(),
                        actor=actor,
                        engine=engine,
                        policy=settings.faces,
                        cipher=cipher,
                        source="cli",
                        keep_photo=keep_photos,
                        language=settings.language,
                    )
                enrolled += 1
            except (AttendanceError, OSError) as err:
                refused.append((code, photo, str(err)))
            progress.advance(task)
    console.print(f"Đã đăng ký {enrolled} ảnh, từ chối {len(refused)}.")
    for code, photo, reason in refused:
        console.print(f"  [yellow]{code}[/yellow] {photo.name}: {reason}")
    if refused:
        raise typer.Exit(1)


@app.command("enroll-camera")
def enroll_camera(
    staff_code: str = typer.Argument(..., help="Mã cán bộ."),
    source: str = typer.Option("0", help="Webcam index, RTSP URL or video file."),
    shots: int = typer.Option(3, min=1, max=10, help="Templates to take."),
    gap: int = typer.Option(5, min=1, help="Frames between two shots (for some variety)."),
    max_frames: int = typer.Option(300, min=1, help="Give up after this many frames."),
    actor: str = typer.Option("cli", help="Who enrolls (audit log)."),
) -> None:
    """Enroll from a camera: each frame is checked like a photo until SHOTS are taken."""
    settings = get_settings()
    engine, cipher = get_engine(), cipher_from_settings(settings)
    taken, last_taken, reason = 0, -gap, ""
    try:
        frames = FrameSource(source)
    except AttendanceError as err:
        console.print(f"[red]Lỗi:[/red] {err}")
        raise typer.Exit(2) from err
    with _errors(), Progress(console=console) as progress:
        task = progress.add_task("Nhìn thẳng vào máy ảnh…", total=shots)
        for index, frame in enumerate(frames.frames()):
            if taken >= shots or index >= max_frames:
                break
            if index - last_taken < gap:
                continue
            ok, jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 95])
            try:
                with session_scope() as session:
                    staff = get_staff_by_code(session=session, code=staff_code)
                    enrollment.enroll_photo(
                        session=session,
                        staff_id=staff.id or 0,
                        data=jpeg.tobytes(),
                        actor=actor,
                        engine=engine,
                        policy=settings.faces,
                        cipher=cipher,
                        source="camera",
                        language=settings.language,
                    )
            except PhotoRejected as err:
                if str(err) != reason:
                    progress.console.print(f"  {err}")
                reason = str(err)
                continue
            taken, last_taken = taken + 1, index
            progress.advance(task)
        frames.close()
    console.print(f"Đã đăng ký {taken}/{shots} mẫu từ máy ảnh.")
    if taken < shots:
        raise typer.Exit(1)


@app.command("list")
def list_() -> None:
    """People with face templates or a recorded consent."""
    with _errors(), session_scope() as session:
        rows = enrollment.list_enrollments(session=session)
    zone = get_settings().zone
    table = Table("Mã", "Họ và tên", "Mẫu", "Ảnh lưu", "Đồng ý lúc")
    for row in rows:
        given = (
            row.consent_given_at.astimezone(zone).strftime("%d/%m/%Y %H:%M") if row.consent_given_at else "— (đã rút)"
        )
        table.add_row(row.code, row.full_name, str(row.templates), str(row.photos), given)
    console.print(table)


@app.command()
def erase(
    staff_code: str = typer.Argument(..., help="Mã cán bộ."),
    reason: str = typer.Option(..., help="Why (audit log), e.g. 'nghỉ việc' or 'rút lại sự đồng ý'."),
    withdraw: bool = typer.Option(False, help="Also record that the person withdrew consent."),
    actor: str = typer.Option("cli", help="Who erases (audit log)."),
) -> None:
    """Erase every face template and photo of a person."""
    with _errors(), session_scope() as session:
        staff = get_staff_by_code(session=session, code=staff_code)
        service = enrollment.withdraw_consent if withdraw else enrollment.erase_faces
        erased = service(session=session, staff_id=staff.id or 0, actor=actor, reason=reason)
    console.print(f"Đã xoá {erased.templates} mẫu và {erased.photos} ảnh của {staff.full_name} ({staff.code}).")


@app.command("erase-departed")
def erase_departed(actor: str = typer.Option("cli", help="Who erases (audit log).")) -> None:
    """Erase the face data of everyone who has left (run daily, e.g. from cron)."""
    today = datetime.now(get_settings().zone).date()
    with _errors(), session_scope() as session:
        erased = enrollment.erase_departed(session=session, actor=actor, today=today)
    console.print(f"Đã xoá dữ liệu khuôn mặt của {len(erased)} người đã nghỉ việc.")


@app.command()
def rekey(
    old_secret_env: str = typer.Option(
        "ATTENDANCE_OLD_SECRET_KEY", help="Environment variable holding the previous secret key."
    ),
    actor: str = typer.Option("cli", help="Who rotates the key (audit log)."),
) -> None:
    """Re-encrypt every face template under the current secret key, after ATTENDANCE_SECRET_KEY changed."""
    old_secret = os.environ.get(old_secret_env)
    if not old_secret:
        console.print(f"[red]Lỗi:[/red] đặt khoá cũ vào biến môi trường {old_secret_env} (set the old key there)")
        raise typer.Exit(2)
    with _errors(), session_scope() as session:
        count = enrollment.rekey(
            session=session, old=TemplateCipher(old_secret), new=cipher_from_settings(), actor=actor
        )
    console.print(f"Đã mã hoá lại {count} mẫu khuôn mặt bằng khoá mới.")


@app.command()
def evaluate(
    dataset: Path = typer.Argument(..., exists=True, file_okay=False, help="Folder with train/ and test/."),
    as_json: bool = typer.Option(False, "--json", help="End with one JSON line of the figures."),
) -> None:
    """Enroll train/ into a scratch gallery (never the live one) and identify every test/ photo."""
    settings = get_settings()
    total = sum(len(photos_in(d)) for part in ("train", "test") for d in (dataset / part).glob("*") if d.is_dir())
    try:
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("Đang đánh giá…", total=total)
            report = run_evaluation(
                dataset, engine=get_engine(), policy=settings.faces, progress=lambda _name: progress.advance(task)
            )
    except FileNotFoundError as err:
        console.print(f"[red]Lỗi:[/red] {err}")
        if as_json:
            print(json.dumps({"error": str(err), "tests": 0}, ensure_ascii=False))
        raise typer.Exit(2) from err
    table = Table("Đúng là", "Nhận ra", "Khoảng cách", "Kết quả")
    table.add_column("Ảnh", overflow="fold")
    for r in report.results:
        distance = f"{r.distance:.3f}" if r.distance is not None else "—"
        table.add_row(
            r.expected or "(không đăng ký)", r.predicted or "(không rõ)", distance, OUTCOMES[r.outcome], r.path
        )
    console.print(table)
    for path, reason in report.refused:
        console.print(f"Ảnh đăng ký bị từ chối {path}: {reason}")
    for path, reason in report.refused_tests:
        console.print(f"Ảnh thử bị từ chối {path}: {reason}")
    summary = report.summary()
    console.print(
        f"Ngưỡng {summary['threshold']} (biên {summary['margin']}): độ chính xác {summary['accuracy']:.1%}, "
        f"nhận nhầm {summary['false_accepts']}, bỏ sót {summary['false_rejects']}, trên {summary['tests']} ảnh."
    )
    console.print(f"Khoảng cách cùng người: {summary['genuine_distance']}")
    console.print(f"Khoảng cách người khác gần nhất: {summary['impostor_distance']}")
    if as_json:
        print(json.dumps(summary, ensure_ascii=False))


@app.command()
def calibrate(
    target_far: float = typer.Option(0.001, min=0.0, max=0.5, help="Target false-accept rate (of an unenrolled face)."),
    plot: Path | None = typer.Option(None, help="Write the distributions' plot (PNG) here."),
    apply: bool = typer.Option(False, "--apply", help="Write the recommended threshold and margin to --env-file."),
    env_file: Path = typer.Option(Path(".env"), help="The service's env file (read at start)."),
    as_json: bool = typer.Option(False, "--json", help="End with one JSON line of the figures."),
    actor: str = typer.Option("cli", help="Who applies the change (audit log)."),
) -> None:
    """Genuine and impostor distances among the enrolled people (leave-one-out) and a recommended threshold."""
    settings = get_settings()
    policy = settings.faces
    with _errors(), session_scope() as session:
        gallery = enrollment.load_gallery(session=session, cipher=cipher_from_settings(settings))
    try:
        result = calibration.calibrate(gallery, threshold=policy.threshold, margin=policy.margin, target_far=target_far)
    except ValueError as err:
        console.print(f"[red]Lỗi:[/red] {err}")
        raise typer.Exit(2) from err
    summary = result.summary()
    table = Table("", "Ngưỡng", "Biên", "Nhận nhầm người lạ", "Nhầm người", "Bỏ sót")
    for label, rates in (("Hiện tại", result.current), ("Đề xuất", result.recommended)):
        table.add_row(
            label,
            f"{rates.threshold:.2f}",
            f"{rates.margin:.2f}",
            f"{rates.false_accept:.2%}",
            f"{rates.misidentified:.2%}",
            f"{rates.false_reject:.2%}",
        )
    console.print(f"{result.people} người, {result.encodings} mẫu (mỗi mẫu lần lượt bỏ ra khỏi thư viện).")
    console.print(f"Khoảng cách cùng người: {summary['genuine_distance']}")
    console.print(f"Khoảng cách người khác gần nhất: {summary['impostor_distance']}")
    console.print(table)
    if not summary["target_measurable"]:
        console.print(
            f"[yellow]Lưu ý:[/yellow] {result.encodings} mẫu chưa đủ để đo tỉ lệ {target_far:.2%} "
            f"(cần ít nhất {int(1 / target_far) if target_far else '∞'}): ngưỡng đề xuất chỉ dựa trên những gì đã thấy."
        )
    for pair in result.close_pairs[:20]:
        console.print(
            f"[yellow]Cảnh báo:[/yellow] {pair.first} và {pair.second} quá giống nhau "
            f"(khoảng cách {pair.distance:.3f}, chênh {pair.gap:+.3f} < biên {policy.margin})"
        )
    if plot is not None:
        plot.write_bytes(calibration.plot_png(result, threshold=policy.threshold, margin=policy.margin))
        console.print(f"Biểu đồ: {plot}")
    if apply:
        recommended = result.recommended
        before = calibration.apply_to_env_file(env_file, threshold=recommended.threshold, margin=recommended.margin)
        with session_scope() as session:
            audit.record(
                session=session,
                actor=actor,
                action="settings.faces_threshold",
                entity="settings",
                entity_id=str(env_file),
                before={"threshold": policy.threshold, "margin": policy.margin, "env_file": before},
                after={"threshold": recommended.threshold, "margin": recommended.margin, "target_far": target_far},
                reason="faces calibrate --apply",
            )
        console.print(
            f"Đã ghi ngưỡng {recommended.threshold:.2f}, biên {recommended.margin:.2f} vào {env_file} "
            "(khởi động lại dịch vụ và camera để áp dụng)."
        )
    if as_json:
        print(json.dumps(summary, ensure_ascii=False))


def _jobs(staff_code: str | None, photos: list[Path] | None, folder: Path | None) -> list[tuple[str, Path]]:
    if folder is not None:
        if not folder.is_dir():
            raise typer.BadParameter(f"{folder} is not a folder")
        return [(d.name, p) for d in sorted(folder.iterdir()) if d.is_dir() for p in photos_in(d)]
    if not staff_code or not photos:
        raise typer.BadParameter("give STAFF_CODE and PHOTOS, or --folder")
    return [(staff_code, p) for p in photos]


class _errors:
    """Turn a domain error into a red message and exit code 2."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None, _tb: object) -> None:
        if isinstance(err, AttendanceError):
            console.print(f"[red]Lỗi:[/red] {err}")
            raise typer.Exit(2) from err
