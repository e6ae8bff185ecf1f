"""The camera loop on a clip written from the stills: frames (decisions) per second, one core.

The clip: 4 s of empty corridor, 4 s of obama, 4 s of a stranger, 640x480 at 10 fps. Every frame gets
a decision (someone or no one); punches go in-process to a scratch SQLite database.
Run: .venv/bin/python bench/faces_camera.py
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from _faces import FACES, FRAME, framed, ms, one_core

from bench._db import scratch_database, table


def write_clip(path: Path, fps: int, seconds: int) -> int:
    import cv2
    import numpy as np

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, FRAME)
    empty = np.full((FRAME[1], FRAME[0], 3), 40, np.uint8)
    scenes = [empty, framed(FACES / "test/obama/obama1.jpg"), framed(FACES / "test/_unknown/lin-manuel-miranda.png")]
    for frame in scenes:
        for _ in range(seconds * fps):
            writer.write(frame)
    writer.release()
    return len(scenes) * seconds * fps


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fps", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=4)
    args = parser.parse_args()
    pinned = one_core()

    from sqlmodel import select

    from attendance.db import session_scope
    from attendance.models import Punch
    from attendance.org import ensure_unit_path
    from attendance.staff import create_staff
    from config import get_settings
    from recognition import enrollment
    from recognition.camera.capture import FrameSource
    from recognition.camera.device_key import CameraKey
    from recognition.camera.outbox import Outbox
    from recognition.camera.service import CameraService
    from recognition.camera.sinks import LocalSink
    from recognition.crypto import cipher_from_settings
    from recognition.engine import FaceEngine

    folder = Path(tempfile.mkdtemp(prefix="faces-camera-bench-"))
    frames = write_clip(folder / "door.avi", args.fps, args.seconds)
    engine = FaceEngine()
    with scratch_database("sqlite"):
        settings = get_settings()
        with session_scope() as session:
            unit, _ = ensure_unit_path(session=session, path="UBND xã Tân Phú / Văn phòng")
            staff = create_staff(
                session=session,
                unit_id=unit.id or 0,
                code="NV0001",
                full_name="Barack Obama",
                pin="4401",
                actor="bench",
            )
            enrollment.record_consent(session=session, staff_id=staff.id or 0, actor="bench", method="bench")
            for photo in sorted((FACES / "train/obama").iterdir()):
                enrollment.enroll_photo(
                    session=session,
                    staff_id=staff.id or 0,
                    data=photo.read_bytes(),
                    actor="bench",
                    engine=engine,
                    policy=settings.faces,
                    cipher=cipher_from_settings(settings),
                )
        service = CameraService(
            serial="CAM-BENCH",
            engine=engine,
            sink=LocalSink(cipher_from_settings(settings)),
            outbox=Outbox(folder / "outbox.sqlite3", key=CameraKey.for_camera(folder=folder, token=None)),
            # The clip is made of stills, which the liveness gate rightly refuses: this measures the pipeline
            # (bench/faces_latency.py measures the gate's cost).
            policy=settings.faces.model_copy(update={"liveness": "off"}),
        )
        source = FrameSource(str(folder / "door.avi"))
        started, started_cpu = time.perf_counter(), time.process_time()
        stats = service.run(source.frames())
        elapsed, cpu = time.perf_counter() - started, time.process_time() - started_cpu
        source.close()
        with session_scope() as session:
            punches = len(session.exec(select(Punch)).all())
    assert stats.frames == frames
    face_frames = len(stats.frame_seconds)
    table(
        f"Camera loop on a {frames}-frame 640x480 clip ({pinned}, load average {os.getloadavg()[0]:.1f})",
        ["figure", "value"],
        [
            ["frames (decisions)", stats.frames],
            ["frames with a face", face_frames],
            ["decisions per second, whole clip (wall)", f"{stats.frames / elapsed:.1f}"],
            ["decisions per CPU second, whole clip", f"{stats.frames / cpu:.1f}"],
            ["decisions per second, frames with a face", f"{face_frames / sum(stats.frame_seconds):.1f}"],
            ["face frame p50 / p95 / min ms", " / ".join(ms(stats.frame_seconds))],
            ["punches stored (obama, once)", punches],
            ["unknown-face events (stranger)", stats.unknown_events],
        ],
    )


if __name__ == "__main__":
    main()
