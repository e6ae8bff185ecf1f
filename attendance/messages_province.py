"""Messages of the province features (mergers and splits), registered into `attendance.messages`."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "merger.into_itself": ("Không thể sáp nhập “{source}” vào chính nó hoặc vào đơn vị trực thuộc nó (“{target}”).",
                           "cannot merge {source!r} into itself or into a unit inside it ({target!r})"),
    "merger.unit_dissolved": ("Đơn vị “{unit}” đã sáp nhập/giải thể từ ngày {day:%d/%m/%Y}.",
                              "unit {unit!r} was merged away on {day}"),
    "merger.unit_exists": ("Đã có đơn vị “{path}”: chia tách cần một đơn vị mới.",
                           "unit {path!r} already exists: a split needs a new unit"),
    "merger.staff_not_in_unit": ("{count} người được chọn không thuộc đơn vị “{unit}” vào ngày hiệu lực.",
                                 "{count} of the chosen people are not in {unit!r} on the effective date"),
    "merger.device_not_in_unit": ("Máy {serial} không thuộc đơn vị “{unit}”.", "terminal {serial} is not in {unit!r}"),
    "merger.pin_clash": ("Không sáp nhập được: mã chấm công (PIN) “{pin}” của cán bộ {staff_code} đã có người dùng "
                         "ở đơn vị nhận; đổi PIN trước rồi sáp nhập.",
                         "cannot merge: PIN {pin!r} of {staff_code} is already used in the receiving organisation; "
                         "change it first"),
}
