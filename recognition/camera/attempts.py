"""What the camera reports besides punches: the evidence of each face decision, and faces it refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Attempt:
    """A face decision: punched, punched but flagged (no sign of life, observe), or refused (enforce).

    `at` is the punch's device time (its key in the ledger) for punches, the moment of refusal otherwise;
    the images are the deciding frame's face crop and a small view of the whole frame (JPEG).
    """

    at: datetime
    staff_id: int | None  # whom the face resembled
    pin: str | None
    distance: float | None
    runner_up: float | None
    outcome: str  # punched | flagged | refused
    reason: str  # the gate's code: blink | turn | flat | pending | too_small | unchecked
    face_jpeg: bytes | None = None
    context_jpeg: bytes | None = None
