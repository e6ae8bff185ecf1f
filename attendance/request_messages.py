"""Messages of the requests' workflow (revocation, two-step approval, attachments, punch requests).

Kept beside `attendance.messages`, which merges them into its one catalogue."""

from __future__ import annotations

# code: (vi, en)
REQUEST_MESSAGES: dict[str, tuple[str, str]] = {
    "punch.not_for_oneself": ("Không ai tự thêm lượt chấm công cho chính mình; hãy gửi đơn xin bổ sung chấm công.",
                              "a manual punch for oneself must be added by someone else"),
    "request.needs_punch_time": ("Hãy nhập ngày và giờ đã chấm công.", "a punch request needs the time of the punch"),
    "request.same_approver": ("Bước duyệt thứ hai phải do người khác (phòng tổ chức cán bộ) thực hiện.",
                              "the second approval of request {request_id} must come from someone else"),
    "request.not_approved": ("Chỉ thu hồi được đơn đã được duyệt.",
                             "only an approved request can be revoked; request {request_id} is {status}"),
    "request.revoke_needs_reason": ("Thu hồi đơn cần ghi lý do.", "revoking a request needs a reason"),
    "request.not_yours_to_decide": ("Bạn không có quyền xử lý đơn này.", "you may not decide request {request_id}"),
    "request.none_chosen": ("Hãy chọn ít nhất một đơn.", "choose at least one request"),
    "attachment.empty": ("Tệp đính kèm rỗng.", "the attachment is empty"),
    "attachment.too_large": ("Tệp “{filename}” lớn hơn {max_mb} MB cho phép.",
                             "{filename} is larger than the {max_mb} MB allowed"),
    "attachment.bad_type": ("Tệp “{filename}” không phải PDF, JPEG hay PNG.",
                            "{filename} is not a PDF, JPEG or PNG document"),
    "attachment.too_many": ("Mỗi đơn đính kèm tối đa {max} tệp.", "a request holds at most {max} attachments"),
    "attachment.unknown_id": ("Không tìm thấy tệp đính kèm này.", "no attachment {attachment_id} on this request"),
    "attachment.request_closed": ("Chỉ đính kèm được khi đơn còn chờ duyệt.",
                                  "attachments are added while the request waits for a decision"),
    "attachment.unreadable": ("Không mở được tệp đính kèm (khoá hoặc dữ liệu đã thay đổi).",
                              "the attachment cannot be opened (key or data changed)"),
}
