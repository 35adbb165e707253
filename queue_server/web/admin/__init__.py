"""/admin: offices, services, counters, priorities, accounts, devices, the audit log and
the delivery log of messages to citizens, a person's requests about their personal data.

Pages are plain forms (POST with the session's CSRF token, then a redirect); every refusal is
shown next to its field with its code. Admins manage every office, a manager their own.
"""

from queue_server.web.admin import (
    audit,
    bookings,
    messages,
    offices,
    people,
    privacy,
    procedures,
    setup,
)
from queue_server.web.admin.pages import blueprint

__all__ = ["audit", "blueprint", "bookings", "messages", "offices", "people", "privacy",
           "procedures", "setup"]
