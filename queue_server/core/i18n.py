"""Every user-facing message, Vietnamese first and English second."""

from __future__ import annotations

from datetime import datetime

LANGUAGES = ("vi", "en")

_WEEKDAYS = {
    "vi": ["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}

MESSAGES: dict[str, tuple[str, str]] = {
    "office_closed": (
        "Hiện ngoài giờ tiếp nhận. Mời quay lại {reopens}.",
        "The office is closed now. Please come back {reopens}.",
    ),
    "holiday": (
        "Hôm nay là ngày nghỉ. Mời quay lại {reopens}.",
        "Today is a holiday. Please come back {reopens}.",
    ),
    "daily_capacity_reached": (
        "Lĩnh vực {service} đã hết số hôm nay. Mời quay lại {reopens}.",
        "No more numbers today for {service}. Please come back {reopens}.",
    ),
    "unknown_service": ("Không có lĩnh vực “{code}”.", "Unknown service “{code}”."),
    "service_closed": ("Lĩnh vực {service} đang tạm ngừng cấp số.",
                       "{service} is not taking new tickets for now."),
    "unknown_priority": ("Không có đối tượng ưu tiên “{code}”.",
                         "Unknown priority category “{code}”."),
    "unknown_office": ("Không tìm thấy điểm tiếp nhận “{office}”.", "Unknown office “{office}”."),
    "unknown_counter": ("Không có quầy số {counter}.", "There is no counter {counter}."),
    "unknown_ticket": ("Không tìm thấy số {number}.", "Ticket {number} was not found."),
    "ticket_not_found": ("Không tìm thấy phiếu này.", "This ticket was not found."),
    "ticket_not_waiting": ("Số {number} không còn đang chờ.", "Ticket {number} is not waiting."),
    "no_current_ticket": ("Quầy {counter} không có số đang phục vụ.",
                          "Counter {counter} is not serving a ticket."),
    "recall_before_no_show": (
        "Cần gọi lại ít nhất {needed} lần trước khi đánh dấu vắng mặt (đã gọi lại {done}).",
        "Recall at least {needed} time(s) before marking a no-show ({done} so far).",
    ),
    "no_show_too_soon": (
        "Chưa thể đánh dấu vắng mặt: chờ công dân ít nhất {wait_s} giây sau lần gọi gần nhất "
        "(còn {remaining_s} giây).",
        "Too soon for a no-show: wait at least {wait_s} seconds after the latest call "
        "({remaining_s} s left).",
    ),
    "transfer_target_required": ("Hãy chọn một lĩnh vực hoặc một quầy để chuyển.",
                                 "Give either a service or a counter to transfer to."),
    "pause_reason_required": ("Hãy ghi lý do tạm dừng (tối đa 200 ký tự).",
                              "Give a reason for the pause (at most 200 characters)."),
    "counter_busy": ("Quầy {counter} còn đang phục vụ một số; hãy hoàn thành trước.",
                     "Counter {counter} is still serving a ticket; finish it first."),
    "busy_try_again": ("Hệ thống đang bận, xin thử lại.", "The system is busy, please retry."),
    "weak_password": ("Mật khẩu quá yếu: cần ít nhất {minimum} ký tự, không chứa tên đăng nhập.",
                      "Password too weak: at least {minimum} characters, not the username."),
    "invalid_username": ("Tên đăng nhập không hợp lệ.", "Invalid username."),
    "user_exists": ("Tên đăng nhập “{username}” đã tồn tại.",
                    "User “{username}” already exists."),
    "office_required": ("Cán bộ và lãnh đạo phải thuộc một điểm tiếp nhận (--office).",
                        "Staff and managers need an office (--office)."),
    "invalid_device_name": ("Tên thiết bị không hợp lệ.", "Invalid device name."),
    "device_exists": ("Thiết bị “{name}” đã tồn tại.", "Device “{name}” already exists."),
    "unknown_kiosk": ("Không có ki-ốt “{name}”.", "There is no kiosk named “{name}”."),
    "kiosk_only_for_printer": ("Chỉ máy in mới được gắn với ki-ốt.",
                               "Only a printer can be paired with a kiosk."),
    "bad_credentials": ("Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password."),
    "bad_token": ("Mã truy cập không hợp lệ hoặc đã hết hạn.", "Invalid or expired token."),
    "missing_token": ("Cần đăng nhập.", "Authentication required."),
    "forbidden": ("Bạn không có quyền làm việc này.", "You are not allowed to do this."),
    "wrong_office": ("Bạn không thuộc điểm tiếp nhận này.", "You do not belong to this office."),
    "invalid_json": ("Dữ liệu gửi lên không phải JSON hợp lệ.", "The body is not valid JSON."),
    "invalid_field": ("Trường “{field}” không hợp lệ: {reason}.",
                      "Field “{field}” is invalid: {reason}."),
    "unknown_field": ("Trường “{field}” không được hỗ trợ.", "Unknown field “{field}”."),
    "unknown_parameter": ("Không có tham số “{name}”.", "Unknown parameter “{name}”."),
    "invalid_idempotency_key": ("Idempotency-Key không hợp lệ (1–100 ký tự).",
                                "Invalid Idempotency-Key (1 to 100 characters)."),
    "csrf_failed": ("Phiên làm việc không hợp lệ; hãy tải lại trang.",
                    "The page's session token is stale; reload the page."),
    "session_expired": ("Phiên đăng nhập đã hết hạn; hãy đăng nhập lại.",
                        "Your session has expired; please log in again."),
    "not_found": ("Không tìm thấy.", "Not found."),
    "method_not_allowed": ("Phương thức không được hỗ trợ.", "Method not allowed."),
    "body_too_large": ("Dữ liệu gửi lên quá lớn.", "Request body too large."),
    "too_many_requests": ("Quá nhiều yêu cầu, xin thử lại sau.",
                          "Too many requests, try again later."),
    "internal_error": ("Có lỗi trong hệ thống; số đã lấy không bị mất. Xin thử lại.",
                       "Something went wrong on our side; no ticket was lost. Please retry."),
    "voice_unavailable": ("Chưa có giọng đọc thông báo trên máy chủ.",
                          "No announcement voice is available on the server."),
    "unavailable": ("Hệ thống tạm thời không phục vụ được, xin thử lại sau ít phút.",
                    "The service is temporarily unavailable, please retry shortly."),
}

_NEXT_WORKING_DAY = {"vi": "vào ngày làm việc tiếp theo", "en": "on the next working day"}


def pick_language(accept_language: str | None) -> str:
    """Vietnamese unless the client prefers English."""
    if accept_language and accept_language.strip().lower().startswith("en"):
        return "en"
    return "vi"


def message(key: str, language: str = "vi", **params: object) -> str:
    """The message for a key, formatted; unknown keys fall back to the key itself."""
    texts = MESSAGES.get(key)
    if texts is None:
        return key
    text = texts[LANGUAGES.index(language) if language in LANGUAGES else 0]
    rendered = {name: _render(value, language) for name, value in params.items()}
    if "{reopens}" in text:
        rendered["reopens"] = rendered.pop("reopens_at", None) or _NEXT_WORKING_DAY[language]
    try:
        return text.format(**rendered)
    except (KeyError, IndexError):
        return text


def _render(value: object, language: str) -> str:
    if isinstance(value, datetime):
        return when_text(value, language)
    if value is None:
        return _NEXT_WORKING_DAY.get(language, _NEXT_WORKING_DAY["vi"])
    return str(value)


def when_text(moment: datetime, language: str = "vi") -> str:
    """'lúc 07:30 thứ Hai, 30/11/2026' in the moment's own (office) zone."""
    weekday = _WEEKDAYS[language if language in _WEEKDAYS else "vi"][moment.weekday()]
    if language == "en":
        return f"at {moment:%H:%M} on {weekday}, {moment:%d/%m/%Y}"
    return f"lúc {moment:%H:%M} {weekday}, {moment:%d/%m/%Y}"
