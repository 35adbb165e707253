"""/admin/offices/<office>/bookings: a day's bookings with the figures per slot, and closing a
day to bookings (each booking of it cancelled, with a message to its phone)."""

from __future__ import annotations

from datetime import date

from flask import redirect, request, url_for

from queue_server.booking.days import bookings_of_day, close_day, figures_of_day, waits_of_day
from queue_server.core.clock import local_day, local_time
from queue_server.core.request_context import db, now
from queue_server.models import AdminAction, AdminObject, Office
from queue_server.notify.booking_messages import booking_data
from queue_server.realtime import citizen_messages
from queue_server.setup import audit_log
from queue_server.web.admin.pages import Visitor, admin_page, blueprint, render


def _asked_day(office: Office) -> date:
    try:
        return date.fromisoformat(request.values.get("day", ""))
    except ValueError:
        return local_day(now(), office.timezone)


@blueprint.get("/admin/offices/<slug>/bookings")
@admin_page()
def bookings(visitor: Visitor, office: Office):
    """The day's bookings (today unless asked), by time, with the figures per slot."""
    day = _asked_day(office)
    listed = bookings_of_day(db(), office, day)
    return render("admin.bookings.html", visitor, office=office, section="bookings", day=day,
                  listed=listed, figures=figures_of_day(listed),
                  is_closed=day.isoformat() in office.holidays,
                  waits=waits_of_day(db(), office, day),
                  clock=lambda moment: local_time(moment, office.timezone).strftime("%H:%M"))


@blueprint.post("/admin/offices/<slug>/bookings/close-day")
@admin_page()
def close_booking_day(visitor: Visitor, office: Office):
    """Close the day: a holiday for the office, its bookings cancelled, each told so."""
    day = _asked_day(office)
    holidays_before = list(office.holidays)
    cancelled = close_day(db(), office, day, now=now())
    # Logged as the holiday it is, the same field an edit of the office's days changes.
    audit_log.record(db(), visitor.changer, now=now(), office_id=office.id,
                     action=AdminAction.UPDATED, kind=AdminObject.OFFICE, key=office.slug,
                     changes=audit_log.diff({"holidays": holidays_before},
                                            {"holidays": list(office.holidays)}))
    db().commit()
    citizen_messages.booking_messages_after_commit(
        [booking.id for booking in cancelled], "booking_cancelled", booking_data,
        "booking_cancelled")
    return redirect(url_for("admin.bookings", slug=office.slug, day=day.isoformat(),
                            done="saved"))
