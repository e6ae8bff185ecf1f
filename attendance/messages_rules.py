"""Messages of the unit's report rules (timesheet symbols), registered into `attendance.messages`."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "symbols.code_empty": ("Ký hiệu của “{label}” không được để trống.", "the symbol of {label!r} is empty"),
    "symbols.code_too_long": ("Ký hiệu “{symbol}” dài quá {max} ký tự.", "symbol {symbol!r} is longer than {max}"),
    "symbols.label_invalid": ("Ký hiệu “{symbol}” cần một diễn giải (tối đa {max} ký tự).",
                              "symbol {symbol!r} needs a label of at most {max} characters"),
    "symbols.code_duplicate": ("Ký hiệu “{symbol}” dùng cho hai loại ngày công; mỗi ký hiệu chỉ một nghĩa.",
                               "symbol {symbol!r} is used twice"),
}
