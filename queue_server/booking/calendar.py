"""A booking as an "add to calendar" file (iCalendar, RFC 5545, via the icalendar library)."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Alarm, Calendar, Event

from queue_server.models import Booking

PRODUCT_ID = "-//queue-server//booking//VI"


def booking_ics(booking: Booking, *, summary: str, description: str, url: str,
                now: datetime) -> bytes:
    """The booking's .ics: one event at the office, with a reminder an hour before."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"booking-{booking.code}@{booking.office.slug}")
    event.add("dtstamp", now)
    event.add("dtstart", booking.starts_at)
    event.add("dtend", booking.ends_at)
    event.add("summary", summary)
    event.add("description", description)
    office = booking.office
    event.add("location", f"{office.name}, {office.address}" if office.address else office.name)
    if office.location is not None:
        event.add("geo", tuple(office.location))
    event.add("url", url)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", -timedelta(hours=1))
    event.add_component(alarm)
    calendar.add_component(event)
    ics: bytes = calendar.to_ical()
    return ics
