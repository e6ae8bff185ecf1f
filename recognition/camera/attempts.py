"""What the camera reports besides punches: faces it refused, or punched without a sign of life."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Attempt:
    """A matched face that the liveness gate did not see live: refused (enforce) or flagged (observe)."""

    at: datetime
    staff_id: int | None  # whom the face resembled
    pin: str | None
    distance: float | None
    runner_up: float | None
    outcome: str  # refused | flagged
    reason: str  # the gate's code: flat | pending | too_small | ...
