"""Evidence stored per face punch: the face crop and the small context image, sealed (AES-GCM).

Target (issue 14): at most 30 KB per punch. Measured on every photo of shared/faces letterboxed into a
640x480 frame, as the door camera sees it. Run: .venv/bin/python bench/faces_evidence.py
"""

from __future__ import annotations

import statistics
import time

from _faces import FACES, framed

from bench._db import table


def main() -> None:
    from recognition.camera.evidence import evidence_images
    from recognition.crypto import TemplateCipher
    from recognition.engine import FaceEngine
    from recognition.imaging import bgr_to_rgb

    engine = FaceEngine()
    cipher = TemplateCipher("bench secret")
    faces, contexts, totals, seconds = [], [], [], []
    for path in sorted(p for p in FACES.rglob("*") if p.suffix.lower() in {".jpg", ".jpeg", ".png"}):
        rgb = bgr_to_rgb(framed(path))
        boxes = engine.detect(rgb, upsample=1)
        if not boxes:
            continue
        started = time.perf_counter()
        face, context = evidence_images(rgb, boxes[0])
        sealed = len(cipher.seal(face, context="e:face")) + len(cipher.seal(context, context="e:context"))
        seconds.append(time.perf_counter() - started)
        faces.append(len(face))
        contexts.append(len(context))
        totals.append(sealed)

    def row(label: str, values: list[int]) -> list[str]:
        return [
            label,
            f"{min(values) / 1000:.1f}",
            f"{statistics.median(values) / 1000:.1f}",
            f"{max(values) / 1000:.1f}",
        ]

    table(
        f"Evidence per face punch ({len(totals)} frames of shared/faces at 640x480, KB)",
        ["part", "min", "median", "max"],
        [
            row("face crop JPEG (160 px)", faces),
            row("context JPEG (320x240)", contexts),
            row("stored, both sealed", totals),
            [
                "encode + seal, ms",
                f"{min(seconds) * 1000:.1f}",
                f"{statistics.median(seconds) * 1000:.1f}",
                f"{max(seconds) * 1000:.1f}",
            ],
        ],
    )


if __name__ == "__main__":
    main()
