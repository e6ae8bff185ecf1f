"""The office calibrates its own threshold: distances among its own enrolled people, leave-one-out.

Every enrolled encoding is a probe in turn, with itself left out of the gallery: its genuine distance is
to the nearest other encoding of the same person (only people with two or more), its impostor distance to
the nearest other person. From these the matcher's outcome for any threshold and margin follows exactly:
a probe is a false accept of an unenrolled face when its impostor distance is under the threshold (as if
the person had never been enrolled), a misidentification when the other person is nearer than the genuine
one by the margin and under the threshold, a false reject otherwise when not matched.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from recognition.gallery import Gallery

CHUNK = 1024  # probes per block: (1024 x N) float32 distances at a time
# Never recommend above dlib's own operating point (0.6, where its model was tuned on adults of many
# origins): an office's enrolled people say nothing of the strangers and look-alikes who are not enrolled.
MAX_RECOMMENDED_THRESHOLD = 0.6


@dataclass(frozen=True, slots=True)
class ClosePair:
    """Two people the matcher can hardly tell apart: a probe of `first` is within the margin of `second`."""

    first: str
    second: str
    distance: float  # from first's closest probe to second
    gap: float  # smallest (impostor - genuine) among first's probes against second


@dataclass(frozen=True, slots=True)
class Rates:
    threshold: float
    margin: float
    false_accept: float  # of an unenrolled face, per probe
    misidentified: float
    false_reject: float


@dataclass(slots=True)
class Calibration:
    people: int
    encodings: int
    genuine: np.ndarray  # one per probe whose person has another encoding
    impostor: np.ndarray  # one per probe (nearest other person)
    current: Rates
    recommended: Rates
    target_far: float
    close_pairs: list[ClosePair] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        def stats(values: np.ndarray) -> dict[str, float | int]:
            if not len(values):
                return {"n": 0}
            return {
                "n": int(len(values)),
                "min": round(float(values.min()), 3),
                "median": round(float(np.median(values)), 3),
                "p99": round(float(np.percentile(values, 99)), 3),
                "max": round(float(values.max()), 3),
            }

        return {
            "people": self.people,
            "encodings": self.encodings,
            "genuine_distance": stats(self.genuine),
            "impostor_distance": stats(self.impostor),
            "target_false_accept": self.target_far,
            "current": _rates(self.current),
            "recommended": _rates(self.recommended),
            "close_pairs": len(self.close_pairs),
            # with fewer probes than 1/target the rate cannot be measured, only bounded by what was seen
            "target_measurable": len(self.impostor) * self.target_far >= 1,
        }


def calibrate(gallery: Gallery, *, threshold: float, margin: float, target_far: float = 0.001) -> Calibration:
    """Leave-one-out distances of the gallery, the rates at (threshold, margin), and a recommendation."""
    if len(gallery) < 2:
        raise ValueError("calibration needs at least two enrolled people")
    owners = np.repeat(np.arange(len(gallery)), np.diff([*gallery.starts, len(gallery.encodings)]))
    genuine = np.full(len(owners), np.inf, dtype=np.float32)
    impostor = np.full(len(owners), np.inf, dtype=np.float32)
    nearest_other = np.zeros(len(owners), dtype=np.int64)
    encodings = gallery.encodings
    for start in range(0, len(encodings), CHUNK):
        block = np.arange(start, min(start + CHUNK, len(encodings)))
        squared = encodings[block] @ gallery.columns
        squared *= -2.0
        squared += gallery.sq_norms[None, :]
        squared += gallery.sq_norms[block][:, None]
        squared[np.arange(len(block)), block] = np.inf  # leave the probe itself out
        per_person = np.sqrt(np.maximum(np.minimum.reduceat(squared, gallery.starts, axis=1), 0.0))
        own = owners[block]
        genuine[block] = per_person[np.arange(len(block)), own]
        per_person[np.arange(len(block)), own] = np.inf
        nearest_other[block] = per_person.argmin(axis=1)
        impostor[block] = per_person[np.arange(len(block)), nearest_other[block]]
    current = _rates_at(genuine, impostor, threshold, margin)
    recommended = _recommend(genuine, impostor, target_far)
    pairs = _close_pairs(gallery, owners, genuine, impostor, nearest_other, margin)
    return Calibration(
        people=len(gallery),
        encodings=len(encodings),
        genuine=genuine[np.isfinite(genuine)],
        impostor=impostor,
        current=current,
        recommended=recommended,
        target_far=target_far,
        close_pairs=pairs,
    )


def plot_png(calibration: Calibration, *, threshold: float, margin: float) -> bytes:
    """Histograms of both distributions with the current threshold and margin (matplotlib, PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 3.6), dpi=100)
    axes = figure.subplots()
    bins = np.linspace(0, 1.2, 61)
    axes.hist(calibration.genuine, bins=bins, alpha=0.6, label="cùng người / same person", color="#2a7")
    axes.hist(calibration.impostor, bins=bins, alpha=0.6, label="người khác gần nhất / nearest other", color="#c44")
    axes.axvline(threshold, color="black", label=f"ngưỡng / threshold {threshold:.2f}")
    axes.axvspan(threshold - margin, threshold, color="grey", alpha=0.15, label=f"biên / margin {margin:.2f}")
    recommended = calibration.recommended.threshold
    axes.axvline(recommended, color="#27c", linestyle="--", label=f"đề xuất / recommended {recommended:.2f}")
    axes.set_xlabel("khoảng cách / distance")
    axes.set_ylabel("số ảnh / probes")
    axes.legend(fontsize=7)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _rates_at(genuine: np.ndarray, impostor: np.ndarray, threshold: float, margin: float) -> Rates:
    has_genuine = np.isfinite(genuine)
    false_accept = float(np.mean(impostor < threshold))
    g, i = genuine[has_genuine], impostor[has_genuine]
    matched = (g < threshold) & (i - g >= margin)
    misidentified = (i < threshold) & (g - i >= margin)
    return Rates(
        threshold=round(threshold, 3),
        margin=round(margin, 3),
        false_accept=round(false_accept, 5),
        misidentified=round(float(np.mean(misidentified)) if len(g) else 0.0, 5),
        false_reject=round(float(np.mean(~matched)) if len(g) else 0.0, 5),
    )


