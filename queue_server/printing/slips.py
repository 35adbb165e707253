"""The printed slip of a ticket: formatted and translated text, as printer.Slip expects it."""

from __future__ import annotations

from printer.slip import Slip
from queue_server.core.clock import local_time
from queue_server.models import Ticket, TicketStatus
from queue_server.tickets.forecast import Forecast

# Vietnamese first, English second, like the message catalog.
TEXTS: dict[str, tuple[str, str]] = {
    "heading": ("SỐ THỨ TỰ", "YOUR NUMBER"),
    "counters": ("Quầy {numbers}", "Counter {numbers}"),
    "ahead": ("Số người đang chờ trước bạn: {ahead}", "People waiting before you: {ahead}"),
    "wait_minutes": ("Thời gian chờ dự kiến: khoảng {minutes} phút",
                     "Estimated wait: about {minutes} min"),
    "wait_hours": ("Thời gian chờ dự kiến: khoảng {hours} giờ {minutes} phút",
                   "Estimated wait: about {hours} h {minutes} min"),
    "wait_whole_hours": ("Thời gian chờ dự kiến: khoảng {hours} giờ",
                         "Estimated wait: about {hours} h"),
    "wait_under_a_minute": ("Thời gian chờ dự kiến: dưới 1 phút",
                            "Estimated wait: under a minute"),
    "your_turn": ("Đã đến lượt của bạn", "It is your turn"),
    "issued": ("Giờ lấy số: {moment}", "Issued: {moment}"),
    "qr_caption": ("Quét mã QR để theo dõi lượt của bạn", "Scan the QR code to follow your turn"),
}
LANGUAGES = ("vi", "en")


def text(key: str, language: str = "vi", **params: object) -> str:
    """One slip text in the language (Vietnamese unless English is asked for)."""
    return TEXTS[key][1 if language == "en" else 0].format(**params)


def build_slip(ticket: Ticket, forecast: Forecast | None, track_url: str, *,
               language: str = "vi") -> Slip:
    """The slip for a ticket; forecast None means it is not waiting (a reprint once called)."""
    office = ticket.office
    issued = local_time(ticket.issued_at, office.timezone)
    return Slip(
        office_name=office.ticket_header or office.name,
        heading=text("heading", language),
        number=ticket.number,
        service=ticket.service.name,
        counters=counters_line(ticket, language),
        ahead_line=text("ahead", language, ahead=forecast.ahead if forecast else 0),
        wait_line=wait_line(ticket, forecast, language),
        issued_line=text("issued", language, moment=f"{issued:%d/%m/%Y %H:%M}"),
        qr_payload=track_url,
        footer=office.ticket_footer,
        qr_caption=text("qr_caption", language),
    )


def counters_line(ticket: Ticket, language: str = "vi") -> str:
    """"Quầy 1, 2": the counter it was called to, else every active one serving it."""
    if ticket.status is TicketStatus.CALLED and ticket.counter is not None:
        numbers = [ticket.counter.number]
    else:
        numbers = sorted(c.number for c in ticket.service.counters if c.is_active)
    if not numbers:
        return ""
    return text("counters", language, numbers=", ".join(str(number) for number in numbers))


def wait_line(ticket: Ticket, forecast: Forecast | None, language: str = "vi") -> str:
    """The estimated wait in whole minutes, rounded up; empty when there is no estimate."""
    if forecast is None:
        if ticket.status is TicketStatus.CALLED:
            return text("your_turn", language)
        return text("wait_under_a_minute", language)
    if forecast.estimated_wait_s is None:
        return ""  # no counter serves it now: promise nothing
    minutes = -(-forecast.estimated_wait_s // 60)
    if minutes < 1:
        return text("wait_under_a_minute", language)
    if minutes < 60:
        return text("wait_minutes", language, minutes=minutes)
    hours, minutes = divmod(minutes, 60)
    if minutes == 0:
        return text("wait_whole_hours", language, hours=hours)
    return text("wait_hours", language, hours=hours, minutes=minutes)
