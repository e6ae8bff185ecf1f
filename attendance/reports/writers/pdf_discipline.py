"""The discipline report as a PDF: summary, ranked departments, two charts, people by department."""

from __future__ import annotations

import io
from itertools import groupby
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, PageBreak, Paragraph, Spacer, Table

from attendance.formatting import format_number
from attendance.reports.writers import charts
from attendance.reports.writers.labels import (
    DEPARTMENT_COLUMNS,
    DISCIPLINE_COLUMNS,
    FLAG_LABELS,
    SCORE_LABEL,
    excused_text,
    flag_text,
    has_scores,
    month_title,
    number,
    score_text,
    state_text,
)
from attendance.reports.writers.pdf_common import MARGIN, PAGE, build_pdf, esc, style, table_style
from attendance.reports.writers.pdf_heading import national_heading, place_and_date, signature_block
from attendance.reports.writers.xlsx_common import parse_stamp

TITLE = "BÁO CÁO TÌNH HÌNH CHẤP HÀNH THỜI GIỜ LÀM VIỆC"
WIDTH = PAGE[0] - 2 * MARGIN
#: The per-kind breakdown, headed apart from the count column "Vắng có lý do (buổi)".
EXCUSED_KINDS = "Lý do vắng (theo loại)"
ROWS_PER_TABLE = 40
# People are listed under their department's heading, so the table leaves the department out.
PERSON_COLUMNS = [(key, label) for key, label in DISCIPLINE_COLUMNS if key != "department"]
PERSON_WIDTHS = [7, 14, 35] + [8.5] * (len(PERSON_COLUMNS) - 2) + [40, 36]


def discipline_pdf(data: dict[str, Any]) -> bytes:
    """Landscape A4; the same data gives the same bytes."""
    story: list[Flowable] = [
        national_heading(data, WIDTH),
        place_and_date(data),
        Spacer(1, 3 * mm),
        Paragraph(TITLE, style(13, bold=True, align=1)),
        Paragraph(f"{esc(data['unit']['path'])} — {month_title(data['month'])}", style(10, bold=True, align=1)),
        Paragraph(esc(state_text(data)), style(7, align=1)),
        Spacer(1, 3 * mm),
        Paragraph(esc(_thresholds(data)), style(8)),
        Paragraph(_totals(data), style(8)),
        Spacer(1, 3 * mm),
        Paragraph("Tổng hợp theo phòng ban (xếp hạng theo số lỗi bình quân mỗi người, ít lỗi nhất = 1)",
                  style(9, bold=True)),
        _departments_table(data),
        Spacer(1, 3 * mm),
        Table([[_image(charts.lateness_by_department(data)), _image(charts.arrival_distribution(data))]]),
        PageBreak(),
        Paragraph("Chi tiết theo cán bộ", style(10, bold=True)),
    ]
    for department, rows in groupby(data["people"], key=lambda p: p["department_path"]):
        story.append(Spacer(1, 2 * mm))
        story.append(Paragraph(esc(department), style(9, bold=True)))
        people = list(rows)
        for offset in range(0, len(people), ROWS_PER_TABLE):
            story.append(_people_table(people[offset:offset + ROWS_PER_TABLE], data["thresholds"], offset))
    if has_scores(data):
        table = data["deductions"]
        story.append(Spacer(1, 3 * mm))
        story.append(Paragraph(f"{SCORE_LABEL}: tối đa {number(table['max_points'])} điểm theo quy chế của đơn vị"
                               f"{' (' + esc(table['note']) + ')' if table.get('note') else ''}; "
                               "số điểm dưới đây chỉ là gợi ý để thủ trưởng đơn vị xem xét, xác nhận.",
                               style(9, bold=True)))
        for person in data["people"]:
            story.append(Paragraph(esc(f"{person['code']} {person['full_name']}: {score_text(person)}"), style(7)))
    late = data.get("arrived_after_closing") or []
    if late:
        story.append(Spacer(1, 3 * mm))
        story.append(Paragraph(f"Chấm công tháng {esc(late[0]['month'])} nhận được sau khi khoá sổ "
                               f"({len(late)} lần, chưa có trong số liệu đã khoá)", style(9, bold=True)))
        for item in late[:200]:
            story.append(Paragraph(esc(f"{item['code']} {item['full_name']}: {item['at']} (máy {item['device']}, "
                                       f"nhận lúc {item['stored_at']})"), style(7)))
    story.append(Spacer(1, 4 * mm))
    story.append(Paragraph("Báo cáo cung cấp số liệu làm căn cứ; việc xem xét, xử lý kỷ luật do thủ trưởng "
                           "đơn vị quyết định theo quy chế.", style(7)))
    story.append(Spacer(1, 4 * mm))
    story.append(signature_block(WIDTH))
    return build_pdf(story, title=f"{TITLE} {data['month']}", stamp=parse_stamp(data["generated_at"]))


