"""Matching one face against 10,000 people x 5 encodings, on one core.

Target (issue 4): <= 5 ms per face. Encodings are real ones from the shared photos plus noise, so the
distances look like a real gallery's. Run: .venv/bin/python bench/faces_match.py
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from typing import Any

from _faces import FACES, ms, one_core

from bench._db import table


def timed(fn: Callable[[Any], object], inputs: list[Any]) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of fn over each input."""
    wall, cpu = [], []
    for value in inputs:
        t0, c0 = time.perf_counter(), time.thread_time()
        fn(value)
        cpu.append(time.thread_time() - c0)
        wall.append(time.perf_counter() - t0)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--per-person", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=300)
    args = parser.parse_args()
    pinned = one_core()

    import numpy as np

    from config import get_settings
    from recognition.engine import FaceEngine
    from recognition.enrollment import extract_sample
    from recognition.gallery import Gallery, GalleryPerson, Matcher

    policy = get_settings().faces
    engine = FaceEngine()
    seeds = np.stack(
        [
            extract_sample(p.read_bytes(), engine=engine, policy=policy).encoding
            for p in sorted((FACES / "train").glob("*/*"))
        ]
    )
    rng = np.random.default_rng(3)
    entries = []
    for i in range(args.people):
        centre = seeds[i % len(seeds)] + rng.normal(0, 0.05, 128)
        entries.append(
            (
                GalleryPerson(i, str(i), f"NV{i:05d}", f"Person {i}"),
                centre + rng.normal(0, 0.02, (args.per_person, 128)),
            )
        )
    started = time.perf_counter()
    gallery = Gallery(entries)
    build = time.perf_counter() - started
    matcher = Matcher(gallery, threshold=policy.threshold, margin=policy.margin)
    queries = [entries[int(rng.integers(len(entries)))][1][0] + rng.normal(0, 0.01, 128) for _ in range(args.repeats)]
    matcher.identify(queries[0])
    single, single_cpu = timed(lambda q: matcher.identify(q), queries)
    batch = np.stack(queries[:8])
    eight, eight_cpu = timed(lambda b: matcher.identify_many(b), [batch] * max(10, args.repeats // 10))
    table(
        f"Matching against {args.people:,} people x {args.per_person} encodings "
        f"({len(gallery.encodings):,} vectors, {pinned}, load average {os.getloadavg()[0]:.1f})",
        ["query", "wall p50 ms", "wall p95 ms", "wall min ms", "CPU p50 ms"],
        [["one face", *ms(single), ms(single_cpu)[0]], ["8 faces in one call", *ms(eight), ms(eight_cpu)[0]]],
    )
    print(f"  gallery build (packing + norms): {build * 1e3:.0f} ms")


if __name__ == "__main__":
    main()
