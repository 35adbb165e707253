"""The start page at /: where each office's screens are, for the staff who set up a desk."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from sqlalchemy import select

from queue_server.core.request_context import db
from queue_server.models import Office
from queue_server.web.login import page_language, secure_headers, texts

blueprint = Blueprint("start", __name__, template_folder="templates")
blueprint.after_request(secure_headers)

TEXTS: dict[str, tuple[str, str]] = {
    "product": ("Hệ thống xếp hàng", "Queue system"),
    "title": ("Các màn hình của điểm tiếp nhận", "The screens of each office"),
    "intro": ("Trang dành cho cán bộ lắp đặt: mở mỗi màn hình trên thiết bị của nó.",
              "For the staff setting up a desk: open each screen on its own device."),
    "switch": ("English", "Tiếng Việt"),
    "kiosk": ("Ki-ốt lấy số", "Ticket kiosk"),
    "kiosk_note": ("cần mã thiết bị một lần (Quản trị → Thiết bị)",
                   "needs its device token once (Administration → Devices)"),
    "display": ("Màn hình phòng chờ", "Waiting-room display"),
    "counter": ("Quầy (cán bộ)", "Counter console (officers)"),
    "dashboard": ("Theo dõi và báo cáo (lãnh đạo)", "Dashboard and reports (managers)"),
    "admin": ("Quản trị", "Administration"),
    "admin_note": ("văn phòng, lĩnh vực, quầy, tài khoản, thiết bị",
                   "offices, services, counters, accounts, devices"),
    "login": ("Đăng nhập", "Log in"),
    "no_offices": ("Chưa có điểm tiếp nhận nào. Tạo trong trang Quản trị hoặc bằng lệnh "
                   "“queue-server init”.",
                   "No office yet. Create one in Administration or with “queue-server init”."),
}


@blueprint.get("/")
def start_page():
    """Links to every office's screens (public: the same offices the API lists)."""
    language = page_language()
    offices = db().scalars(select(Office).where(Office.is_active).order_by(Office.name)).all()
    other = "en" if language == "vi" else "vi"
    return render_template("start.html", t=texts(TEXTS, language), language=language,
                           offices=offices, switch_url=url_for("start.start_page", lang=other))
