"""The C01-HD timesheet as a PDF: one page (or more) per department, laid out like the form."""

from __future__ import annotations

from datetime import date
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table

from attendance.reports.writers.labels import (
    FORM_BASIS,
    FORM_CODE,
    SIGN_HINT,
    SIGNATURES,
    TIMESHEET_TOTALS,
    month_title,
    number,
)
from attendance.reports.writers.pdf_common import build_pdf, esc, style, table_style
from attendance.reports.writers.xlsx_common import parse_stamp

WEEKDAYS = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]
ROWS_PER_PAGE = 28
WIDTHS = [6 * mm, 38 * mm, 18 * mm] + [5.6 * mm] * 31 + [13 * mm] * 3


def timesheet_pdf(data: dict[str, Any]) -> bytes:
    """Landscape A4, a page per department (continued when it has many people)."""
    story: list[Flowable] = []
    for index, sheet in enumerate(data["sheets"]):
        if index:
            story.append(PageBreak())
        story += _sheet(sheet, data)
    if not data["sheets"]:
        story.append(Paragraph(f"{esc(data['unit']['path'])}: không có cán bộ trong "
                               f"{month_title(data['month']).lower()}.", style(10)))
    return build_pdf(story, title=f"Bảng chấm công {data['month']} {data['unit']['path']}",
                     stamp=parse_stamp(data["generated_at"]))


def _sheet(sheet: dict[str, Any], data: dict[str, Any]) -> list[Flowable]:
    head = Table([[
        [Paragraph(f"Đơn vị: {esc(sheet['unit_name'])}", style(8, bold=True)),
         Paragraph(f"Bộ phận: {esc(sheet['department'])}", style(8, bold=True)),
         Paragraph(f"Mã QHNS: {esc(sheet['budget_code'] or '')}", style(8, bold=True))],
        [Paragraph(esc(data.get("form_code", FORM_CODE)), style(8, bold=True, align=1)),
         Paragraph(esc(data.get("form_basis", FORM_BASIS)), style(6.5, align=1))],
    ]], colWidths=[170 * mm, 105 * mm])
    flow: list[Flowable] = [
        head,
        Paragraph("BẢNG CHẤM CÔNG", style(13, bold=True, align=1)),
        Paragraph(month_title(data["month"]), style(9, bold=True, align=1)),
        Spacer(1, 2 * mm),
    ]
    rows = sheet["rows"]
    for offset in range(0, max(len(rows), 1), ROWS_PER_PAGE):
        if offset:
            flow += [PageBreak(), Paragraph(f"{esc(sheet['department'])} — {month_title(data['month'])} (tiếp)",
                                            style(8, bold=True))]
        flow.append(_grid(rows[offset:offset + ROWS_PER_PAGE], data))
    flow.append(KeepTogether([Spacer(1, 3 * mm), _signatures(data), Spacer(1, 2 * mm), _legend(data)]))
    return flow


def _grid(rows: list[dict[str, Any]], data: dict[str, Any]) -> Table:
    days = [date.fromisoformat(d) for d in data["days"]]
    head = style(5.5, bold=True, align=1)
    top = [Paragraph("STT", head), Paragraph("Họ và tên", head),
           Paragraph("Ngạch bậc lương hoặc cấp bậc chức vụ", head), Paragraph("Ngày trong tháng", head)]
    top += [""] * 30 + [Paragraph("Quy ra công", head), "", ""]
    second = ["", "", ""] + [f"{n}\n{WEEKDAYS[days[n - 1].weekday()]}" if n <= len(days) else ""
                             for n in range(1, 32)]
    second += [Paragraph(label, style(5, bold=True, align=1)) for _, label, _ in TIMESHEET_TOTALS]
    numbers = ["A", "B", "C", *[str(n) for n in range(1, 35)]]
    position = style(5.5)
    body = [[str(r["no"]), r["full_name"], Paragraph(esc(r["position"]), position) if r["position"] else "",
             *r["cells"], *[number(r[key]) for key, _, _ in TIMESHEET_TOTALS]] for r in rows]
    weekend = [3 + i for i, d in enumerate(days) if d.weekday() >= 5]
    extra: list[tuple[Any, ...]] = [
        ("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (1, 1)), ("SPAN", (2, 0), (2, 1)),
        ("SPAN", (3, 0), (33, 0)), ("SPAN", (34, 0), (36, 0)),
        ("FONT", (3, 1), (33, 1), "DejaVuSans-Bold", 5),
        ("FONT", (0, 2), (-1, 2), "DejaVuSans", 5),
        ("BACKGROUND", (0, 2), (-1, 2), colors.HexColor("#F4F6F9")),
        ("FONT", (3, 3), (-1, -1), "DejaVuSans", 5.5),
        ("FONT", (1, 3), (1, -1), "DejaVuSans", 6.5),
        ("ALIGN", (1, 3), (1, -1), "LEFT"),
        *[("BACKGROUND", (c, 1), (c, -1), colors.HexColor("#EEEEEE")) for c in weekend],
    ]
    return Table([top, second, numbers, *body], colWidths=WIDTHS, repeatRows=3,
                 style=table_style(extra, header_rows=2, size=6))


def _signatures(data: dict[str, Any]) -> Table:
    year, month = data["month"].split("-")
    cells = [[Paragraph(title, style(8, bold=True, align=1)) for title in SIGNATURES],
             [Paragraph(SIGN_HINT, style(7, align=1))] * 3,
             ["", "", ""], ["", "", ""]]
    cells.insert(0, ["", "", Paragraph(f"Ngày ..... tháng {month} năm {year}", style(7.5, align=1))])
    return Table(cells, colWidths=[90 * mm] * 3, rowHeights=[5 * mm, 5 * mm, 4 * mm, 8 * mm, 8 * mm])


def _legend(data: dict[str, Any]) -> Paragraph:
    items = [f"{esc(s['label'])}: <b>{esc(s['code'])}</b>{'*' if s['local'] else ''}" for s in data["legend"]]
    return Paragraph(f"<b>Ký hiệu chấm công</b> ({esc(data['symbol_set'])}): " + "; ".join(items)
                     + f". (*) ký hiệu riêng của đơn vị. Mỗi buổi tính {number(0.5)} công; ngày có hai buổi "
                     "khác nhau ghi cả hai ký hiệu (ví dụ +/P).", style(6.5))
