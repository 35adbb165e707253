"""The administration's messages, added to the catalog: Vietnamese first, English second."""

from __future__ import annotations

from queue_server.core.i18n import MESSAGES

ADMIN_MESSAGES: dict[str, tuple[str, str]] = {
    "field_required": ("Cần điền mục này.", "This field is required."),
    "field_invalid": ("Giá trị không hợp lệ.", "Invalid value."),
    "field_too_long": ("Dài quá: tối đa {maximum} ký tự.",
                       "Too long: at most {maximum} characters."),
    "field_not_a_number": ("Cần một con số.", "A number is needed."),
    "field_out_of_range": ("Cần một số từ {low} đến {high}.",
                           "A number from {low} to {high} is needed."),
    "field_out_of_range_minutes": ("Cần lớn hơn 0 và tối đa {high} phút.",
                                   "More than 0 and at most {high} minutes."),
    "field_invalid_choice": ("Hãy chọn một trong: {options}.", "Choose one of: {options}."),
    "field_invalid_code": (
        "Mã chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang (ví dụ: dat-dai).",
        "Codes use lowercase letters, digits and dashes (for example: dat-dai)."),
    "field_invalid_prefix": (
        "Tiền tố gồm tối đa 3 chữ cái in hoa hoặc chữ số (ví dụ: 1, A, TP).",
        "A prefix is up to 3 capital letters or digits (for example: 1, A, TP)."),
    "field_invalid_opening_hours": (
        "Giờ làm việc chưa đúng cách viết, ví dụ: Mo-Fr 07:30-11:30,13:30-17:00; Sa 07:30-11:30.",
        "Opening hours are not in the expected form, e.g. "
        "Mo-Fr 07:30-11:30,13:30-17:00; Sa 07:30-11:30."),
    "field_invalid_date": ("Ngày “{value}” không hợp lệ; viết dd/mm/yyyy hoặc yyyy-mm-dd.",
                           "“{value}” is not a date; write dd/mm/yyyy or yyyy-mm-dd."),
    "field_too_many_dates": ("Tối đa {maximum} ngày nghỉ.", "At most {maximum} holidays."),
    "field_unknown_timezone": ("Không có múi giờ này (ví dụ đúng: Asia/Ho_Chi_Minh).",
                               "Unknown time zone (for example: Asia/Ho_Chi_Minh)."),
    "office_exists": ("Đã có điểm tiếp nhận mã “{slug}”.", "An office with code “{slug}” exists."),
    "code_taken": ("Mã “{code}” đã được dùng ở điểm này (kể cả mục đã ngừng sử dụng).",
                   "Code “{code}” is already used at this office (retired items included)."),
    "prefix_taken": ("Tiền tố “{prefix}” đang được lĩnh vực {service} dùng; số thứ tự sẽ bị trùng.",
                     "Prefix “{prefix}” is used by {service}; numbers would repeat."),
    "number_taken": ("Đã có quầy số {number} (kể cả quầy đã ngừng sử dụng).",
                     "Counter {number} exists already (retired counters included)."),
    "counter_needs_service": ("Chọn ít nhất một lĩnh vực cho quầy.",
                              "Choose at least one service for the counter."),
    "service_has_waiting": (
        "Còn {count} người đang chờ lĩnh vực này. Hãy chọn “Tạm đóng” để ngừng cấp số, "
        "phục vụ hết rồi mới ngừng sử dụng.",
        "{count} people are waiting for this service. Choose “Closed” to stop new tickets, "
        "serve them, then retire it."),
    "role_not_allowed": ("Bạn không được cấp vai trò này.", "You may not give this role."),
    "user_not_yours": ("Tài khoản này không thuộc điểm tiếp nhận của bạn.",
                       "This account does not belong to your office."),
    "own_account": ("Không thể tự khóa hay tự hạ quyền tài khoản đang dùng.",
                    "You cannot disable or demote the account you are using."),
    "unknown_office_choice": ("Hãy chọn một điểm tiếp nhận.", "Choose an office."),
    "passwords_differ": ("Hai lần nhập mật khẩu không giống nhau.", "The two passwords differ."),
    "device_revoked": ("Thiết bị này đã bị thu hồi.", "This device has been revoked."),
    "stale_form": ("Trang đã cũ (phiên làm việc thay đổi). Hãy nhập lại.",
                   "This page was out of date (your session changed). Please try again."),
    "filter_invalid_date": ("Ngày lọc không hợp lệ; viết dd/mm/yyyy hoặc yyyy-mm-dd.",
                            "The filter date is invalid; write dd/mm/yyyy or yyyy-mm-dd."),
    "filter_range_too_long": ("Khoảng ngày tối đa {days} ngày.", "At most {days} days at once."),
}

MESSAGES.update(ADMIN_MESSAGES)
