"""Reading report files back: XLSX cells (openpyxl), PDF text with positions (pypdf), PDF pages as PNG."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.workbook import Workbook
from pypdf import PdfReader

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def workbook(content: bytes) -> Workbook:
    return load_workbook(io.BytesIO(content))


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def pdf_chunks(content: bytes, page: int = 0) -> list[tuple[float, float, str]]:
    """Every text chunk of a page with its (x, y) position in points."""
    chunks: list[tuple[float, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            chunks.append((x, y, text.strip()))

    PdfReader(io.BytesIO(content)).pages[page].extract_text(visitor_text=visit)
    return chunks


def pdf_row(chunks: list[tuple[float, float, str]], name: str, edges: list[float]) -> list[str]:
    """The cells of the table row holding `name`, by column (edges: the columns' x boundaries)."""
    y = next(cy for _, cy, text in chunks if text == name)
    cells = [""] * (len(edges) - 1)
    for x, cy, text in chunks:
        if abs(cy - y) < 3.5:
            column = next(i for i in range(len(edges) - 1) if edges[i] <= x < edges[i + 1])
            cells[column] = (cells[column] + " " + text).strip()
    return cells


def render_png(content: bytes, name: str, page: int = 0) -> Path:
    """Render a PDF page to artifacts/<name>.png (pypdfium2) and return the path."""
    import pypdfium2 as pdfium

    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"{name}.png"
    document = pdfium.PdfDocument(content)
    try:
        document[page].render(scale=1.5).to_pil().save(target)
    finally:
        document.close()
    return target
