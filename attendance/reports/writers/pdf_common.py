"""PDF building blocks: the embedded Vietnamese font, styles, deterministic documents.

The font is DejaVu Sans as shipped inside the matplotlib wheel (mpl-data/fonts/ttf): it has
every Vietnamese diacritic and is installed by pip with our dependencies on any machine, so no
system font package is needed.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate, TableStyle

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
PAGE = landscape(A4)
MARGIN = 10 * mm


def font_dir() -> Path:
    """Where the DejaVu TTF files are: inside the installed matplotlib package."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def esc(text: str) -> str:
    """Text for a Paragraph (which reads markup): '&', '<' and '>' shown as themselves."""
    return escape(text)


@cache
def register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(FONT, str(font_dir() / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(font_dir() / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


def style(size: float = 8, bold: bool = False, align: int = 0, leading: float | None = None) -> ParagraphStyle:
    register_fonts()
    return ParagraphStyle(f"s{size}{bold}{align}", fontName=FONT_BOLD if bold else FONT, fontSize=size,
                          leading=leading or size * 1.25, alignment=align)


def grid_style(header_rows: int = 1, size: float = 7) -> list[tuple[Any, ...]]:
    """Thin grid, bold shaded header, the given font size."""
    return [
        ("FONT", (0, 0), (-1, -1), FONT, size),
        ("FONT", (0, 0), (-1, header_rows - 1), FONT_BOLD, size),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#DDE5F0")),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]


def build_pdf(story: list[Flowable], *, title: str, stamp: datetime,
              footer: Callable[[Canvas, int], None] | None = None) -> bytes:
    """Render `story` on landscape A4; the same story and stamp give the same bytes."""
    register_fonts()
    out = io.BytesIO()
    moment = stamp.astimezone(UTC)
    date_text = f"D:{moment:%Y%m%d%H%M%S}+00'00'"

    def make_canvas(*args: Any, **kwargs: Any) -> Canvas:
        kwargs["invariant"] = 1
        canvas = Canvas(*args, **kwargs)
        canvas.setDateFormatter(lambda *_: date_text)
        return canvas

    def on_page(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.drawRightString(PAGE[0] - MARGIN, MARGIN / 2, f"Trang {doc.page}")
        if footer is not None:
            footer(canvas, doc.page)
        canvas.restoreState()

    doc = SimpleDocTemplate(out, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, title=title, author="attendance-service",
                            creator="attendance-service", producer="attendance-service", invariant=1)
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page, canvasmaker=make_canvas)
    return out.getvalue()


def table_style(extra: list[tuple[Any, ...]] | None = None, **kwargs: Any) -> TableStyle:
    return TableStyle(grid_style(**kwargs) + (extra or []))
