"""The audit page in people's words: what each logged field is, its values, and the browser a
change came from, Vietnamese first and English second. The CSV export keeps the raw record."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A logged key (a setting, a ticket action's detail) → what a manager calls it.
FIELDS: dict[str, tuple[str, str]] = {
    "name": ("Tên", "Name"),
    "name_en": ("Tên tiếng Anh", "English name"),
    "prefix": ("Tiền tố số", "Number prefix"),
    "start_number": ("Số bắt đầu", "First number"),
    "daily_capacity": ("Số phiếu tối đa mỗi ngày", "Tickets a day at most"),
    "mean_service_s": ("Thời gian phục vụ trung bình", "Mean service time"),
    "target_wait_s": ("Thời gian chờ mục tiêu", "Target wait"),
    "sort_order": ("Thứ tự hiển thị", "Display order"),
    "is_active": ("Đang sử dụng", "In use"),
    "is_closed": ("Tạm đóng", "Closed"),
    "is_revoked": ("Đã thu hồi", "Revoked"),
    "services": ("Lĩnh vực phục vụ", "Services served"),
    "full_name": ("Họ và tên", "Full name"),
    "role": ("Vai trò", "Role"),
    "office_id": ("Điểm tiếp nhận", "Office"),
    "kind": ("Loại thiết bị", "Device kind"),
    "kiosk": ("Ki-ốt đi kèm", "Paired kiosk"),
    "timezone": ("Múi giờ", "Time zone"),
    "opening_hours": ("Giờ làm việc", "Opening hours"),
    "holidays": ("Ngày nghỉ", "Holidays"),
    "priority_mode": ("Cách gọi số ưu tiên", "Priority order"),
    "ordinary_per_priority": ("Số thường giữa hai số ưu tiên", "Ordinary between priority"),
    "min_recalls_before_no_show": ("Số lần gọi lại trước khi vắng mặt",
                                   "Recalls before a no-show"),
    "min_seconds_before_no_show": ("Số giây chờ trước khi vắng mặt",
                                   "Seconds before a no-show"),
    "notice": ("Dòng thông báo", "Notice"),
    "ticket_header": ("Dòng đầu phiếu", "Ticket header"),
    "ticket_footer": ("Dòng cuối phiếu", "Ticket footer"),
    "number_reading": ("Cách đọc số", "Number reading"),
    "number_region": ("Giọng đọc", "Accent"),
    "near_threshold": ("Báo sắp đến lượt khi còn", "Near-turn alert at"),
    "phone_retention_hours": ("Giữ số điện thoại (giờ)", "Phone numbers kept (hours)"),
    "feedback_target_days": ("Hạn xử lý góp ý (ngày làm việc)", "Feedback handling (work days)"),
    "present": ("Có trong tệp cấu hình", "Listed in the office file"),
    "position": ("Vị trí trong tệp", "Place in the file"),
    "number": ("Số quầy", "Counter number"),
    "code": ("Mã", "Code"),
    # ticket and counter actions
    "by_call_next": ("Khi gọi số tiếp theo", "By calling the next"),
    "recall_count": ("Số lần gọi lại", "Recalls"),
    "channel": ("Lấy số tại", "Issued at"),
    "priority": ("Ưu tiên", "Priority"),
    "service": ("Lĩnh vực", "Service"),
    "to_service": ("Chuyển sang lĩnh vực", "To service"),
    "to_counter": ("Chuyển sang quầy", "To counter"),
    "reason": ("Lý do", "Reason"),
    "print": ("Bản in", "Print"),
}

# The parts of an office file key, "service.dat-dai.prefix".
ITEMS: dict[str, tuple[str, str]] = {
    "office": ("Điểm tiếp nhận", "Office"), "service": ("Lĩnh vực", "Service"),
    "counter": ("Quầy", "Counter"), "priority": ("Đối tượng ưu tiên", "Priority category"),
}

# "field=value" (or "=value" for any field) → the value in words.
VALUES: dict[str, tuple[str, str]] = {
    "=True": ("có", "yes"), "=False": ("không", "no"), "=None": ("—", "—"),
    "role=staff": ("Cán bộ", "Staff"), "role=manager": ("Lãnh đạo", "Manager"),
    "role=admin": ("Quản trị", "Administrator"),
    "kind=kiosk": ("Ki-ốt", "Kiosk"), "kind=display": ("Màn hình chờ", "Display"),
    "kind=printer": ("Máy in", "Printer"), "kind=rating": ("Máy đánh giá", "Rating tablet"),
    "priority_mode=strict": ("Luôn gọi số ưu tiên trước", "Priority always first"),
    "priority_mode=interleaved": ("Xen kẽ với số thường", "Interleaved"),
    "number_reading=numeral": ("Đọc cả số", "As a numeral"),
    "number_reading=digits": ("Đọc từng chữ số", "Digit by digit"),
    "number_region=north": ("Miền Bắc", "Northern"),
    "number_region=south": ("Miền Nam", "Southern"),
    "channel=kiosk": ("Ki-ốt", "Kiosk"), "channel=counter": ("Quầy", "Counter"),
    "channel=api": ("Phần mềm khác", "Another program"),
    "print=pending": ("đang chờ in", "waiting"), "print=sent": ("đã gửi máy in", "sent"),
    "print=printed": ("đã in", "printed"), "print=failed": ("in lỗi", "failed"),
    "reason=end_of_day": ("Hết ngày làm việc", "End of the day"),
}
_SECONDS_AS_MINUTES = {"mean_service_s", "target_wait_s"}
_MINUTES = ("{} phút", "{} min")


@dataclass(frozen=True)
class AuditWords:
    """Words for one page: its language, and the names of services, offices and priorities."""

    language: str
    services: dict[str, str]
    priorities: dict[str, str]
    offices: dict[int, str]

    def _pick(self, pair: tuple[str, str]) -> str:
        return pair[0] if self.language == "vi" else pair[1]

    def field(self, key: str) -> str:
        """A logged key's name; an office file key names its item too."""
        parts = key.split(".")
        if len(parts) == 3 and parts[0] in ITEMS:
            item, code, name = parts
            shown = self.services.get(code) if item == "service" else None
            return f"{self._pick(ITEMS[item])} {shown or code} · {self.field(name)}"
        if len(parts) == 2 and parts[0] in ITEMS:
            return self.field(parts[1])
        return self._pick(FIELDS[key]) if key in FIELDS else key.replace("_", " ")

    def value(self, key: str, value: object) -> str:
        """A logged value in words: yes/no, names for codes, lists joined, minutes."""
        name = key.rsplit(".", 1)[-1]
        if isinstance(value, list | tuple):
            return ", ".join(self.value(name, item) for item in value) or "—"
        if isinstance(value, bool) or value is None:
            return self._pick(VALUES[f"={value}"])
        if name in _SECONDS_AS_MINUTES and isinstance(value, int | float):
            return self._pick(_MINUTES).format(f"{value / 60:g}".replace(".", ","))
        if name == "office_id" and isinstance(value, int):
            return self.offices.get(value, str(value))
        if name in ("services", "service", "to_service") and isinstance(value, str):
            return self.services.get(value, value)
        if name == "priority" and isinstance(value, str):
            return self.priorities.get(value, value)
        words = VALUES.get(f"{name}={value}")
        return self._pick(words) if words else str(value)


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("coc_coc_browser/", "Cốc Cốc"),
             ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Version/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
            ("Windows", "Windows"), ("CrOS", "ChromeOS"), ("Mac OS X", "macOS"),
            ("Linux", "Linux"))


def browser_name(agent: str, language: str) -> str:
    """"Chrome 120 · Windows" for a browser's identification string; other text as it is."""
    if not agent.startswith("Mozilla/"):
        return agent  # a command (queue-server … @ host) or a program names itself plainly
    name = next(((label, marker) for marker, label in _BROWSERS if marker in agent), None)
    system = next((label for marker, label in _SYSTEMS if marker in agent), "")
    if name is None:
        return system or ("Trình duyệt" if language == "vi" else "Browser")
    label, marker = name
    version = re.search(re.escape(marker) + r"(\d+)", agent)
    shown = f"{label} {version.group(1)}" if version else label
    return f"{shown} · {system}" if system else shown
