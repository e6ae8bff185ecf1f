"""The discipline report as a workbook: people, departments (ranked), arrival times."""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from attendance.reports.writers.labels import (
    DEPARTMENT_COLUMNS,
    DISCIPLINE_COLUMNS,
    FLAG_LABELS,
    SCORE_LABEL,
    excused_text,
    flag_text,
    has_scores,
    month_title,
    score_text,
    state_text,
)
from attendance.reports.writers.xlsx_common import (
    BOLD,
    CELL,
    FLAG,
    HEAD,
    ITALIC,
    TEXT,
    TITLE,
    add_styles,
    parse_stamp,
    put,
    save_workbook,
)

REPORT_TITLE = "BÁO CÁO TÌNH HÌNH CHẤP HÀNH THỜI GIỜ LÀM VIỆC"
PEOPLE_HEADER_ROW = 6


def discipline_xlsx(data: dict[str, Any]) -> bytes:
    """Sheets 'Cá nhân', 'Phòng ban', 'Giờ đến'; the header of each table is on row 6."""
    workbook = Workbook()
    add_styles(workbook)
    people = workbook.active
    assert people is not None
    people.title = "Cá nhân"
    _people_sheet(people, data)
    _departments_sheet(workbook.create_sheet("Phòng ban"), data)
    _arrivals_sheet(workbook.create_sheet("Giờ đến"), data)
    if data.get("arrived_after_closing"):
        _after_closing_sheet(workbook.create_sheet("Sau khoá sổ"), data)
    return save_workbook(workbook, parse_stamp(data["generated_at"]))


def _after_closing_sheet(sheet: Worksheet, data: dict[str, Any]) -> None:
    """Last month's punches stored after it was closed: in the ledger, not in its frozen figures."""
    late = data["arrived_after_closing"]
    labels = ["STT", "Mã CB", "Họ và tên", "Thời điểm chấm", "Máy", "Nhận lúc"]
    _heading(sheet, data, f"Chấm công tháng {late[0]['month']} nhận được sau khi khoá sổ "
                          "(chưa có trong số liệu đã khoá)", len(labels))
    _header(sheet, PEOPLE_HEADER_ROW, labels)
    for index, item in enumerate(late, start=1):
        values = [index, item["code"], item["full_name"], item["at"].replace("T", " "), item["device"],
                  item["stored_at"].replace("T", " ")]
        for column, value in enumerate(values, start=1):
            put(sheet, PEOPLE_HEADER_ROW + index, column, value, TEXT if isinstance(value, str) else CELL)
    for column, width in enumerate([5, 10, 28, 20, 16, 20], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _heading(sheet: Worksheet, data: dict[str, Any], subtitle: str, width: int) -> None:
    sheet.cell(1, 1, REPORT_TITLE).font = TITLE
    sheet.cell(2, 1, f"Đơn vị: {data['unit']['path']}").font = BOLD
    sheet.cell(3, 1, month_title(data["month"])).font = BOLD
    state = state_text(data, "Lập lúc")
    sheet.cell(4, 1, f"{subtitle}. {state}").font = ITALIC
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)


def _header(sheet: Worksheet, row: int, labels: list[str]) -> None:
    for column, label in enumerate(labels, start=1):
        sheet.cell(row, column, label).style = HEAD
    sheet.row_dimensions[row].height = 45


def _people_sheet(sheet: Worksheet, data: dict[str, Any]) -> None:
    scores = has_scores(data)
    labels = ["STT"] + [label for _, label in DISCIPLINE_COLUMNS] + ["Vắng có lý do theo loại", "Cảnh báo"]
    labels += [SCORE_LABEL] if scores else []
    limits = ", ".join(f"{FLAG_LABELS[k]} ≥ {v}" for k, v in data["thresholds"].items() if v is not None)
    _heading(sheet, data, f"Ngưỡng cảnh báo theo quy chế: {limits or 'không'}", len(labels))
    _header(sheet, PEOPLE_HEADER_ROW, labels)
    for index, person in enumerate(data["people"], start=1):
        row = PEOPLE_HEADER_ROW + index
        values = [index] + [person[key] for key, _ in DISCIPLINE_COLUMNS] + [
            excused_text(person["excused_by_kind"]), flag_text(person, data["thresholds"])]
        flags_column = len(values)
        values += [score_text(person)] if scores else []
        for column, value in enumerate(values, start=1):
            style = TEXT if isinstance(value, str) else CELL
            put(sheet, row, column, value, FLAG if person["flags"] and column == flags_column else style)
    total_row = PEOPLE_HEADER_ROW + len(data["people"]) + 1
    sheet.cell(total_row, 2, "Tổng cộng").font = BOLD
    for column, (key, _) in enumerate(DISCIPLINE_COLUMNS, start=2):
        if key in data["totals"]:
            sheet.cell(total_row, column, data["totals"][key]).font = BOLD
    widths = [5, 10, 28, 22] + [10] * (len(DISCIPLINE_COLUMNS) - 3) + [30, 36] + ([24] if scores else [])
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(PEOPLE_HEADER_ROW + 1, 4)


def _departments_sheet(sheet: Worksheet, data: dict[str, Any]) -> None:
    labels = [label for _, label in DEPARTMENT_COLUMNS] + ["Vắng có lý do theo loại"]
    _heading(sheet, data, "Tổng hợp theo phòng ban, xếp hạng theo số lỗi bình quân mỗi người (ít lỗi nhất = 1)",
             len(labels))
    _header(sheet, PEOPLE_HEADER_ROW, labels)
    ranked = sorted(data["departments"], key=lambda d: d["rank"])
    for index, dept in enumerate(ranked, start=1):
        values = [dept[key] for key, _ in DEPARTMENT_COLUMNS] + [excused_text(dept["excused_by_kind"])]
        for column, value in enumerate(values, start=1):
            put(sheet, PEOPLE_HEADER_ROW + index, column, value, TEXT if isinstance(value, str) else CELL)
    for column, width in enumerate([9, 30] + [11] * (len(DEPARTMENT_COLUMNS) - 2) + [40], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _arrivals_sheet(sheet: Worksheet, data: dict[str, Any]) -> None:
    _heading(sheet, data, "Phân bố giờ đến (số lượt chấm công vào, theo khung 5 phút)", 3)
    _header(sheet, PEOPLE_HEADER_ROW, ["Khung giờ", "Buổi sáng", "Khung giờ", "Buổi chiều"])
    for offset, name in ((0, "morning"), (2, "afternoon")):
        for index, (label, count) in enumerate(zip(data["arrival_bins"][name], data["arrivals"][name],
                                                   strict=True), start=1):
            sheet.cell(PEOPLE_HEADER_ROW + index, offset + 1, label).style = CELL
            sheet.cell(PEOPLE_HEADER_ROW + index, offset + 2, count).style = CELL
    for column in "ABCD":
        sheet.column_dimensions[column].width = 14

