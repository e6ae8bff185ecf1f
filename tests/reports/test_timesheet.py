"""The C01-HD timesheet of the January scenario: data, XLSX cell by cell, PDF cell by cell."""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from PIL import Image

from attendance.reports.export import render, report_data
from attendance.reports.writers.pdf_common import PAGE
from attendance.reports.writers.pdf_timesheet import WIDTHS
from attendance.reports.writers.xlsx_timesheet import DAY_COLUMN, FIRST_ROW
from tests.reports import expected, scenario
from tests.reports.conftest import NOW
from tests.reports.readback import pdf_chunks, pdf_row, pdf_text, render_png, workbook


def _data(session, unit: str = scenario.ROOT):
    return report_data(session=session, kind="timesheet", unit_path=unit, month=scenario.MONTH, now=NOW)


def test_cells_and_totals_match_the_hand_computed_sheet(session, jan) -> None:
    data = _data(session)
    assert [s["department"] for s in data["sheets"]] == ["Địa chính", "Văn phòng"]
    rows = {r["full_name"]: r for s in data["sheets"] for r in s["rows"]}
    for name, (cells, time_days, unpaid, insurance) in expected.TIMESHEET.items():
        assert rows[name]["cells"] == cells, name
        assert (rows[name]["time_days"], rows[name]["unpaid_days"], rows[name]["insurance_days"]) == (
            time_days, unpaid, insurance), name


def test_xlsx_has_one_sheet_per_department_laid_out_like_c01_hd(session, jan) -> None:
    book = workbook(render(_data(session), "xlsx"))
    assert book.sheetnames == ["Địa chính", "Văn phòng"]
    sheet = book["Văn phòng"]
    assert (sheet["A1"].value, sheet["A2"].value, sheet["A3"].value) == (
        "Đơn vị: UBND xã Tân Phú", "Bộ phận: Văn phòng", "Mã QHNS: 1234567")
    assert sheet["A5"].value == "BẢNG CHẤM CÔNG" and sheet["A6"].value == "Tháng 01 năm 2026"
    assert sheet.cell(9, DAY_COLUMN).value == "1\nT5" and sheet.cell(9, DAY_COLUMN + 9).value == "10\nT7"
    assert [sheet.cell(10, c).value for c in (1, 2, 3, DAY_COLUMN, DAY_COLUMN + 33)] == ["A", "B", "C", "1", "34"]
    for book_sheet, names in ((sheet, expected.OFFICE), (book["Địa chính"], expected.LAND)):
        for index, name in enumerate(names):
            row = FIRST_ROW + index
            cells, time_days, unpaid, insurance = expected.TIMESHEET[name]
            assert book_sheet.cell(row, 1).value == index + 1
            assert book_sheet.cell(row, 2).value == name
            got = [book_sheet.cell(row, DAY_COLUMN + d).value or "" for d in range(31)]
            assert got == cells, f"{name}: {[get_column_letter(DAY_COLUMN + d) for d in range(31)]}"
            assert [book_sheet.cell(row, DAY_COLUMN + 31 + k).value for k in range(3)] == [time_days, unpaid, insurance]
    texts = {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
    assert {"Người chấm công", "Phụ trách bộ phận", "Thủ trưởng đơn vị"} <= texts
    assert "Nghỉ lễ, Tết: L (ký hiệu riêng của đơn vị)" in texts


def test_pdf_rows_read_back_cell_by_cell(session, jan) -> None:
    content = render(_data(session), "pdf")
    text = pdf_text(content)
    for heading in ("BẢNG CHẤM CÔNG", "Mẫu số C01-HD", "Bộ phận: Văn phòng", "Bộ phận: Địa chính",
                    "Mã QHNS: 1234567", "Người chấm công", "Phụ trách bộ phận", "Thủ trưởng đơn vị"):
        assert heading in text
    left = (PAGE[0] - sum(WIDTHS)) / 2
    edges = [left + sum(WIDTHS[:i]) for i in range(len(WIDTHS) + 1)]
    for page, names in ((0, expected.LAND), (1, expected.OFFICE)):
        chunks = pdf_chunks(content, page)
        for name in names:
            cells, time_days, unpaid, insurance = expected.TIMESHEET[name]
            row = pdf_row(chunks, name, edges)
            assert row[1] == name
            assert row[3:34] == cells, name
            assert row[34:] == [_n(time_days), _n(unpaid), _n(insurance)], name
    png = render_png(content, "timesheet_2026-01_page1")
    with Image.open(png) as image:
        assert image.width > image.height > 500  # landscape A4
        assert image.convert("L").getextrema()[0] < 50  # something dark was drawn


def test_custom_symbol_set_is_used(session, jan) -> None:
    from datetime import date

    from attendance.reports.config import DEFAULT_SYMBOLS, set_report_rules

    symbols = DEFAULT_SYMBOLS.model_dump(mode="json")
    symbols["name"] = "Thông tư 24/2024/TT-BTC"
    for symbol in symbols["symbols"]:
        symbol["code"] = {"P": "Phép", "Ô": "ÔĐ"}.get(symbol["code"], symbol["code"])
    symbols["excuses"] = {**symbols["excuses"], "annual_leave": "Phép", "sick": "ÔĐ"}
    set_report_rules(session=session, unit_id=None, valid_from=date(2026, 1, 1), symbols=symbols, actor="hr")
    session.commit()
    rows = {r["full_name"]: r for s in _data(session)["sheets"] for r in s["rows"]}
    assert rows["Trần Thị Bình"]["cells"][11:14] == ["Phép", "Phép", "+/ÔĐ"]


def _n(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")