def _thresholds(data: dict[str, Any]) -> str:
    limits = ", ".join(f"{FLAG_LABELS[k]} ≥ {v}" for k, v in data["thresholds"].items() if v is not None)
    return f"Ngưỡng cảnh báo theo quy chế của đơn vị: {limits or 'không có'}."


def _totals(data: dict[str, Any]) -> str:
    t = data["totals"]
    t = {key: number(value) if isinstance(value, int | float) else value for key, value in t.items()}
    return (f"Toàn đơn vị: {t['people']} người, {t['sessions_scheduled']} buổi phải làm, "
            f"{t['sessions_present']} buổi có mặt; đi muộn {t['late_count']} lần ({t['late_minutes']} phút); "
            f"về sớm {t['early_count']} lần ({t['early_minutes']} phút); quên chấm công {t['missing_punches']}; "
            f"vắng không lý do {t['absent_sessions']} buổi ({t['absent_days']} ngày); vắng có lý do "
            f"{t['excused_sessions']} buổi; {t['flagged_people']} người vượt ngưỡng. Đã giải trình (không tính "
            f"vi phạm): đi muộn {t['explained_late_count']} lần ({t['explained_late_minutes']} phút); về sớm "
            f"{t['explained_early_count']} lần ({t['explained_early_minutes']} phút); thiếu chấm công "
            f"{t['explained_missing_punches']}.")


def _departments_table(data: dict[str, Any]) -> Table:
    cell = style(7)
    rows: list[list[Any]] = [[Paragraph(label, style(7, bold=True, align=1)) for _, label in DEPARTMENT_COLUMNS]]
    for dept in sorted(data["departments"], key=lambda d: d["rank"]):
        rows.append([Paragraph(esc(str(dept[key])), cell) if key == "department" else _cell(dept[key])
                     for key, _ in DEPARTMENT_COLUMNS])
    widths = [14 * mm, 70 * mm] + [21 * mm] * (len(DEPARTMENT_COLUMNS) - 2)
    return Table(rows, colWidths=widths, repeatRows=1, style=table_style())


def _people_table(people: list[dict[str, Any]], thresholds: dict[str, Any], offset: int) -> Table:
    head = style(6.5, bold=True, align=1)
    rows: list[list[Any]] = [[Paragraph(label, head) for label in
                              ["STT"] + [label for _, label in PERSON_COLUMNS] + [EXCUSED_KINDS, "Cảnh báo"]]]
    small = style(6.5)
    flagged = []
    for index, person in enumerate(people, start=1):
        flags = flag_text(person, thresholds)
        excused = excused_text(person["excused_by_kind"])
        if flags:
            flagged.append(index)
        # Paragraphs (wrapping) only where there is text to wrap: they cost far more than strings.
        rows.append([str(offset + index)] + [_cell(person[key]) for key, _ in PERSON_COLUMNS]
                    + [Paragraph(esc(excused), small) if excused else "", Paragraph(esc(flags), small) if flags else ""])
    last = len(rows[0]) - 1
    extra = [("ALIGN", (2, 1), (2, -1), "LEFT")]
    extra += [("BACKGROUND", (last, i), (last, i), colors.HexColor("#F8D7DA")) for i in flagged]
    return Table(rows, colWidths=[w * mm for w in PERSON_WIDTHS], repeatRows=1,
                 style=table_style(extra, size=6.5))


def _cell(value: Any) -> str:
    """Figures the Vietnamese way (1.234; 0,58); text as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return format_number(value, "vi", digits=2)


def _image(png: bytes) -> Image:
    return Image(io.BytesIO(png), width=charts.WIDTH_IN * 0.72 * 72, height=charts.HEIGHT_IN * 0.72 * 72)
