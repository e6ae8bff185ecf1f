"""Messages of organisations' own administrators, registered into `attendance.messages`."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "account.unknown_id": ("Không tìm thấy tài khoản này (mã số {user_id}).", "no user with id {user_id}"),
    "account.outside_organisation": (
        "Quản trị của một cơ quan chỉ tạo và quản lý tài khoản trong cơ quan mình (tài khoản cần gắn với một "
        "đơn vị hoặc cán bộ của cơ quan).",
        "an organisation's administrator manages only accounts of its own organisation (bound to one of its "
        "units or people)"),
    "token.needs_device": ("Quản trị của một cơ quan chỉ cấp mã cho một máy chấm công của cơ quan mình.",
                           "an organisation's administrator issues tokens only for one of its own devices"),
    "device.unknown_id": ("Không tìm thấy máy chấm công này (mã số {device_id}).", "no device with id {device_id}"),
    "unit.outside_organisation": ("Đơn vị “{path}” nằm ngoài cơ quan của bạn.",
                                  "unit {path!r} is outside your organisation"),
}
