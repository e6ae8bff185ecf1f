"""Frames from a webcam index, an RTSP/HTTP URL or a video file, through OpenCV."""

from __future__ import annotations

import time
from collections.abc import Iterator

import cv2
import numpy as np

from recognition.errors import CameraUnavailable


class FrameSource:
    """Reads BGR frames; streams are reopened after a drop, files end at their last frame."""

    def __init__(self, source: str, *, reconnect_attempts: int = 5, realtime: bool = False) -> None:
        self.source = source
        self.is_file = not source.isdigit() and "://" not in source
        self.reconnect_attempts = reconnect_attempts
        self.realtime = realtime
        self._capture = self._open()
        self.fps = float(self._capture.get(cv2.CAP_PROP_FPS) or 0.0)

    def frames(self) -> Iterator[np.ndarray]:
        failures = 0
        interval = 1.0 / self.fps if self.realtime and self.fps > 0 else 0.0
        while True:
            started = time.monotonic()
            ok, frame = self._capture.read()
            if ok and frame is not None:
                failures = 0
                yield frame
                if interval:
                    time.sleep(max(0.0, interval - (time.monotonic() - started)))
                continue
            if self.is_file:
                return
            failures += 1
            if failures > self.reconnect_attempts:
                raise CameraUnavailable(f"camera {self.source} stopped sending frames")
            time.sleep(min(2.0**failures, 30.0))
            self._capture.release()
            self._capture = self._open(raise_on_fail=False)

    def close(self) -> None:
        self._capture.release()

    def _open(self, *, raise_on_fail: bool = True) -> cv2.VideoCapture:
        target: int | str = int(self.source) if self.source.isdigit() else self.source
        capture = cv2.VideoCapture(target)
        if raise_on_fail and not capture.isOpened():
            raise CameraUnavailable(f"cannot open camera source {self.source!r}")
        return capture
