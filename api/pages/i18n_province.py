"""The words of the mergers page, registered into `api.pages.i18n`."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "nav.units_changes": ("Sáp nhập đơn vị", "Unit mergers"),
    "units.title": ("Sáp nhập, chia tách đơn vị", "Merge or split units"),
    "units.intro": ("Từ ngày hiệu lực, cán bộ và máy chấm công chuyển sang đơn vị nhận; các tháng trước vẫn "
                    "tính theo đơn vị cũ và báo cáo giữ nguyên.",
                    "From the effective date staff and terminals move to the receiving unit; earlier months "
                    "stay with the old unit and their reports do not change."),
    "units.merge": ("Sáp nhập", "Merge"),
    "units.split": ("Chia tách", "Split"),
    "units.source": ("Đơn vị", "Unit"),
    "units.target": ("Sáp nhập vào", "Merge into"),
    "units.new_path": ("Đơn vị mới (đường dẫn)", "New unit (path)"),
    "units.staff_codes": ("Mã cán bộ chuyển sang (cách nhau bằng dấu phẩy)", "Staff codes moving (comma-separated)"),
    "units.effective": ("Ngày hiệu lực", "Effective from"),
    "units.do_merge": ("Sáp nhập", "Merge"),
    "units.do_split": ("Chia tách", "Split"),
    "units.history": ("Đã thực hiện", "Done so far"),
    "units.merged": ("Đã sáp nhập: chuyển {staff} cán bộ, {devices} máy chấm công.",
                     "Merged: {staff} staff and {devices} terminals moved."),
    "units.split_done": ("Đã chia tách: chuyển {staff} cán bộ.", "Split: {staff} staff moved."),
}
