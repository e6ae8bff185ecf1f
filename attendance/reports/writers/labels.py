"""Vietnamese headings shared by the writers."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from attendance.formatting import format_instant, format_number
from config import get_settings

DISCIPLINE_COLUMNS: list[tuple[str, str]] = [
    ("code", "Mã CB"),
    ("full_name", "Họ và tên"),
    ("department", "Phòng ban"),
    ("sessions_scheduled", "Buổi phải làm"),
    ("sessions_present", "Buổi có mặt"),
    ("late_count", "Đi muộn (lần)"),
    ("late_minutes", "Đi muộn (phút)"),
    ("early_count", "Về sớm (lần)"),
    ("early_minutes", "Về sớm (phút)"),
    ("missing_punches", "Quên chấm công"),
    ("absent_sessions", "Vắng không lý do (buổi)"),
    ("absent_days", "Vắng không lý do (ngày)"),
    ("excused_sessions", "Vắng có lý do (buổi)"),
    ("explained_late_count", "Đi muộn đã giải trình (lần)"),
    ("explained_late_minutes", "Đi muộn đã giải trình (phút)"),
    ("explained_early_count", "Về sớm đã giải trình (lần)"),
    ("explained_early_minutes", "Về sớm đã giải trình (phút)"),
    ("explained_missing_punches", "Thiếu chấm công đã giải trình"),
]

DEPARTMENT_COLUMNS: list[tuple[str, str]] = [
    ("rank", "Xếp hạng"),
    ("department", "Phòng ban"),
    ("people", "Số người"),
    ("flagged_people", "Số người vi phạm"),
    ("late_count", "Đi muộn (lần)"),
    ("late_minutes", "Đi muộn (phút)"),
    ("early_count", "Về sớm (lần)"),
    ("missing_punches", "Quên chấm công"),
    ("absent_sessions", "Vắng KLD (buổi)"),
    ("excused_sessions", "Vắng có lý do (buổi)"),
    ("faults_per_person", "Lỗi/người"),
]

EXCUSE_LABELS = {
    "annual_leave": "Nghỉ phép năm",
    "personal_leave": "Nghỉ việc riêng",
    "sick": "Nghỉ ốm",
    "child_sick": "Con ốm",
    "maternity": "Thai sản",
    "work_accident": "Tai nạn lao động",
    "training": "Hội nghị, học tập",
    "business_trip": "Công tác",
    "compensatory": "Nghỉ bù",
    "unpaid": "Nghỉ không lương",
    "explanation": "Vắng có giải trình",
}

FLAG_LABELS = {
    "late_count": "Đi muộn",
    "late_minutes": "Phút đi muộn",
    "early_count": "Về sớm",
    "early_minutes": "Phút về sớm",
    "missing_punches": "Quên chấm công",
    "absent_sessions": "Vắng không lý do",
    "absent_days": "Ngày vắng không lý do",
}

TIMESHEET_TOTALS = [
    ("time_days", "Số công hưởng lương thời gian", "32"),
    ("unpaid_days", "Số công nghỉ không lương", "33"),
    ("insurance_days", "Số công hưởng BHXH", "34"),
]

SIGNATURES = ["Người chấm công", "Phụ trách bộ phận", "Thủ trưởng đơn vị"]
SIGN_HINT = "(Ký, họ tên)"
# For sheets frozen before the legal basis became a unit setting (they were all under Circular 107).
FORM_CODE = "Mẫu số C01-HD"
FORM_BASIS = "(Ban hành kèm theo Thông tư số 107/2017/TT-BTC ngày 10/10/2017 của Bộ Tài chính)"


SCORE_LABEL = "Điểm ý thức kỷ luật (gợi ý, thủ trưởng xác nhận)"


def has_scores(data: dict[str, Any]) -> bool:
    """A suggested score is shown only where the unit configured a deduction table."""
    return bool(data.get("deductions"))


def score_text(row: dict[str, Any]) -> str:
    """'8,5/10 (trừ 1,5)' for a person's suggested discipline sub-score."""
    score = row.get("discipline_score")
    if not score:
        return ""
    return f"{number(score['score'])}/{number(score['max_points'])} (trừ {number(score['deducted'])})"


def month_title(month: str) -> str:
    """'2026-03' -> 'Tháng 03 năm 2026'."""
    year, number = month.split("-")
    return f"Tháng {number} năm {year}"


def flag_text(row: dict[str, Any], thresholds: dict[str, Any]) -> str:
    """'Đi muộn ≥ 3; Quên chấm công ≥ 3' for a person's flags."""
    return "; ".join(f"{FLAG_LABELS.get(f, f)} ≥ {thresholds.get(f)}" for f in row["flags"])


def excused_text(kinds: dict[str, int]) -> str:
    return "; ".join(f"{EXCUSE_LABELS.get(k, k)}: {n}" for k, n in kinds.items())


def number(value: float) -> str:
    """21.0 -> '21', 21.5 -> '21,5', 1234 -> '1.234' (Vietnamese decimal comma, thousands dot)."""
    return format_number(value, "vi")


def local_stamp(value: str, data: dict[str, Any]) -> str:
    """A report's ISO instant as the unit's wall clock: '02/12/2026 22:03'."""
    return format_instant(value, ZoneInfo(data.get("zone") or get_settings().timezone))


def state_text(data: dict[str, Any], made: str = "Số liệu lập lúc") -> str:
    """'Đã khoá sổ lúc 01/01/2027 08:00 bởi ...' or 'Số liệu lập lúc 02/12/2026 22:03'."""
    closed = data.get("closed")
    if closed:
        return f"Đã khoá sổ lúc {local_stamp(closed['at'], data)} bởi {closed['by']}"
    return f"{made} {local_stamp(data['generated_at'], data)}"