def _recommend(genuine: np.ndarray, impostor: np.ndarray, target_far: float) -> Rates:
    # The largest threshold whose unenrolled false-accept rate meets the target, then the smallest margin
    # (in 0.01 steps) whose misidentification rate does too: the fewest false rejects within the target.
    ordered = np.sort(impostor)
    allowed = int(np.floor(target_far * len(ordered)))
    threshold = float(ordered[allowed]) if allowed < len(ordered) else float(ordered[-1])
    threshold = min(float(np.floor(threshold * 100) / 100), MAX_RECOMMENDED_THRESHOLD)
    for margin in np.arange(0.0, 0.21, 0.01):
        rates = _rates_at(genuine, impostor, threshold, float(margin))
        if rates.misidentified <= target_far:
            return rates
    return _rates_at(genuine, impostor, threshold, 0.2)


def _close_pairs(
    gallery: Gallery,
    owners: np.ndarray,
    genuine: np.ndarray,
    impostor: np.ndarray,
    nearest_other: np.ndarray,
    margin: float,
) -> list[ClosePair]:
    gaps = impostor - np.where(np.isfinite(genuine), genuine, 0.0)
    found: dict[tuple[int, int], ClosePair] = {}
    for probe in np.flatnonzero(gaps < margin):
        a, b = int(owners[probe]), int(nearest_other[probe])
        key = (min(a, b), max(a, b))
        pair = ClosePair(
            gallery.people[key[0]].code, gallery.people[key[1]].code, float(impostor[probe]), float(gaps[probe])
        )
        if key not in found or pair.gap < found[key].gap:
            found[key] = pair
    return sorted(found.values(), key=lambda p: p.gap)


def _rates(rates: Rates) -> dict[str, float]:
    return {
        "threshold": rates.threshold,
        "margin": rates.margin,
        "false_accept": rates.false_accept,
        "misidentified": rates.misidentified,
        "false_reject": rates.false_reject,
    }


def apply_to_env_file(path: Path, *, threshold: float, margin: float) -> dict[str, str | None]:
    """Set the face threshold and margin in an env file (other lines kept); returns the values before."""
    wanted = {"ATTENDANCE_FACES__THRESHOLD": f"{threshold:.2f}", "ATTENDANCE_FACES__MARGIN": f"{margin:.2f}"}
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    before: dict[str, str | None] = dict.fromkeys(wanted)
    kept = []
    for line in lines:
        name = line.split("=", 1)[0].strip()
        if name in wanted:
            before[name] = line.split("=", 1)[1].strip() if "=" in line else None
            continue
        kept.append(line)
    kept += [f"{name}={value}" for name, value in wanted.items()]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return before
