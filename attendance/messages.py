"""The core's error messages by code, in Vietnamese (default) and English, worded so a person can act.

An error carries a code and parameters (`AttendanceError(code=..., **params)`); this one catalogue
says it in either language. API clients keep reading the English `str(err)`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from attendance.request_messages import REQUEST_MESSAGES

if TYPE_CHECKING:
    from attendance.errors import AttendanceError

# code: (vi, en); {names} are the error's parameters.
MESSAGES: dict[str, tuple[str, str]] = {
    "unit.unknown_id": ("Không tìm thấy đơn vị này (mã số {unit_id}).", "no unit with id {unit_id}"),
    "unit.unknown_path": ("Không có đơn vị “{path}”.", "no unit {path!r}"),
    "unit.bad_path": ("Đường dẫn đơn vị không hợp lệ: “{path}”.", "not a unit path: {path!r}"),
    "staff.unknown_id": ("Không tìm thấy cán bộ này (mã số {staff_id}).", "no staff member with id {staff_id}"),
    "staff.unknown_code": ("Không có cán bộ mã “{staff_code}”.", "no staff member with code {staff_code!r}"),
    "staff.code_and_name_required": ("Cần nhập mã cán bộ và họ tên.", "code and full name are required"),
    "staff.control_chars": ("Mã cán bộ và họ tên không được chứa ký tự điều khiển.",
                            "the staff code and full name may not contain control characters"),
    "staff.code_taken": ("Mã cán bộ “{staff_code}” đã có người dùng.", "staff code {staff_code!r} already exists"),
    "staff.move_before_start": ("Ngày chuyển đơn vị phải sau ngày bắt đầu ở đơn vị hiện tại ({start}).",
                                "a move must come after the current assignment's start ({start})"),
    "staff.left_before_start": ("Ngày làm việc cuối cùng trước ngày bắt đầu.", "the last day is before the start date"),
    "pin.invalid": ("Mã chấm công (PIN) chỉ gồm chữ và số, tối đa {max} ký tự.",
                    "a PIN is letters and digits, at most {max} characters"),
    "pin.taken": ("Mã chấm công (PIN) “{pin}” đã được cấp cho một người khác trong cùng tổ chức.",
                  "PIN {pin!r} is already given to someone else in the same organisation"),
    "pin.clash_on_move": ("Không đổi được: hai người sẽ trùng mã chấm công (PIN) trong cùng một tổ chức.",
                          "cannot change: two people would share a PIN in one organisation"),
    "device.bad_serial": ("Số sê-ri máy phải có 1-{max} ký tự chữ, số, “.”, “_” hoặc “-” (bắt đầu bằng chữ hoặc số).",
                          "a serial is 1-{max} letters, digits, '.', '_' or '-' (starting with a letter or digit)"),
    "text.control_chars": ("{what} không được chứa ký tự điều khiển (tab, xuống dòng...).",
                           "{what} may not contain control characters (tab, newline...)"),
    "text.too_long": ("{what} dài tối đa {max_length} ký tự.", "{what} is at most {max_length} characters"),
    "schedule.overlaps": ("Trùng khoảng thời gian với một lịch khác của đơn vị ({start} – {end}).",
                          "overlaps schedule {other_id} ({start} – {end}) of this unit"),
    "schedule.ends_before_start": ("Ngày kết thúc trước ngày bắt đầu.", "valid_to is before valid_from"),
    "schedule.times_order": ("Giờ phải tăng dần: vào sáng < ra sáng ≤ vào chiều < ra chiều.",
                             "session times must increase: morning start < end <= afternoon start < end"),
    "schedule.no_workday": ("Lịch cần ít nhất một ngày làm việc trong tuần.", "a schedule needs at least one workday"),
    "schedule.bad_workdays": ("Ngày trong tuần không hợp lệ.", "weekday numbers are 0 (Monday) to 6 (Sunday)"),
    "calendar.unknown_kind": ("Hãy chọn loại điều chỉnh.", "unknown calendar exception kind {kind!r}"),
    "calendar.unknown_exception": ("Không tìm thấy điều chỉnh lịch này.", "no calendar exception with id {exception_id}"),
    "day.not_a_date": ("Ngày không hợp lệ: “{value}” (nhập dd/mm/yyyy).", "not a date: {value!r} (use dd/mm/yyyy)"),
    "day.out_of_range": ("Ngày nằm ngoài khoảng năm 2000–2100.", "the date is outside the years 2000-2100"),
    "time.not_a_time": ("Giờ không hợp lệ: “{value}” (nhập HH:MM, 24 giờ).", "not a time: {value!r} (use HH:MM, 24-hour)"),
    "year.out_of_range": ("Năm nằm ngoài khoảng 2000–2100.", "no year {year} (years 2000-2100)"),
    "month.invalid": ("Tháng {month} không tồn tại (chọn 1–12).", "no month {month}"),
    "month.not_a_month": ("Tháng không hợp lệ: “{value}” (nhập mm/yyyy).", "not a month (YYYY-MM): {value!r}"),
    "month.not_over": ("Tháng {month} chưa kết thúc; chỉ khoá sổ được từ ngày 1 tháng sau.",
                       "{month} is not over yet; it can be closed from the 1st of next month"),
    "month.already_closed": ("Tháng {month} đã khoá sổ cho {path}.", "{month} is already closed for {path}"),
    "month.reopen_needs_reason": ("Mở lại sổ cần ghi lý do.", "reopening a month needs a reason"),
    "month.not_closed": ("Tháng {month} chưa khoá sổ cho {path}.", "{month} is not closed for {path}"),
    "month.closed": ("Tháng {month} đã khoá sổ cho {path} (người khoá: {by}); hãy mở lại sổ trước khi thay đổi.",
                     "{month} is closed for {path} (closed by {by}); reopen it first"),
    "camera.gallery_unreadable": (
        "Không giải mã được bản sao danh sách khuôn mặt {path}: khoá của camera đã đổi (token thiết bị bị thu hồi "
        "hoặc thay mới). Xoá tệp này để tải lại từ máy chủ.",
        "The gallery copy {path} cannot be decrypted with this camera's key: its device token was revoked or "
        "replaced. Delete the file to download it again."),
    "camera.outbox_unreadable": (
        "Không giải mã được hàng đợi chấm công {path} ({pending} lượt chưa gửi): khoá của camera đã đổi (token thiết "
        "bị bị thu hồi hoặc thay mới), nên camera không khởi động. Chạy lại với token cũ để gửi nốt, hoặc xoá tệp "
        "này nếu chấp nhận mất các lượt đó.",
        "The punch outbox {path} ({pending} not yet sent) cannot be decrypted with this camera's key: its device "
        "token was revoked or replaced, so the camera does not start. Run it with the old token to send them, or "
        "delete the file if losing them is acceptable."),
    "camera.attempts_unreadable": (
        "Không giải mã được hàng đợi bằng chứng nhận diện {path} ({pending} mục chưa gửi): khoá của camera đã đổi "
        "(token thiết bị bị thu hồi hoặc thay mới). Xoá tệp này (chỉ mất các bằng chứng chưa gửi).",
        "The face-evidence queue {path} ({pending} not yet sent) cannot be decrypted with this camera's key: its "
        "device token was revoked or replaced. Delete the file (only unsent evidence is lost)."),
    "camera.snapshots_unreadable": (
        "Không giải mã được ảnh người lạ trong {path}: khoá của camera đã đổi (token thiết bị bị thu hồi hoặc thay "
        "mới). Xoá thư mục này.",
        "The unknown-face crops in {path} cannot be decrypted with this camera's key: its device token was revoked "
        "or replaced. Delete the folder."),
    "rules.invalid": ("Quy định của đơn vị không hợp lệ: {detail}", "invalid report rules: {detail}"),
    "choice.unknown": ("“{value}” không phải một lựa chọn hợp lệ.", "unknown {what} {value!r}; expected one of: {allowed}"),
    "request.needs_reason": ("Giải trình cần ghi rõ lý do.", "an explanation needs a reason"),
    "request.explanation_not_leave": ("Hãy chọn loại nghỉ.", "'explanation' is not a leave kind"),
    "request.ends_before_start": ("Ngày kết thúc trước ngày bắt đầu.", "the request ends before it starts"),
    "request.too_long": ("Một đơn chỉ được tối đa {days} ngày.", "a request covers at most {days} days"),
    "request.outside_employment": ("{name} không công tác trong toàn bộ khoảng {start} – {end}.",
                                   "{name} is not employed for the whole of {start} – {end}"),
    "request.unknown_id": ("Không tìm thấy đơn này.", "no request with id {request_id}"),
    "request.not_pending": ("Chỉ rút được đơn đang chờ duyệt.",
                            "only a pending request can be cancelled; this one is {status}"),
    "request.already_decided": ("Đơn này đã được xử lý trước đó.", "request {request_id} is already {status}"),
    "request.changed": ("Đơn vừa được người khác xử lý; hãy tải lại trang.",
                        "request {request_id} changed while being decided"),
    "request.overlaps": ("Trùng thời gian với một đơn khác đang chờ hoặc đã được duyệt ({start} – {end}).",
                         "overlaps request {other_id} ({kind}, {start} – {end}, {status})"),
    "request.choose_person": ("Hãy chọn cán bộ.", "choose the person the request is for"),
    "request.unknown_decision": ("Hãy chọn duyệt hoặc từ chối.", "unknown decision {decision!r}"),
    "punch.needs_reason": ("Cần ghi lý do.", "a manual punch needs a reason"),
    "punch.needs_zone": ("Giờ chấm công cần có múi giờ.", "a manual punch needs a time with its zone"),
    "punch.rejected": ("Không ghi được lượt chấm công: {reason}", "the punch was refused: {reason}"),
    "consent.unconfirmed": ("Hãy xác nhận cán bộ đã đồng ý và chọn hình thức đồng ý.",
                            "consent must be confirmed, with how it was given"),
    "calibration.too_few": ("Cần ít nhất hai người đã đăng ký.", "calibration needs at least two enrolled people"),
    "calibration.bad_target": ("Tỉ lệ nhận nhầm mục tiêu phải từ 0 đến 0,5.", "target_far must be between 0 and 0.5"),
    "import.no_header": ("{file}: không có dòng tiêu đề.", "{file}: no header row"),
    "import.too_many_rows": ("{file}: nhiều hơn {max} dòng.", "{file}: more than {max} rows"),
    "import.bad_type": ("{file}: cần tệp .csv hoặc .xlsx.", "{file}: expected a .csv or .xlsx file"),
    "import.bad_xlsx": ("{file}: không đọc được tệp XLSX.", "{file}: not a readable XLSX file ({detail})"),
    "import.missing_columns": ("Thiếu cột: {missing} (có: {found}).", "missing columns: {missing} (found: {found})"),
    "import.code_empty": ("Mã cán bộ trống.", "code is empty"),
    "import.name_empty": ("Họ tên trống.", "full name is empty"),
    "import.unit_empty": ("Đơn vị trống.", "unit is empty"),
    "import.pin_digits": ("Mã chấm công (PIN) phải là chữ số: “{value}”.", "PIN must be digits: {value!r}"),
    "import.bad_date": ("Ngày không hợp lệ (dd/mm/yyyy): “{value}”.",
                        "not a date (YYYY-MM-DD or DD/MM/YYYY): {value!r}"),
    "fingerprints.no_consent": ("Cán bộ này chưa đồng ý cho lưu vân tay (mã số {staff_id}).",
                                "staff member {staff_id} has no fingerprint consent in force"),
    "sealed.unreadable": ("Không giải mã được dữ liệu sinh trắc (sai khoá hoặc dữ liệu bị sửa).",
                          "biometric data cannot be decrypted (wrong key or altered data)"),
}
from attendance.messages_province import MESSAGES as _PROVINCE  # noqa: E402 - mergers and splits

MESSAGES.update(_PROVINCE)

from attendance.messages_auth import MESSAGES as _AUTH  # noqa: E402 - accounts

MESSAGES.update(_AUTH)

from attendance.messages_rules import MESSAGES as _RULES  # noqa: E402 - timesheet symbols

MESSAGES.update(_RULES)

MESSAGES.update(REQUEST_MESSAGES)
from attendance.messages_org_admin import MESSAGES as _ORG_ADMIN  # noqa: E402 - organisations' administrators

MESSAGES.update(_ORG_ADMIN)

# When an error has no code (yet): a general sentence by kind, never the internal text.
GENERAL: dict[str, tuple[str, str]] = {
    "NotFound": ("Không tìm thấy bản ghi này.", "This record does not exist."),
    "Conflict": ("Thao tác này xung đột với dữ liệu hiện có.", "This clashes with existing data."),
    "InvalidInput": ("Dữ liệu không hợp lệ.", "Invalid input."),
    "AttendanceError": ("Không thực hiện được thao tác này.", "This could not be done."),
}
_VIETNAMESE = set("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")


def render(code: str, language: str = "vi", **params: object) -> str:
    """The message for `code` in `language` ("vi" or "en"), with its parameters filled in."""
    vi, en = MESSAGES[code]
    return (en if language == "en" else vi).format(**params)


def explain(error: AttendanceError, language: str = "vi") -> str:
    """The error as a person reads it in `language`."""
    if error.code in MESSAGES:
        return render(error.code, language, **error.params)
    text = str(error)
    # Some older errors (terminals, PIN scopes) were written in Vietnamese: they already say it.
    if language == "vi" and _VIETNAMESE & set(text.lower()):
        return text
    for kind in type(error).__mro__:
        if kind.__name__ in GENERAL:
            vi, en = GENERAL[kind.__name__]
            return en if language == "en" else vi
    return GENERAL["AttendanceError"][0 if language == "vi" else 1]
