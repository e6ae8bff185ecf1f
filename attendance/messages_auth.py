"""Messages of the accounts service (api/auth), registered into `attendance.messages`.

The English side is the text API clients read (`str(err)`), unchanged from before the codes."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "user.username_taken": ("Tên đăng nhập “{username}” đã có người dùng; hãy chọn tên khác.",
                            "username {username!r} is taken"),
    "user.bad_username": ("Tên đăng nhập dài 3–100 ký tự, gồm chữ không dấu, số hoặc . _ - @.",
                          "a username has 3-100 letters, digits or . _ - @"),
    "user.unknown_role": ("Vai trò “{role}” không có; hãy chọn một vai trò trong danh sách.",
                          "unknown role {role!r}; expected one of: {roles}"),
    "user.unknown_id": ("Không tìm thấy tài khoản này (mã số {user_id}).", "no user with id {user_id}"),
    "user.cannot_change": ("Không thể đổi: {fields}.", "cannot change {fields}"),
    "user.staff_has_account": ("Cán bộ này đã có tài khoản; mỗi người chỉ có một tài khoản.",
                               "staff member {staff_id} already has an account"),
    "user.needs_unit": ("Tài khoản vai trò này cần chọn đơn vị.", "a {role} account needs a unit"),
    "user.needs_staff": ("Tài khoản cán bộ cần gắn với một cán bộ (nhập mã cán bộ).",
                         "a staff account needs a linked staff member"),
}
