"""The discipline report's files: CSV, XLSX cell by cell, PDF text, and a page rendered to PNG."""

from __future__ import annotations

import csv
import io
import json

from PIL import Image

from attendance.reports.export import render, report_data
from attendance.reports.writers.labels import DISCIPLINE_COLUMNS
from attendance.reports.writers.xlsx_discipline import PEOPLE_HEADER_ROW
from tests.reports import expected, scenario
from tests.reports.conftest import NOW
from tests.reports.readback import pdf_text, render_png, workbook

FLAGS = {"Trần Thị Bình": "Đi muộn ≥ 3; Vắng không lý do ≥ 1"}


def _data(session):
    return report_data(session=session, kind="discipline", unit_path=scenario.ROOT, month=scenario.MONTH, now=NOW)


def test_json_carries_the_documented_fields(session, jan) -> None:
    data = json.loads(render(_data(session), "json"))
    required = {"code", "full_name", "department", "sessions_scheduled", "sessions_present", "late_count",
                "late_minutes", "early_count", "early_minutes", "missing_punches", "absent_sessions",
                "excused_sessions", "flags"}
    assert all(required <= set(person) for person in data["people"])
    assert data["month"] == "2026-01" and data["unit"]["path"] == scenario.ROOT


def test_xlsx_people_sheet_cell_by_cell(session, jan) -> None:
    book = workbook(render(_data(session), "xlsx"))
    assert book.sheetnames == ["Cá nhân", "Phòng ban", "Giờ đến"]
    sheet = book["Cá nhân"]
    assert sheet["A2"].value == f"Đơn vị: {scenario.ROOT}" and sheet["A3"].value == "Tháng 01 năm 2026"
    header = [c.value for c in sheet[PEOPLE_HEADER_ROW]]
    assert header[:len(DISCIPLINE_COLUMNS) + 1] == ["STT"] + [label for _, label in DISCIPLINE_COLUMNS]
    for index, name in enumerate(expected.ORDER):
        row = [c.value for c in sheet[PEOPLE_HEADER_ROW + 1 + index]]
        want = expected.PEOPLE[name]
        assert row[0] == index + 1 and row[2] == name and row[3] == want["department"]
        for column, (key, _) in enumerate(DISCIPLINE_COLUMNS, start=1):
            if key in want:
                assert row[column] == want[key], (name, key)
        assert (row[-1] or "") == FLAGS.get(name, "")
    totals = [c.value for c in sheet[PEOPLE_HEADER_ROW + 1 + len(expected.ORDER)]]
    assert totals[1] == "Tổng cộng" and totals[4] == 146 and totals[6] == 4 and totals[7] == 42
    departments = book["Phòng ban"]
    assert [departments.cell(PEOPLE_HEADER_ROW + i, 2).value for i in (1, 2)] == ["Địa chính", "Văn phòng"]
    assert departments.cell(PEOPLE_HEADER_ROW + 2, 1).value == 2


def test_csv_is_utf8_with_bom_and_one_row_per_person(session, jan) -> None:
    content = render(_data(session), "csv")
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Mã CB", "Họ và tên", "Phòng ban"]
    binh = next(r for r in rows if r[1] == "Trần Thị Bình")
    assert binh[3:13] == ["42", "34", "3", "30", "0", "0", "0", "3", "1", "5"]
    assert binh[-2:] == ["Nghỉ phép năm: 4; Nghỉ ốm: 1", FLAGS["Trần Thị Bình"]]


def test_pdf_text_has_every_diacritic_and_the_figures(session, jan) -> None:
    content = render(_data(session), "pdf")
    text = pdf_text(content)
    for needle in ("BÁO CÁO TÌNH HÌNH CHẤP HÀNH THỜI GIỜ LÀM VIỆC", "UBND xã Tân Phú — Tháng 01 năm 2026",
                   *expected.ORDER, "thiếu chấm công 1.", "Công tác: 10", "Nghỉ phép năm: 4; Nghỉ ốm: 1",
                   "đi muộn 4 lần (42 phút)", "vắng không lý do 3 buổi (1 ngày)", "1 người"):
        assert needle in text, needle
    assert "Đi muộn ≥ 3; Vắng không lý" in text
    png = render_png(content, "discipline_2026-01_page1")
    with Image.open(png) as image:
        # The charts are drawn in colour (the lateness bars are red).
        red = image.convert("RGB").resize((200, 140)).getcolors(200 * 140) or []
        assert any(r > 150 and g < 100 and b < 100 for _, (r, g, b) in red)
