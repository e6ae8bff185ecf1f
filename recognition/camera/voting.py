"""k-of-n agreement over recent frames and one punch per person per debounce window (pure)."""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable
from datetime import datetime, timedelta

UNKNOWN = -1  # the label of a face that matched nobody


class Voter:
    """Decides a label once it is seen in at least k of the last n frames."""

    def __init__(self, k: int, n: int) -> None:
        if not 1 <= k <= n:
            raise ValueError(f"need 1 <= k <= n, got k={k}, n={n}")
        self.k = k
        self._window: deque[frozenset[int]] = deque(maxlen=n)

    def push(self, labels: Iterable[int]) -> list[int]:
        """Add one frame's labels; return the labels that now have k votes."""
        self._window.append(frozenset(labels))
        votes = Counter(label for frame in self._window for label in frame)
        return sorted(label for label, count in votes.items() if count >= self.k)

    def forget(self, label: int) -> None:
        """Drop a decided label's votes so the same streak does not decide it again."""
        for index, frame in enumerate(self._window):
            if label in frame:
                self._window[index] = frame - {label}


class Debouncer:
    """Lets a label through at most once per `window`."""

    def __init__(self, window: timedelta) -> None:
        self.window = window
        self._last: dict[int, datetime] = {}

    def allow(self, label: int, at: datetime) -> bool:
        last = self._last.get(label)
        if last is not None and at - last < self.window:
            return False
        self._last[label] = at
        return True
