"""The privacy notice shown where personal data is asked, and the consent of a booking: who
answers for the data (the office file's privacy_controller), what is kept, for how long."""

from __future__ import annotations

from queue_server.core.i18n import LANGUAGES, text
from queue_server.models import Office
from queue_server.privacy.retention import office_rules

# Raised whenever the booking consent's wording changes; recorded with each booking.
BOOKING_CONSENT_VERSION = "2026-12"


def controller_of(office: Office) -> str:
    """Who answers for the data: the office file's privacy_controller, else the office."""
    return office.privacy_controller or office.name


def privacy_notice(office: Office, language: str = "vi") -> str:
    """The short notice: controller, purpose, what is never kept, retention, requests."""
    rules = office_rules(office)
    return text("privacy", "notice", language, controller=controller_of(office),
                hours=rules.phone_hours, days=rules.citizen_hash_days)


def privacy_notices(office: Office) -> dict[str, str]:
    """The notice in every language of the screens."""
    return {language: privacy_notice(office, language) for language in LANGUAGES}


def booking_consent(office: Office, language: str = "vi") -> str:
    """What a citizen agrees to when booking: the phone (and the ID's hash, when given)."""
    rules = office_rules(office)
    return text("privacy", "booking_consent", language, controller=controller_of(office),
                hours=rules.phone_hours, days=rules.citizen_hash_days)
