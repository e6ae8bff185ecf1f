"""The discipline PDF as an administrative document: national heading, distinct columns, signatures, local stamp."""

from __future__ import annotations

from attendance.reports.export import render, report_data
from tests.reports import scenario
from tests.reports.conftest import NOW
from tests.reports.readback import pdf_chunks, pdf_text


def _pdf(session) -> bytes:
    data = report_data(session=session, kind="discipline", unit_path=scenario.ROOT, month=scenario.MONTH, now=NOW)
    return render(data, "pdf")


def test_the_pdf_opens_with_the_national_heading_and_the_units_name(session, jan) -> None:
    content = _pdf(session)
    first = pdf_chunks(content, 0)
    lines = [text for _, _, text in sorted(first, key=lambda c: -c[1])]  # top of the page first
    top = " ".join(lines[:6])
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in top and "Độc lập - Tự do - Hạnh phúc" in top
    assert "UBND XÃ TÂN PHÚ" in top
    # 5 Feb 2026 03:00 UTC is 10:00 in Hà Nội: the stamp is the unit's wall clock, never ISO or UTC.
    text = pdf_text(content)
    assert "ngày 05 tháng 02 năm 2026" in text
    assert "Số liệu lập lúc 05/02/2026 10:00" in text and "2026-02-05T03:00" not in text


def test_every_column_heading_is_distinct_and_the_report_is_signed(session, jan) -> None:
    text = " ".join(pdf_text(_pdf(session)).split())  # headings wrap inside their narrow cells
    assert "Vắng có lý do (buổi)" in text and "Lý do vắng (theo loại) Cảnh báo" in text
    assert "Vắng có lý do Cảnh báo" not in text  # the kinds column no longer repeats the count's heading
    assert "NGƯỜI LẬP BIỂU" in text and "THỦ TRƯỞNG ĐƠN VỊ" in text and "(Ký, ghi rõ họ tên" in text
    assert text.rindex("THỦ TRƯỞNG ĐƠN VỊ") > text.index("Chi tiết theo cán bộ")  # signatures close the report
