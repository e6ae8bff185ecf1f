"""What the Vietnamese conventions cost on the pages' hot paths: collating a board's people, formatting figures.

Prints a table: for 1,500 / 20,000 names, the time to sort them in Vietnamese name order (ICU) against a plain
code-point sort, and the time to format 10,000 numbers and instants with Babel.
Run: python bench/conventions.py"""

from __future__ import annotations

import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from attendance.collation import name_key, sort_people
from attendance.formatting import format_instant, format_number

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thu", "Đức", "Kim", "Quốc", "Thanh", "Hữu"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Đức", "Hà", "Hạnh", "Hải", "Lan", "Long", "Mai", "Nam", "Oanh", "Ơn",
         "Phúc", "Quân", "Tâm", "Tấn", "Uyên", "Ưng", "Vân", "Yến"]


def _names(n: int, rng: random.Random) -> list[str]:
    return [f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}" for _ in range(n)]


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18] if len(samples) >= 20 else max(samples)


def _time(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    rng = random.Random(13)
    print(f"{'what':<44} {'n':>7} {'median ms':>10} {'p95 ms':>8}")
    for n in (1_500, 20_000):
        names = _names(n, rng)
        def cold(names: list[str] = names) -> None:
            name_key.cache_clear()
            sort_people(names, str)

        for label, fn in (("sort, Vietnamese order, cold (no key cached)", cold),
                          ("sort, Vietnamese order, warm (keys cached)", lambda names=names: sort_people(names, str)),
                          ("sort, code points (before)", lambda names=names: sorted(names))):
            samples = _time(fn, 30 if n < 10_000 else 10)
            print(f"{label:<44} {n:>7} {statistics.median(samples):>10.2f} {_p95(samples):>8.2f}")
    values = [rng.random() * 100_000 for _ in range(10_000)]
    start = datetime(2026, 12, 1, tzinfo=UTC)
    instants = [start + timedelta(minutes=i) for i in range(10_000)]
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    for label, fn in (("format_number (Babel vi_VN)", lambda: [format_number(v) for v in values]),
                      ("format_instant (unit zone, dd/mm/yyyy HH:mm)", lambda: [format_instant(t, zone) for t in instants])):
        samples = _time(fn, 10)
        print(f"{label:<44} {10_000:>7} {statistics.median(samples):>10.2f} {_p95(samples):>8.2f}")


if __name__ == "__main__":
    main()
