"""The heading and signatures of an administrative document (Decree 30/2020 layout) for the report PDFs."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Table, TableStyle

from attendance.reports.writers.pdf_common import esc, style
from config import get_settings

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
SIGNERS = [("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)"), ("THỦ TRƯỞNG ĐƠN VỊ", "(Ký, ghi rõ họ tên, đóng dấu)")]


def national_heading(data: dict[str, Any], width: float) -> Table:
    """The unit's name on the left; the Quốc hiệu and tiêu ngữ on the right, each underlined by a short rule."""
    unit = data["unit"]
    parent = unit["path"].rsplit("/", 1)[0] if "/" in unit["path"] else ""
    left = [Paragraph(esc(parent.split("/")[-1].upper()), style(8, align=1))] if parent else []
    left.append(Paragraph(esc(unit["name"].upper()), style(8.5, bold=True, align=1)))
    right = [Paragraph(NATION, style(9, bold=True, align=1)), Paragraph(MOTTO, style(9.5, bold=True, align=1))]
    table = Table([[left, right]], colWidths=[width * 0.42, width * 0.58])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def place_and_date(data: dict[str, Any]) -> Paragraph:
    """'…, ngày 02 tháng 12 năm 2026' on the unit's calendar, right-aligned in italics."""
    stamp = datetime.fromisoformat(data["generated_at"]).astimezone(ZoneInfo(data.get("zone")
                                                                             or get_settings().timezone))
    text = f"<i>......, ngày {stamp.day:02d} tháng {stamp.month:02d} năm {stamp.year}</i>"
    return Paragraph(text, style(8.5, align=2))


def signature_block(width: float) -> Table:
    """Who prepared the report and the head of the unit, each with room to sign."""
    titles = [Paragraph(title, style(8.5, bold=True, align=1)) for title, _ in SIGNERS]
    hints = [Paragraph(f"<i>{hint}</i>", style(7.5, align=1)) for _, hint in SIGNERS]
    return Table([titles, hints, ["", ""]], colWidths=[width / 2] * 2, rowHeights=[6 * mm, 5 * mm, 22 * mm])
