"""The timesheet's legal basis is configuration: Circular 24/2024 from 2025, 107/2017 before, a unit's own if set."""

from __future__ import annotations

from datetime import date

from attendance.reports.config import set_report_rules
from attendance.reports.export import render, report_data
from tests.reports import scenario
from tests.reports.readback import pdf_text, workbook


def _sheet(session, month: str) -> tuple[dict, str, str]:
    data = report_data(session=session, kind="timesheet", unit_path=scenario.ROOT, month=month)
    sheet = workbook(render(data, "xlsx"))["Văn phòng"]
    texts = " ".join(str(c.value) for row in sheet.iter_rows(max_row=3) for c in row if c.value)
    return data, texts, pdf_text(render(data, "pdf"))


def test_periods_from_2025_cite_circular_24_and_earlier_ones_107(session, jan) -> None:
    data, xlsx, pdf = _sheet(session, "2026-01")
    assert data["symbol_set"] == "Thông tư 24/2024/TT-BTC"
    assert "Thông tư số 24/2024/TT-BTC" in xlsx and "107/2017" not in xlsx
    assert "Thông tư số 24/2024/TT-BTC" in pdf and "107/2017" not in pdf
    _, old_xlsx, _ = _sheet(session, "2024-12")
    assert "Thông tư số 107/2017/TT-BTC" in old_xlsx


def test_a_unit_sets_its_own_regime(session, jan) -> None:
    set_report_rules(session=session, unit_id=jan.root.id, valid_from=date(2026, 1, 1), actor="hr", symbols={
        "name": "Chế độ kế toán ngân sách xã", "form_code": "Mẫu số C01-X",
        "basis": "(Theo chế độ kế toán ngân sách và tài chính xã)"})
    session.commit()
    data, xlsx, pdf = _sheet(session, "2026-01")
    assert data["symbol_set"] == "Chế độ kế toán ngân sách xã"
    assert "Mẫu số C01-X" in xlsx and "ngân sách và tài chính xã" in xlsx and "ngân sách và tài chính xã" in pdf
