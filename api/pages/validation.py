"""Request validation errors said in the page's language: which field, and why."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# pydantic error type -> (Vietnamese, English); {limit} is the bound from the error's context.
_REASONS: dict[str, tuple[str, str]] = {
    "int_parsing": ("phải là một số nguyên", "must be a whole number"),
    "int_from_float": ("phải là một số nguyên", "must be a whole number"),
    "float_parsing": ("phải là một số", "must be a number"),
    "greater_than_equal": ("phải lớn hơn hoặc bằng {limit}", "must be at least {limit}"),
    "greater_than": ("phải lớn hơn {limit}", "must be more than {limit}"),
    "less_than_equal": ("phải nhỏ hơn hoặc bằng {limit}", "must be at most {limit}"),
    "less_than": ("phải nhỏ hơn {limit}", "must be less than {limit}"),
    "missing": ("còn thiếu", "is missing"),
    "string_too_long": ("dài quá {limit} ký tự", "is longer than {limit} characters"),
    "string_too_short": ("ngắn hơn {limit} ký tự", "is shorter than {limit} characters"),
    "date_parsing": ("không phải một ngày (YYYY-MM-DD)", "is not a date (YYYY-MM-DD)"),
    "date_from_datetime_parsing": ("không phải một ngày (YYYY-MM-DD)", "is not a date (YYYY-MM-DD)"),
    "time_parsing": ("không phải giờ (HH:MM)", "is not a time (HH:MM)"),
    "bool_parsing": ("phải là có hoặc không", "must be yes or no"),
    "enum": ("không phải một lựa chọn hợp lệ", "is not one of the choices"),
    "literal_error": ("không phải một lựa chọn hợp lệ", "is not one of the choices"),
}
_OTHER = ("không hợp lệ", "is not valid")
# Field names as the person knows them; never the internal parameter name.
_FIELDS: dict[str, tuple[str, str]] = {
    "staff_id": ("Cán bộ", "Person"), "unit": ("Đơn vị", "Unit"), "unit_id": ("Đơn vị", "Unit"),
    "year": ("Năm", "Year"), "month": ("Tháng", "Month"), "day": ("Ngày", "Day"), "at": ("Giờ", "Time"),
    "start_date": ("Từ ngày", "From"), "end_date": ("Đến ngày", "To"), "valid_from": ("Từ ngày", "From"),
    "valid_to": ("Đến ngày", "To"), "reason": ("Lý do", "Reason"), "name": ("Tên", "Name"),
    "kind": ("Loại", "Kind"), "type": ("Loại đơn", "Request type"), "grace_minutes": ("Số phút cho phép", "Grace"),
    "request_id": ("Đơn", "Request"), "device_id": ("Thiết bị", "Device"), "comment": ("Ý kiến", "Comment"),
    "morning_start": ("Giờ vào sáng", "Morning start"), "morning_end": ("Giờ ra sáng", "Morning end"),
    "afternoon_start": ("Giờ vào chiều", "Afternoon start"), "afternoon_end": ("Giờ ra chiều", "Afternoon end"),
    "workdays": ("Ngày làm việc", "Workdays"), "username": ("Tên đăng nhập", "Username"),
    "password": ("Mật khẩu", "Password"),
}
_SOME_FIELD = ("Một giá trị", "A value")
_LIMIT_KEYS = ("ge", "gt", "le", "lt", "max_length", "min_length")


def explain_validation(errors: Sequence[Any], language: str) -> str:
    """'Cán bộ: phải nhỏ hơn hoặc bằng 2147483647; Năm: phải là một số nguyên'."""
    parts = []
    for error in errors:
        field_vi, field_en = _FIELDS.get(str(error.get("loc", ("?",))[-1]), _SOME_FIELD)
        field = field_en if language == "en" else field_vi
        vi, en = _REASONS.get(str(error.get("type", "")), _OTHER)
        context = error.get("ctx") or {}
        limit = next((context[k] for k in _LIMIT_KEYS if k in context), "")
        parts.append(f"{field}: {(en if language == 'en' else vi).format(limit=limit)}")
    return "; ".join(parts)
