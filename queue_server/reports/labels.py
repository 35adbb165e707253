"""Names shown in reports and exports for codes stored in the database, Vietnamese first."""

from __future__ import annotations

from queue_server.core.i18n import lookup


def _names(context: str, codes: tuple) -> dict:
    """{code: (Vietnamese, English)} from the catalogue's entries under one msgctxt."""
    return {code: (lookup(str(code), "vi", context), lookup(str(code), "en", context))
            for code in codes}


# The same words as the citizen's rating form (web/citizen/static/strings.js).
REASONS = _names("reason", ("officer_attitude", "waiting_time", "procedure_unclear",
                            "asked_to_come_back", "facilities", "other"))
RATINGS = _names("rating", (5, 4, 3, 2, 1))
VISITS = _names("visit", ("first", "second", "three_or_more"))
STATUSES = _names("status", ("waiting", "called", "done", "no_show", "cancelled"))
CHANNELS = _names("channel", ("kiosk", "counter", "api"))


def vi(table: dict, code: object) -> str:
    """The Vietnamese name of a code ('' for None, the code itself when unknown)."""
    if code is None:
        return ""
    return table.get(code, (str(code),))[0]


def both(table: dict) -> dict:
    """{code: {"vi": …, "en": …}} for a page script."""
    return {str(code): {"vi": names[0], "en": names[1]} for code, names in table.items()}


# How each figure is computed, for the definitions sheet of exports and the dashboard.
DEFINITIONS = (
    ("Số phiếu cấp / Issued",
     "Mọi phiếu lấy trong các ngày của kỳ (theo ngày địa phương).",
     "Every ticket of the period's local days."),
    ("Đã phục vụ / Served", "Phiếu được hoàn thành.", "Finished tickets."),
    ("Vắng mặt / No-show", "Phiếu bị đánh dấu vắng mặt.", "Tickets marked absent."),
    ("Thời gian chờ / Wait",
     "Giờ gọi lần đầu − giờ lấy số, cho mọi phiếu đã được gọi (kể cả vắng mặt).",
     "First call − issue, for every called ticket (no-shows included)."),
    ("Thời gian phục vụ / Service",
     "Giờ hoàn thành − giờ của lần gọi đưa công dân đến quầy (lần gọi hoặc gọi lại cuối), "
     "cho phiếu đã phục vụ.",
     "Finish − the call that brought the citizen (the last call or recall), for served "
     "tickets."),
    ("Trung vị, P90 / Median, p90",
     "Tính chính xác theo hạng gần nhất trên mọi phiếu của kỳ: P là giá trị nhỏ nhất mà ít "
     "nhất P% số phiếu không vượt quá; trung vị của số chẵn phiếu là giá trị giữa nhỏ hơn.",
     "Exact, by nearest rank over the period's tickets: p is the smallest value with at least "
     "p% of the values at or below it; the median of an even count is the lower middle value."),
    ("Chờ quá mục tiêu / Over target",
     "Phiếu đã gọi có thời gian chờ vượt mục tiêu của lĩnh vực đã lấy số.",
     "Called tickets whose wait exceeded the target of the service they were issued for."),
    ("% hài lòng / Satisfied share",
     "(Hài lòng + Rất hài lòng) ÷ mọi đánh giá của các phiếu trong kỳ. Đây là chỉ số tại "
     "quầy, không phải SIPAS.",
     "(Satisfied + Very satisfied) ÷ all ratings of the period's tickets. A counter proxy, "
     "not SIPAS."),
    ("Đi lại nhiều lần / Repeat visits",
     "Theo câu trả lời “đến lần thứ mấy” khi đánh giá, và theo mã hồ sơ đã có trên một phiếu "
     "trước đó của điểm tiếp nhận.",
     "From the ratings' “how many times” answer, and tickets whose dossier code was already "
     "on an earlier ticket of the office."),
    ("Quầy, cán bộ / Counter, officer",
     "Phiếu thuộc quầy và cán bộ đã gọi nó lần cuối (người phục vụ hoặc đánh dấu vắng mặt); "
     "lĩnh vực là lĩnh vực đã lấy số.",
     "A ticket belongs to the counter and officer that last called it; its service is the one "
     "it was issued for."),
    ("Hộp thư phản hồi / Feedback inbox",
     "Đánh giá từ mức Bình thường trở xuống và mọi góp ý; đúng hạn khi đóng trong số ngày làm "
     "việc mục tiêu (thứ Hai–thứ Sáu, trừ ngày nghỉ của điểm tiếp nhận).",
     "Ratings of 3 or less and every comment; on time when closed within the target working "
     "days (Monday to Friday minus the office's holidays)."),
    ("Giờ / Times",
     "Mọi giờ là giờ địa phương của điểm tiếp nhận (Asia/Ho_Chi_Minh), không phải UTC.",
     "Every time is the office's local time (Asia/Ho_Chi_Minh), never UTC."),
)
