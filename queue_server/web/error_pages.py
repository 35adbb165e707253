"""HTML error pages for the addresses people open in a browser; the JSON API keeps JSON errors."""

from __future__ import annotations

import logging

from flask import Response, render_template, request

log = logging.getLogger(__name__)

# Vietnamese first, English second; each page shows both (the visitor may not read either).
TEXTS: dict[int, tuple[tuple[str, str], tuple[str, str]]] = {
    404: (("Không tìm thấy trang", "Page not found"),
          ("Địa chỉ này không có trang nào. Xin kiểm tra lại đường dẫn, hoặc bắt đầu từ trang đầu.",
           "There is no page at this address. Check the link, or begin at the start page.")),
    405: (("Không mở được trang theo cách này", "This page cannot be opened this way"),
          ("Trang này không nhận yêu cầu kiểu này. Xin mở lại từ trang đầu.",
           "This page does not take this kind of request. Open it again from the start page.")),
    500: (("Máy chủ gặp lỗi", "The server ran into an error"),
          ("Trang này chưa mở được. Xin thử lại sau ít phút; nếu vẫn lỗi, xin báo cán bộ quản trị.",
           "This page could not be shown. Try again in a few minutes; if it persists, tell the "
           "administrator.")),
    503: (("Hệ thống tạm thời gián đoạn", "The system is briefly unavailable"),
          ("Cơ sở dữ liệu chưa sẵn sàng. Xin thử lại sau ít giây.",
           "The database is not ready. Try again in a few seconds.")),
}
OTHER_TITLE = ("Không thực hiện được yêu cầu", "The request could not be done")
HOME = ("Về trang đầu", "Go to the start page")


def wants_page() -> bool:
    """Whether this request is a browser's for a page (not the API, not a script asking JSON)."""
    if request.path.startswith(("/api/", "/socket.io")):
        return False
    accepted = request.accept_mimetypes
    return accepted["text/html"] >= accepted["application/json"]


def error_page(status: int, _code: str, text: str) -> Response | None:
    """The error as an HTML page when a browser asked for a page; None to answer in JSON."""
    if not wants_page():
        return None
    titles, texts = TEXTS.get(status, (OTHER_TITLE, None))
    try:
        # Otherwise the refusal's own words (in the visitor's language) say what went wrong.
        page = render_template("common.error.html", language="vi", status=status,
                               title=titles, text=texts or (text, ""), home=HOME,
                               show_english=texts is not None)
    except Exception:
        log.exception("error page %s failed", status)
        return None
    response = Response(page, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response
