"""The printed slip of a ticket: formatted and translated text, as printer.Slip expects it."""

from __future__ import annotations

from datetime import datetime

from printer.slip import ChecklistSlip, Slip
from queue_server.core.clock import local_time
from queue_server.core.i18n import text as catalogue_text
from queue_server.models import Procedure, Ticket, TicketStatus
from queue_server.tickets.forecast import Forecast


def text(key: str, language: str = "vi", **params: object) -> str:
    """One slip text in the language (Vietnamese unless English is asked for)."""
    return catalogue_text("slip", key, language, **params)


def kiosk_text(key: str, language: str = "vi", **params: object) -> str:
    """One of the kiosk's texts: the slip prints what the kiosk's screen shows."""
    return catalogue_text("kiosk", key, language, **params)


def labelled(label_key: str, value: str, language: str) -> str:
    """"Thời gian chờ dự kiến: khoảng 10 phút": a kiosk label and its value on one line."""
    return text("line", language, label=kiosk_text(label_key, language), value=value)


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
        ahead_line=ahead_line(forecast.ahead if forecast else 0, language),
        wait_line=wait_line(ticket, forecast, language),
        issued_line=labelled("issuedAt", f"{issued:%H:%M %d/%m/%Y}", language),
        qr_payload=track_url,
        footer=office.ticket_footer,
        qr_caption=kiosk_text("qrCaption", language),
        priority_line=priority_line(ticket, language),
        procedure_line=(text("procedure", language, name=ticket.procedure.name)
                        if ticket.procedure else ""),
    )


def build_checklist_slip(procedure: Procedure, page_url: str, *, now: datetime,
                         language: str = "vi") -> ChecklistSlip:
    """A procedure's documents to bring, its time, fees and counters, and a QR to its page."""
    office = procedure.office
    numbers = sorted(c.number for c in procedure.service.counters if c.is_active)
    notes = [text("checklistTime", language, value=procedure.processing_time)
             if procedure.processing_time else "",
             text("checklistFees", language, value=procedure.fees) if procedure.fees else "",
             text("checklistCounters", language, numbers=", ".join(str(n) for n in numbers))
             if numbers else ""]
    return ChecklistSlip(
        office_name=office.ticket_header or office.name,
        heading=text("checklistHeading", language),
        title=procedure.name,
        code_line=text("checklistCode", language, code=procedure.code),
        items=tuple(procedure.documents) or (text("checklistNoDocuments", language),),
        notes=tuple(note for note in notes if note),
        printed_line=text("checklistPrinted", language,
                          time=f"{local_time(now, office.timezone):%H:%M %d/%m/%Y}"),
        qr_payload=page_url,
        qr_caption=text("checklistQrCaption", language),
        footer=text("checklistFooter", language),
    )


def build_missing_slip(ticket: Ticket, page_url: str, *, now: datetime,
                       language: str = "vi") -> ChecklistSlip:
    """The checklist slip of a visit sent back for completion: what is missing comes first,
    under its own heading; the ticket's number, dossier codes and counter below."""
    procedure = ticket.procedure
    assert procedure is not None  # only a ticket with missing documents gets one
    office = ticket.office
    dossiers = [dossier.normalised for dossier in ticket.dossiers] if ticket.dossier_code else []
    notes = [text("missingNumber", language, number=ticket.number),
             text("missingDossiers", language, codes=", ".join(dossiers)) if dossiers else "",
             text("missingCounter", language, number=ticket.counter.number)
             if ticket.counter is not None else ""]
    return ChecklistSlip(
        office_name=office.ticket_header or office.name,
        heading=text("missingHeading", language),
        title=procedure.name,
        code_line=text("checklistCode", language, code=procedure.code),
        items=tuple(ticket.missing_documents or ()),
        notes=tuple(note for note in notes if note),
        printed_line=text("checklistPrinted", language,
                          time=f"{local_time(now, office.timezone):%H:%M %d/%m/%Y}"),
        qr_payload=page_url,
        qr_caption=text("checklistQrCaption", language),
        footer=text("missingFooter", language),
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


def priority_line(ticket: Ticket, language: str = "vi") -> str:
    """"Ưu tiên: Người cao tuổi" as the kiosk shows it; empty for an ordinary ticket."""
    if ticket.priority is None:
        return ""
    return kiosk_text("priorityChosen", language, name=ticket.priority.name)


def ahead_line(ahead: int, language: str = "vi") -> str:
    """How many wait before, in the kiosk's words ("Không có ai" for nobody)."""
    count = (kiosk_text("aheadCount", language, count=ahead) if ahead
             else kiosk_text("aheadNobody", language))
    return labelled("ahead", count, language)


def wait_line(ticket: Ticket, forecast: Forecast | None, language: str = "vi") -> str:
    """The estimated wait as the kiosk words it: nearest minute, "Sắp đến lượt" under one."""
    if forecast is None:
        if ticket.status is TicketStatus.CALLED:
            return text("your_turn", language)
        return labelled("wait", kiosk_text("soon", language), language)
    if forecast.estimated_wait_s is None:
        return ""  # no counter serves it now: promise nothing
    return labelled("wait", wait_text(forecast.estimated_wait_s, language), language)


def wait_text(seconds: int, language: str = "vi") -> str:
    """"khoảng 1 giờ 10 phút", "Sắp đến lượt" under a minute: the kiosk's waitText."""
    if seconds < 60:
        return kiosk_text("soon", language)
    # Half a minute rounds up, as the kiosk's Math.round does.
    minutes = (seconds + 30) // 60
    if minutes < 60:
        span = kiosk_text("minutes", language, count=minutes)
    elif minutes % 60:
        span = kiosk_text("hoursMinutes", language, hours=minutes // 60, minutes=minutes % 60)
    else:
        span = kiosk_text("hours", language, hours=minutes // 60)
    return kiosk_text("waitEstimate", language, span=span)
