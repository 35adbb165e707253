"""/admin: offices, services, counters, priorities, accounts, devices and the audit log.

Pages are plain forms (POST with the session's CSRF token, then a redirect); every refusal is
shown next to its field with its code. Admins manage every office, a manager their own.
"""

from queue_server.web.admin import audit, offices, people, procedures, setup
from queue_server.web.admin.pages import blueprint

__all__ = ["audit", "blueprint", "offices", "people", "procedures", "setup"]
