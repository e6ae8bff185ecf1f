"""The discipline part of the monthly evaluation: evidence always, a suggested score only with a unit's table."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from typer.testing import CliRunner

from api.cli.main import app as cli
from attendance.reports.export import render, report_data
from tests.reports import scenario
from tests.reports.conftest import NOW
from tests.reports.readback import pdf_text, workbook

LABEL = "Điểm ý thức kỷ luật (gợi ý, thủ trưởng xác nhận)"
TABLE = {"max_points": 10, "points": {"late_count": 0.5, "absent_sessions": 2, "missing_punches": 1}, "cap": 6,
         "note": "Điều 12 quy chế"}


def _data(session) -> dict:
    return report_data(session=session, kind="discipline", unit_path=scenario.ROOT, month=scenario.MONTH, now=NOW)


def test_no_table_no_score(session, jan) -> None:
    data = _data(session)
    assert data["deductions"] is None and all(p["discipline_score"] is None for p in data["people"])
    for fmt in ("csv", "xlsx"):
        content = render(data, fmt)
        text = content.decode("utf-8-sig") if fmt == "csv" else json.dumps(
            [c.value for row in workbook(content).worksheets[0].iter_rows() for c in row], ensure_ascii=False)
        assert "Điểm ý thức kỷ luật" not in text
    assert "Điểm ý thức kỷ luật" not in pdf_text(render(data, "pdf"))


def test_a_units_table_gives_a_suggested_score_in_every_format(session, jan) -> None:
    result = CliRunner().invoke(cli, ["report", "set-rules", "--unit", scenario.ROOT, "--from", "2026-01-01",
                                      "--deductions", json.dumps(TABLE)])
    assert result.exit_code == 0, result.output
    data = _data(session)
    scores = {p["full_name"]: p["discipline_score"] for p in data["people"]}
    # An: late 1 (0.5) + missing 1 (1) = 1.5. Bình: late 3 (1.5) + absent 3 sessions (6) = 7.5, capped at 6.
    # Cường's explained missing punch deducts nothing (R9a).
    assert (scores["Nguyễn Văn An"]["score"], scores["Nguyễn Văn An"]["deducted"]) == (8.5, 1.5)
    assert (scores["Trần Thị Bình"]["score"], scores["Trần Thị Bình"]["deducted"]) == (4, 6)
    assert scores["Lê Văn Cường"]["score"] == 10 and all(s["suggestion"] for s in scores.values())
    rows = list(csv.reader(io.StringIO(render(data, "csv").decode("utf-8-sig"))))
    assert rows[0][-1] == LABEL and rows[4][-1] == "4/10 (trừ 6)"  # Trần Thị Bình, last of four
    sheet = workbook(render(data, "xlsx")).worksheets[0]
    assert any(c.value == "8,5/10 (trừ 1,5)" for row in sheet.iter_rows() for c in row)
    text = pdf_text(render(data, "pdf"))
    assert LABEL in text and "chỉ là gợi ý" in text and "4/10 (trừ 6)" in text


def test_a_bad_table_is_refused(session, jan) -> None:
    result = CliRunner().invoke(cli, ["report", "set-rules", "--unit", scenario.ROOT, "--from",
                                      date(2026, 1, 1).isoformat(), "--deductions", '{"max_points": 10, '
                                      '"points": {"explained_late_count": 1}}'])
    assert result.exit_code != 0 and "unknown figures" in result.output
