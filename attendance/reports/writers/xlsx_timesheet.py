"""The C01-HD timesheet as a workbook: one sheet per department, laid out like the form."""

from __future__ import annotations

from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from attendance.reports.writers.labels import (
    FORM_BASIS,
    FORM_CODE,
    SIGN_HINT,
    SIGNATURES,
    TIMESHEET_TOTALS,
    month_title,
    number,
)
from attendance.reports.writers.xlsx_common import (
    BOLD,
    CELL,
    CENTER,
    HEAD,
    ITALIC,
    PLAIN,
    TEXT,
    TITLE,
    WEEKEND,
    add_styles,
    parse_stamp,
    put,
    save_workbook,
    sheet_title,
)

WEEKDAYS = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]
HEADER_ROW = 8  # rows 8-9: headings, row 10: column numbers A, B, C, 1..34
FIRST_ROW = 11
DAY_COLUMN = 4  # day 1 is column D; days 1-31 are D..AH, totals (32)-(34) are AI..AK
LAST_COLUMN = DAY_COLUMN + 31 + 2


def timesheet_xlsx(data: dict[str, Any]) -> bytes:
    """One worksheet per department; an empty unit gets one sheet saying so."""
    workbook = Workbook()
    add_styles(workbook)
    first = workbook.active
    assert first is not None
    taken: set[str] = set()
    if not data["sheets"]:
        first.title = "Bảng chấm công"
        first.cell(1, 1, f"{data['unit']['path']}: không có cán bộ trong {month_title(data['month']).lower()}")
    for index, sheet_data in enumerate(data["sheets"]):
        sheet = first if index == 0 else workbook.create_sheet()
        sheet.title = sheet_title(sheet_data["department"], taken)
        _fill(sheet, sheet_data, data)
    return save_workbook(workbook, parse_stamp(data["generated_at"]))


def _fill(sheet: Worksheet, sheet_data: dict[str, Any], data: dict[str, Any]) -> None:
    days = [date.fromisoformat(d) for d in data["days"]]
    sheet.cell(1, 1, f"Đơn vị: {sheet_data['unit_name']}").font = BOLD
    sheet.cell(2, 1, f"Bộ phận: {sheet_data['department']}").font = BOLD
    sheet.cell(3, 1, f"Mã QHNS: {sheet_data['budget_code'] or ''}").font = BOLD
    sheet.cell(1, LAST_COLUMN - 8, data.get("form_code", FORM_CODE)).font = BOLD
    sheet.cell(2, LAST_COLUMN - 12, data.get("form_basis", FORM_BASIS)).font = ITALIC
    _merged(sheet, 5, 1, LAST_COLUMN, "BẢNG CHẤM CÔNG", TITLE)
    _merged(sheet, 6, 1, LAST_COLUMN, month_title(data["month"]), BOLD)
    for column, label in ((1, "STT"), (2, "Họ và tên"), (3, "Ngạch bậc lương hoặc cấp bậc chức vụ")):
        sheet.merge_cells(start_row=HEADER_ROW, start_column=column, end_row=HEADER_ROW + 1, end_column=column)
        _head(sheet, HEADER_ROW, column, label)
    sheet.merge_cells(start_row=HEADER_ROW, start_column=DAY_COLUMN, end_row=HEADER_ROW,
                      end_column=DAY_COLUMN + 30)
    _head(sheet, HEADER_ROW, DAY_COLUMN, "Ngày trong tháng")
    sheet.merge_cells(start_row=HEADER_ROW, start_column=DAY_COLUMN + 31, end_row=HEADER_ROW,
                      end_column=LAST_COLUMN)
    _head(sheet, HEADER_ROW, DAY_COLUMN + 31, "Quy ra công")
    for number_ in range(1, 32):
        label = f"{number_}\n{WEEKDAYS[days[number_ - 1].weekday()]}" if number_ <= len(days) else ""
        _head(sheet, HEADER_ROW + 1, DAY_COLUMN + number_ - 1, label)
    for offset, (_, label, _) in enumerate(TIMESHEET_TOTALS):
        _head(sheet, HEADER_ROW + 1, DAY_COLUMN + 31 + offset, label)
    for column, label in enumerate(["A", "B", "C", *[str(n) for n in range(1, 35)]], start=1):
        _head(sheet, HEADER_ROW + 2, column, label)
    weekend = {DAY_COLUMN + i for i, d in enumerate(days) if d.weekday() >= 5}
    styles = {column: TEXT if column == 2 else WEEKEND if column in weekend else CELL
              for column in range(1, LAST_COLUMN + 1)}
    for index, row in enumerate(sheet_data["rows"]):
        r = FIRST_ROW + index
        values = [row["no"], row["full_name"], row["position"] or "", *row["cells"],
                  *[row[key] for key, _, _ in TIMESHEET_TOTALS]]
        for column, value in enumerate(values, start=1):
            put(sheet, r, column, value, styles[column])
    _signatures(sheet, FIRST_ROW + len(sheet_data["rows"]) + 1, data)
    _widths(sheet)


def _signatures(sheet: Worksheet, row: int, data: dict[str, Any]) -> None:
    year, month = data["month"].split("-")
    sheet.cell(row, LAST_COLUMN - 10, f"Ngày ..... tháng {month} năm {year}").font = ITALIC
    for column, title in zip((2, DAY_COLUMN + 12, LAST_COLUMN - 8), SIGNATURES, strict=True):
        sheet.cell(row + 1, column, title).font = BOLD
        sheet.cell(row + 2, column, SIGN_HINT).font = ITALIC
    legend_row = row + 7
    sheet.cell(legend_row, 2, f"Ký hiệu chấm công ({data['symbol_set']}):").font = BOLD
    for index, symbol in enumerate(data["legend"]):
        local = " (ký hiệu riêng của đơn vị)" if symbol["local"] else ""
        sheet.cell(legend_row + 1 + index // 3, 2 + (index % 3) * 12,
                   f"{symbol['label']}: {symbol['code']}{local}").font = PLAIN
    sheet.cell(legend_row + 6, 2, f"Mỗi buổi tính {number(0.5)} công; ngày có hai buổi khác nhau ghi cả hai "
                                  "ký hiệu (ví dụ +/P).").font = ITALIC


def _merged(sheet: Worksheet, row: int, first: int, last: int, text: str, font: Any) -> None:
    sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    cell = sheet.cell(row, first, text)
    cell.font, cell.alignment = font, CENTER


def _head(sheet: Worksheet, row: int, column: int, text: str) -> None:
    sheet.cell(row, column, text).style = HEAD


def _widths(sheet: Worksheet) -> None:
    sheet.column_dimensions["A"].width = 5
    sheet.column_dimensions["B"].width = 26
    sheet.column_dimensions["C"].width = 14
    for column in range(DAY_COLUMN, DAY_COLUMN + 31):
        sheet.column_dimensions[get_column_letter(column)].width = 4.6
    for column in range(DAY_COLUMN + 31, LAST_COLUMN + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 11
    sheet.row_dimensions[HEADER_ROW + 1].height = 60
    sheet.freeze_panes = sheet.cell(FIRST_ROW, DAY_COLUMN)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
