"""Calibration (leave-one-out distances, rates, recommendation, close pairs) of a large office.

Target (issue 14): 2,000 enrolled people in at most 10 s. Encodings are synthetic (each person a random
centre with 5 jittered templates, as bench/faces_match.py builds them); the plot is timed on its own.
Run: .venv/bin/python bench/faces_calibration.py [--people 2000]
"""

from __future__ import annotations

import argparse
import time

from _faces import one_core

from bench._db import table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--per-person", type=int, default=5)
    args = parser.parse_args()
    pinned = one_core()

    import numpy as np

    from recognition.calibration import calibrate, plot_png
    from recognition.gallery import Gallery, GalleryPerson

    rng = np.random.default_rng(1)
    rows = []
    for people in sorted({200, 1000, args.people}):
        centres = rng.normal(0, 0.09, (people, 128))
        gallery = Gallery(
            (GalleryPerson(i, str(i), f"P{i}", f"P{i}"), c + rng.normal(0, 0.02, (args.per_person, 128)))
            for i, c in enumerate(centres)
        )
        started = time.perf_counter()
        result = calibrate(gallery, threshold=0.58, margin=0.08)
        calibrated = time.perf_counter() - started
        started = time.perf_counter()
        png = plot_png(result, threshold=0.58, margin=0.08)
        plotted = time.perf_counter() - started
        rows.append(
            [
                f"{people:,}",
                f"{result.encodings:,}",
                f"{calibrated:.2f}",
                f"{plotted:.2f}",
                f"{len(png) / 1000:.0f}",
                f"{result.recommended.threshold:.2f}",
            ]
        )
    table(
        f"faces calibrate ({pinned})",
        ["people", "templates", "calibrate s", "plot s", "plot KB", "recommended threshold"],
        rows,
    )


if __name__ == "__main__":
    main()
