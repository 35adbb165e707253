"""JSON API v1: one blueprint, one module per resource; importing this registers every route."""

from queue_server.api import (
    auth,
    bookings,
    counters,
    feedback,
    inbox,
    kiosk,
    near_turn,
    offices,
    openapi,
    operations,
    printing,
    procedures,
    stats,
    ticket_qr,
    tickets,
    visits,
    voice,
    waits,
)
from queue_server.api.blueprint import api

__all__ = ["api", "auth", "bookings", "counters", "feedback", "inbox", "kiosk", "near_turn",
           "offices", "openapi", "operations", "printing", "procedures", "stats", "ticket_qr",
           "tickets", "visits", "voice", "waits"]
