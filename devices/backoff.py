"""When to poll a terminal next: its interval when healthy, exponential backoff when failing."""

from __future__ import annotations

from datetime import timedelta


def next_delay(*, interval_seconds: float, failures: int, base_seconds: float = 5.0,
               cap_seconds: float = 900.0) -> timedelta:
    """The wait before the next attempt after `failures` consecutive failures (0 = healthy)."""
    if failures <= 0:
        return timedelta(seconds=interval_seconds)
    backoff = base_seconds * 2 ** min(failures - 1, 20)
    return timedelta(seconds=min(backoff, max(cap_seconds, base_seconds)))
