"""Charts for the discipline PDF (matplotlib, Agg, no global pyplot state): PNG bytes."""

from __future__ import annotations

import io
from typing import Any

WIDTH_IN, HEIGHT_IN, DPI = 6.2, 3.0, 150


def lateness_by_department(data: dict[str, Any]) -> bytes:
    """Bars: late arrivals and early leaves per department (counts), most first."""
    depts = sorted(data["departments"], key=lambda d: (-d["late_count"], d["department_path"]))[:20]
    figure, axes = _figure()
    names = [_short(d["department"]) for d in depts]
    positions = list(range(len(depts)))
    axes.barh([p - 0.2 for p in positions], [d["late_count"] for d in depts], height=0.4,
              color="#c0392b", label="Đi muộn (lần)")
    axes.barh([p + 0.2 for p in positions], [d["early_count"] for d in depts], height=0.4,
              color="#e67e22", label="Về sớm (lần)")
    axes.set_yticks(positions, names, fontsize=7)
    axes.invert_yaxis()
    axes.set_title("Đi muộn, về sớm theo phòng ban", fontsize=9)
    axes.tick_params(axis="x", labelsize=7)
    axes.legend(fontsize=7, loc="lower right")
    return _png(figure)


def arrival_distribution(data: dict[str, Any]) -> bytes:
    """Bars: morning check-ins per 5-minute slot."""
    labels = data["arrival_bins"]["morning"]
    counts = data["arrivals"]["morning"]
    figure, axes = _figure()
    axes.bar(range(len(counts)), counts, color="#2e86c1", width=0.85)
    step = max(1, len(labels) // 14)
    axes.set_xticks(range(0, len(labels), step), labels[::step], fontsize=6, rotation=45)
    axes.tick_params(axis="y", labelsize=7)
    axes.set_title("Phân bố giờ đến buổi sáng (lượt, khung 5 phút)", fontsize=9)
    return _png(figure)


def _figure() -> tuple[Any, Any]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    figure.set_facecolor("white")
    return figure, figure.add_subplot()


def _png(figure: Any) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()


def _short(name: str, limit: int = 28) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"
