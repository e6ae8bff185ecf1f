"""The liveness gate between matching and punching.

A photo or a phone screen held up to the camera matches like a face. Every matched face passes through
a `LivenessGate`; the camera punches only for a face the gate has seen show life (policy `enforce`),
punches but flags it (`observe`), or does not ask (`off`, the `PassThroughGate`). The shipped gate,
`recognition.camera.landmark_gate.LandmarkGate`, decides from dlib's 68 landmarks of the frames the
camera already sees; a hardware gate (depth or near-infrared sensor) or a model-based one plugs in here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

import numpy as np

from recognition.engine import FaceBox


class LivenessPolicy(StrEnum):
    ENFORCE = "enforce"  # no sign of life, no punch (the attempt is recorded)
    OBSERVE = "observe"  # punch, but flag it and record the attempt
    OFF = "off"  # no liveness check


@dataclass(frozen=True, slots=True)
class LivenessVerdict:
    live: bool
    reason: str = ""
    code: str = ""  # blink | turn | pending | flat | too_small | unchecked
    challenge: str | None = None  # what to ask the person: blink | turn_left | turn_right


class LivenessGate(Protocol):
    """Decides whether a matched face, seen over the recent frames, belongs to a live person."""

    def check(
        self,
        *,
        frame_rgb: np.ndarray,
        box: FaceBox,
        staff_id: int,
        landmarks: np.ndarray | None = None,
        at: datetime | None = None,
    ) -> LivenessVerdict: ...


class PassThroughGate:
    """No liveness check: every face is taken as live (policy `off`)."""

    def check(
        self,
        *,
        frame_rgb: np.ndarray,
        box: FaceBox,
        staff_id: int,
        landmarks: np.ndarray | None = None,
        at: datetime | None = None,
    ) -> LivenessVerdict:
        return LivenessVerdict(True, "no liveness check configured", "unchecked")
