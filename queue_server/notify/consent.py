"""The one-line purpose a citizen agrees to before giving a phone number, and its version.

It names the channels and the messages the office really sends, and the retention. The
version is raised whenever the wording changes; text and version are recorded with each
number (message_contacts), in the language the citizen read.
"""

from __future__ import annotations

from collections.abc import Sequence

from queue_server.core.i18n import LANGUAGES, text
from queue_server.models import Office

CONSENT_VERSION = "2026-12"
CHANNEL_NAMES = {"zalo": "Zalo", "sms": "SMS"}


def consent_text(office: Office, channels: Sequence[str], kinds: Sequence[str],
                 language: str = "vi") -> str:
    """The purpose, for the channels and messages the office offers and its retention."""
    names = _joined([CHANNEL_NAMES.get(channel, channel) for channel in channels] or ["SMS"],
                    text("messages", "channel_or", language))
    purposes = _joined([text("messages", f"purpose_{kind}", language)
                        for kind in kinds or ("near_turn",)],
                       text("messages", "purpose_and", language))
    return text("messages", "consent", language, channels=names, purposes=purposes,
                hours=office.phone_retention_hours)


def consent_texts(office: Office, channels: Sequence[str],
                  kinds: Sequence[str]) -> dict[str, str]:
    """The purpose in every language of the screens."""
    return {language: consent_text(office, channels, kinds, language) for language in LANGUAGES}


def _joined(items: list[str], last_word: str) -> str:
    # "A", "A và B", "A, B và C"
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last_word} {items[-1]}"
