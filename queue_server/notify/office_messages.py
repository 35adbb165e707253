"""An office's [office.messages]: which channels in which order, each message's Zalo template
id and SMS text, and how many messages a minute it may send.

The office file's parser (setup/office_file.py) checks the table and stores it on the office
as plain JSON; this module reads that JSON. No table: SMS alone, "your turn is near" only,
with the server's SMS text (the behaviour before Zalo).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from string import Template
from typing import Any

# Every message a citizen can get, and the data fields its templates may use.
MESSAGE_FIELDS: dict[str, tuple[str, ...]] = {
    "near_turn": ("number", "ahead", "office", "service"),
    "called": ("number", "counter", "office", "service"),
    "rating": ("number", "office", "url"),
    # Appointments (docs/booking.md): the one-time code, the confirmation, the reminders.
    "booking_otp": ("otp", "office", "minutes"),
    # $address is the office's street address (may be empty); $place is the office's name
    # followed by its address when it has one: where the citizen must go.
    "booking": ("code", "office", "service", "start", "address", "place"),
    "booking_reminder": ("code", "office", "service", "start", "address", "place"),
    "booking_cancelled": ("code", "office", "service", "start", "address", "place"),
}
# The SMS texts of the appointment messages when the office writes none: without them a
# booking could never be confirmed. Plain letters, so that one SMS holds each.
DEFAULT_SMS_TEXTS: dict[str, str] = {
    "booking_otp": "Ma xac nhan dat lich tai $office: $otp (hieu luc $minutes phut).",
    "booking": "Da dat lich $service tai $place luc $start. Ma lich hen: $code.",
    "booking_reminder": "Nhac lich hen $service tai $place luc $start. Ma lich hen: $code.",
    "booking_cancelled": ("$office nghi ngay nay: lich hen $service luc $start (ma $code) da bi"
                          " huy. Xin dat lich ngay khac."),
}
CHANNELS = ("zalo", "sms")
DEFAULT_PER_MINUTE = 60


@dataclass(frozen=True)
class OfficeMessages:
    """The office's message settings, with the defaults filled in."""

    channels: tuple[str, ...] = ("sms",)
    zalo: Mapping[str, str] = field(default_factory=dict)
    sms: Mapping[str, str] = field(default_factory=dict)
    per_minute: int = DEFAULT_PER_MINUTE

    def channels_for(self, kind: str, available: frozenset[str] | set[str],
                     sms_near_turn_text: str | None = None) -> list[str]:
        """The channels to try for one message, in order: configured, and with a template."""
        return [channel for channel in self.channels if channel in available
                and self.template(channel, kind, sms_near_turn_text) is not None]

    def template(self, channel: str, kind: str, sms_near_turn_text: str | None = None
                 ) -> str | None:
        """The Zalo template id or SMS text of a message; None when the office has none."""
        if channel == "zalo":
            return self.zalo.get(kind)
        if channel == "sms":
            return (self.sms.get(kind) or DEFAULT_SMS_TEXTS.get(kind)
                    or (sms_near_turn_text if kind == "near_turn" else None))
        return None


def office_messages(raw: Mapping[str, Any] | None) -> OfficeMessages:
    """The settings from the office's stored [office.messages] (None: the defaults)."""
    if not raw:
        return OfficeMessages()
    return OfficeMessages(channels=tuple(raw.get("channels") or ("sms",)),
                          zalo=dict(raw.get("zalo") or {}), sms=dict(raw.get("sms") or {}),
                          per_minute=int(raw.get("per_minute") or DEFAULT_PER_MINUTE))


def sms_text(template: str, data: Mapping[str, object]) -> str:
    """An SMS text template ($number, $ahead …) filled with a message's data."""
    return Template(template).safe_substitute({key: str(value) for key, value in data.items()})


def template_problem(kind: str, template: str) -> str | None:
    """Why an SMS text template cannot be used for this message, or None when it can."""
    parsed = Template(template)
    if not parsed.is_valid():
        return "is not a valid template (write $$ for a dollar sign)"
    allowed = MESSAGE_FIELDS[kind]
    unknown = sorted(set(parsed.get_identifiers()) - set(allowed))
    if unknown:
        return (f"unknown placeholder(s) {', '.join('$' + name for name in unknown)};"
                f" known: {', '.join('$' + name for name in allowed)}")
    return None
