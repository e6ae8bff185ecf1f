"""CSV writers (UTF-8 with BOM so spreadsheet programs read the diacritics)."""

from __future__ import annotations

import csv
import io
from typing import Any

from attendance.reports.writers.labels import (
    DISCIPLINE_COLUMNS,
    SCORE_LABEL,
    TIMESHEET_TOTALS,
    excused_text,
    flag_text,
    has_scores,
    score_text,
)


def _text(value: object) -> object:
    """A person's or unit's text, defused for spreadsheets: a leading =, +, - or @ would start a formula."""
    return f"'{value}" if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") else value


def discipline_csv(data: dict[str, Any]) -> bytes:
    """One row per person: the figures, excuses by kind and flags."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    scores = has_scores(data)
    writer.writerow([label for _, label in DISCIPLINE_COLUMNS] + ["Vắng có lý do theo loại", "Cảnh báo"]
                    + ([SCORE_LABEL] if scores else []))
    for row in data["people"]:
        writer.writerow([_text(row[key]) for key, _ in DISCIPLINE_COLUMNS]
                        + [excused_text(row["excused_by_kind"]), flag_text(row, data["thresholds"])]
                        + ([score_text(row)] if scores else []))
    return out.getvalue().encode("utf-8-sig")


def timesheet_csv(data: dict[str, Any]) -> bytes:
    """Every department's rows: department, no., code, name, days 1-31, the three totals."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Bộ phận", "STT", "Mã CB", "Họ và tên", *[str(d) for d in range(1, 32)],
                     *[f"({col}) {label}" for _, label, col in TIMESHEET_TOTALS]])
    for sheet in data["sheets"]:
        for row in sheet["rows"]:
            writer.writerow([_text(sheet["department_path"]), row["no"], _text(row["code"]), _text(row["full_name"]),
                             *row["cells"],
                             *[row[key] for key, _, _ in TIMESHEET_TOTALS]])
    return out.getvalue().encode("utf-8-sig")
