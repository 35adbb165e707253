"""The counter officer's console: choose a counter, then call, recall, finish, transfer, pause."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask import session as browser_session
from sqlalchemy import select

from queue_server.api.common import db
from queue_server.models import Counter, Office, Role
from queue_server.security.tokens import Principal
from queue_server.tickets.lifecycle import current_ticket
from queue_server.tickets.queue_state import find_counter_by_number, find_office
from queue_server.web.login import (
    SESSION_USERNAME,
    csrf_token,
    logged_in_user,
    login_redirect,
    page_language,
    secure_headers,
    texts,
)

blueprint = Blueprint("counter", __name__, template_folder="templates")
blueprint.after_request(secure_headers)

# Keys the console answers to; the buttons show them. Function keys for the frequent actions
# (and Enter for Call next), letters for the ones that open a dialog first.
SHORTCUTS = {"call_next": "F1", "recall": "F2", "finish": "F3", "no_show": "F4",
             "transfer": "C", "call_number": "S", "pause": "T"}

TEXTS: dict[str, tuple[str, str]] = {
    "console": ("Bàn làm việc quầy", "Counter console"),
    "choose_counter": ("Chọn quầy làm việc", "Choose your counter"),
    "choose_office": ("Chọn điểm tiếp nhận", "Choose an office"),
    "no_counters": ("Điểm tiếp nhận này chưa có quầy nào.", "This office has no counters yet."),
    "serving_now": ("Đang phục vụ", "Serving"),
    "paused_short": ("Tạm dừng", "Paused"),
    "idle": ("Đang trống", "Idle"),
    "forbidden_title": ("Không có quyền", "Not allowed"),
    "forbidden": ("Tài khoản của bạn không làm việc tại điểm tiếp nhận này.",
                  "Your account does not work at this office."),
    "not_found_title": ("Không tìm thấy", "Not found"),
    "unknown_office": ("Không có điểm tiếp nhận này.", "There is no such office."),
    "unknown_counter": ("Không có quầy này.", "There is no such counter."),
    "logout": ("Đăng xuất", "Log out"),
    "switch": ("English", "Tiếng Việt"),
    "other_counter": ("Đổi quầy", "Change counter"),
    "connecting": ("Đang kết nối…", "Connecting…"),
    "online": ("Đã kết nối", "Connected"),
    "offline": ("Mất kết nối – đang kết nối lại…", "Connection lost – reconnecting…"),
    "offline_banner": ("Mất kết nối với máy chủ. Danh sách chờ có thể chưa cập nhật; các nút "
                       "vẫn hoạt động khi mạng trở lại.",
                       "Lost the connection to the server. The waiting list may be out of date; "
                       "the buttons work again once the network is back."),
    "current": ("Số đang phục vụ", "Now serving"),
    "no_current": ("Chưa gọi số nào", "No ticket called"),
    "no_current_hint": ("Bấm “Gọi số tiếp theo” để mời công dân tiếp theo.",
                        "Press “Call next” to invite the next citizen."),
    "priority": ("Ưu tiên", "Priority"),
    "transferred": ("Được chuyển đến", "Transferred"),
    "recalls": ("Đã gọi lại", "Recalled"),
    "times": ("lần", "time(s)"),
    "elapsed": ("Thời gian phục vụ", "Serving for"),
    "call_next": ("Gọi số tiếp theo", "Call next"),
    "recall": ("Gọi lại", "Recall"),
    "finish": ("Hoàn thành", "Finish"),
    "no_show": ("Vắng mặt", "No-show"),
    "transfer": ("Chuyển", "Transfer"),
    "call_number": ("Gọi số cụ thể", "Call a number"),
    "pause": ("Tạm dừng", "Pause"),
    "resume": ("Tiếp tục", "Resume"),
    "no_show_needs": ("Vắng mặt: cần gọi lại ít nhất {needed} lần (đã gọi lại {done}).",
                      "No-show: recall at least {needed} time(s) first ({done} so far)."),
    "no_show_hint": ("Cần gọi lại ít nhất {needed} lần (đã gọi lại {done})",
                     "Recall at least {needed} time(s) first ({done} so far)"),
    "no_show_wait": ("Vắng mặt: chờ công dân thêm {seconds} giây sau lần gọi gần nhất.",
                     "No-show: give the citizen {seconds} more seconds after the latest call."),
    "no_show_wait_hint": ("Chờ thêm {seconds} giây", "{seconds} s more"),
    "call_next_hint": ("Số {number} sẽ được ghi là hoàn thành",
                       "{number} will be recorded as finished"),
    "paused_card": ("Quầy đang tạm dừng", "The counter is paused"),
    "no_show_confirm": ("Đánh dấu số {number} vắng mặt?", "Mark ticket {number} as absent?"),
    "no_show_confirm_hint": ("Số này sẽ không được gọi nữa.",
                             "This ticket will not be called again."),
    "confirm_no_show": ("Xác nhận vắng mặt", "Confirm no-show"),
    "cancel": ("Quay lại", "Back"),
    "transfer_title": ("Chuyển số {number}", "Transfer ticket {number}"),
    "transfer_hint": ("Công dân giữ nguyên số và được gọi trước các số thường ở nơi nhận.",
                      "The citizen keeps the number and goes ahead of ordinary tickets there."),
    "to_service": ("Sang lĩnh vực", "To a service"),
    "to_counter": ("Sang quầy", "To a counter"),
    "call_number_title": ("Gọi một số cụ thể", "Call a specific number"),
    "number_label": ("Số thứ tự", "Ticket number"),
    "call_this": ("Gọi số này", "Call this number"),
    "waiting_numbers": ("Các số đang chờ", "Waiting numbers"),
    "pause_title": ("Tạm dừng quầy", "Pause the counter"),
    "pause_reason": ("Lý do", "Reason"),
    "pause_detail": ("Ghi chú (không bắt buộc)", "Note (optional)"),
    "pause_break": ("Nghỉ giải lao", "Break"),
    "pause_meeting": ("Họp", "Meeting"),
    "pause_other": ("Việc khác", "Other"),
    "paused_banner": ("Quầy đang tạm dừng: {reason} (từ {since}).",
                      "The counter is paused: {reason} (since {since})."),
    "paused_hint": ("Bấm “Tiếp tục” hoặc “Gọi số tiếp theo” để mở lại.",
                    "Press “Resume” or “Call next” to open again."),
    "busy_pause": ("Hãy hoàn thành hoặc chuyển số đang phục vụ trước khi tạm dừng.",
                   "Finish or transfer the current ticket before pausing."),
    "need_current": ("Quầy chưa có số đang phục vụ.", "The counter is not serving a ticket."),
    "waiting": ("Đang chờ", "Waiting"),
    "waiting_empty": ("Không có ai đang chờ.", "Nobody is waiting."),
    "waited": ("chờ {minutes} phút", "{minutes} min"),
    "waited_now": ("vừa lấy số", "just now"),
    "nothing_waiting": ("Không còn ai chờ.", "Nobody is waiting."),
    "called": ("Đã gọi số {number}.", "Called {number}."),
    "recalled": ("Đã gọi lại số {number} (lần {count}).", "Recalled {number} (time {count})."),
    "finished": ("Đã hoàn thành số {number}.", "Finished {number}."),
    "marked_no_show": ("Số {number}: vắng mặt.", "{number}: no-show."),
    "transferred_to": ("Đã chuyển số {number} sang {target}.", "Transferred {number} to {target}."),
    "paused": ("Quầy đã tạm dừng.", "The counter is paused."),
    "resumed": ("Quầy đã mở lại.", "The counter is open again."),
    "network_error": ("Không gửi được yêu cầu. Kiểm tra mạng rồi bấm lại.",
                      "The request did not go through. Check the network and press again."),
    "session_changed": ("Phiên làm việc đã thay đổi; trang sẽ tự tải lại.",
                        "Your session changed; the page will reload."),
    "session_expired": ("Phiên đăng nhập đã hết hạn; đang chuyển sang trang đăng nhập.",
                        "Your login has expired; going to the login page."),
    "server_error": ("Máy chủ báo lỗi. Xin thử lại.", "The server reported an error. Retry."),
    "counter_label": ("Quầy {number}", "Counter {number}"),
}


def _officer_of(office: Office) -> Principal | None:
    """The logged-in user if they may work at this office's counters (same rule as the API)."""
    user = logged_in_user()
    if user is None or not user.is_user:
        return None
    return user if user.role is Role.ADMIN or user.office_id == office.id else None


