"""Frames from a webcam index, an RTSP/HTTP URL or a video file, through OpenCV."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import cv2
import numpy as np

from recognition.errors import CameraUnavailable


class FrameSource:
    """Reads BGR frames. Live sources are read by a thread that keeps only the newest frame, so a slow
    recogniser never works on a backlog; streams are reopened after a drop; files end at their last frame.
    """

    def __init__(
        self,
        source: str,
        *,
        reconnect_attempts: int = 5,
        realtime: bool = False,
        latest_only: bool | None = None,
    ) -> None:
        self.source = source
        self.is_file = not source.isdigit() and "://" not in source
        self.reconnect_attempts = reconnect_attempts
        self.realtime = realtime
        self.latest_only = (not self.is_file) if latest_only is None else latest_only
        self._capture = self._open()
        self.fps = float(self._capture.get(cv2.CAP_PROP_FPS) or 0.0)
        self.skipped = 0
        self._latest: np.ndarray | None = None
        self._done = False
        self._error: CameraUnavailable | None = None
        self._ready = threading.Condition()
        self._reader: threading.Thread | None = None

    def frames(self) -> Iterator[np.ndarray]:
        """Every frame (files), or the newest frame each time the caller is ready (live sources)."""
        if not self.latest_only:
            yield from self._read_all()
            return
        self._reader = threading.Thread(target=self._keep_latest, name=f"camera-{self.source}", daemon=True)
        self._reader.start()
        while True:
            with self._ready:
                while self._latest is None and not self._done:
                    self._ready.wait(timeout=1.0)
                frame, self._latest = self._latest, None
                if frame is None:
                    if self._error is not None:
                        raise self._error
                    return
            yield frame

    def close(self) -> None:
        with self._ready:
            self._done = True
            self._ready.notify_all()
        if self._reader is not None:
            self._reader.join(timeout=5)
        self._capture.release()

    def _keep_latest(self) -> None:
        try:
            for frame in self._read_all():
                with self._ready:
                    if self._done:
                        return
                    self.skipped += self._latest is not None
                    self._latest = frame
                    self._ready.notify_all()
        except CameraUnavailable as err:
            self._error = err
        with self._ready:
            self._done = True
            self._ready.notify_all()

    def _read_all(self) -> Iterator[np.ndarray]:
        failures = 0
        interval = 1.0 / self.fps if self.realtime and self.fps > 0 else 0.0
        while not self._done:
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

    def _open(self, *, raise_on_fail: bool = True) -> cv2.VideoCapture:
        target: int | str = int(self.source) if self.source.isdigit() else self.source
        capture = cv2.VideoCapture(target)
        if raise_on_fail and not capture.isOpened():
            raise CameraUnavailable(f"cannot open camera source {self.source!r}")
        return capture
