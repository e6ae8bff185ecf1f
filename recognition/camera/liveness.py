"""The liveness gate between matching and punching.

A photo or a phone screen held up to the camera matches like a live face. Every matched face passes
through a `LivenessGate` before it may vote for a punch; a face the gate refuses counts as a spoof
attempt and never punches. The default gate accepts everything: plug a real one (blink or head-motion
challenge, depth or IR sensor, texture classifier) into `CameraService(liveness=...)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from recognition.engine import FaceBox


@dataclass(frozen=True, slots=True)
class LivenessVerdict:
    live: bool
    reason: str = ""


class LivenessGate(Protocol):
    """Decides whether a matched face in this frame belongs to a live person."""

    def check(self, *, frame_rgb: np.ndarray, box: FaceBox, staff_id: int) -> LivenessVerdict: ...


class PassThroughGate:
    """No liveness check: every face is taken as live (the default until a real gate is configured)."""

    def check(self, *, frame_rgb: np.ndarray, box: FaceBox, staff_id: int) -> LivenessVerdict:
        return LivenessVerdict(True, "no liveness check configured")