def _error_page(title_key: str, text_key: str, status: int):  # noqa: ANN202
    language = page_language()
    t = texts(TEXTS, language)
    return render_template("counter.error.html", t=t, language=language, title=t[title_key],
                           text=t[text_key], csrf_token=csrf_token()), status


def _checked_office(slug: str):  # noqa: ANN202
    """(office, None) when the visitor may use it, else (None, the response to send)."""
    if logged_in_user() is None:
        return None, login_redirect()
    office = find_office(db(), slug)
    if office is None:
        return None, _error_page("not_found_title", "unknown_office", 404)
    if _officer_of(office) is None:
        return None, _error_page("forbidden_title", "forbidden", 403)
    return office, None


@blueprint.get("/counter")
def choose_office():  # noqa: ANN201
    """Officers go to their office; an admin picks one."""
    user = logged_in_user()
    if user is None:
        return login_redirect()
    home = db().get(Office, user.office_id) if user.office_id is not None else None
    if home is not None and home.is_active:
        return redirect(url_for("counter.choose_counter", slug=home.slug))
    if user.role is not Role.ADMIN:
        return _error_page("forbidden_title", "forbidden", 403)
    offices = db().scalars(select(Office).where(Office.is_active).order_by(Office.name)).all()
    language = page_language()
    return render_template("counter.offices.html", t=texts(TEXTS, language), language=language,
                           offices=offices, csrf_token=csrf_token())


