"""Frame sources: every frame from a file, only the newest from a live source, clean refusal."""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from recognition.camera.capture import FrameSource
from recognition.errors import CameraUnavailable

pytestmark = pytest.mark.db_independent


@pytest.fixture
def numbered_clip(tmp_path: Path) -> Path:
    """40 frames at 50 fps, frame i filled with grey level 5 * i."""
    path = tmp_path / "numbered.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 50, (64, 48))
    for i in range(40):
        writer.write(np.full((48, 64, 3), 5 * i, np.uint8))
    writer.release()
    return path


def test_file_gives_every_frame(numbered_clip: Path) -> None:
    source = FrameSource(str(numbered_clip))
    levels = [int(frame.mean()) for frame in source.frames()]
    source.close()
    assert len(levels) == 40 and levels == sorted(levels)


def test_live_reading_skips_to_the_newest_frame(numbered_clip: Path) -> None:
    source = FrameSource(str(numbered_clip), realtime=True, latest_only=True)  # paced like a camera
    levels = []
    for frame in source.frames():
        levels.append(int(frame.mean()))
        time.sleep(0.1)  # a recogniser slower than the camera
    source.close()
    assert 2 <= len(levels) < 20
    assert source.skipped >= 20
    assert levels == sorted(levels) and levels[-1] >= 150  # no backlog: the end of the clip is reached


def test_missing_source_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CameraUnavailable):
        FrameSource(str(tmp_path / "no-such-camera.avi"))