@blueprint.get("/counter/<slug>")
def choose_counter(slug: str):  # noqa: ANN201
    """The office's counters, with what each is doing now."""
    office, refusal = _checked_office(slug)
    if refusal is not None:
        return refusal
    counters = db().scalars(select(Counter).where(
        Counter.office_id == office.id, Counter.is_active).order_by(Counter.number)).all()
    rows = [{"counter": counter, "current": current_ticket(db(), counter),
             "services": ", ".join(s.name for s in counter.services if s.is_active)}
            for counter in counters]
    language = page_language()
    return render_template("counter.choose.html", t=texts(TEXTS, language), language=language,
                           office=office, rows=rows, csrf_token=csrf_token(),
                           username=browser_session.get(SESSION_USERNAME, ""))


@blueprint.get("/counter/<slug>/<int:number>")
def console(slug: str, number: int):  # noqa: ANN201
    """The console; everything after the first paint comes over HTTP and Socket.IO."""
    office, refusal = _checked_office(slug)
    if refusal is not None:
        return refusal
    counter = find_counter_by_number(db(), office, number)
    if counter is None:
        return _error_page("not_found_title", "unknown_counter", 404)
    language = page_language()
    t = texts(TEXTS, language)
    return render_template("counter.html", t=t, language=language, office=office,
                           counter=counter, shortcuts=SHORTCUTS, csrf_token=csrf_token(),
                           username=browser_session.get(SESSION_USERNAME, ""),
                           config=_console_config(office, counter, language, t))


def _console_config(office: Office, counter: Counter, language: str, t: dict) -> dict:
    """What the script needs besides the live snapshot: names, URLs, strings."""
    return {
        "office": office.slug, "counter": counter.number, "language": language,
        "api": f"/api/v1/offices/{office.slug}/counters/{counter.number}",
        "login": url_for("login.login_page", next=f"/counter/{office.slug}/{counter.number}"),
        "services": [{"code": s.code, "name": s.name} for s in office.services if s.is_active],
        "counters": [{"number": c.number, "name": c.name} for c in office.counters
                     if c.is_active and c.id != counter.id],
        "priorities": {p.code: p.name for p in office.priorities if p.is_active},
        "pause_reasons": [t["pause_break"], t["pause_meeting"], t["pause_other"]],
        "keys": SHORTCUTS,
        "texts": t,
    }
