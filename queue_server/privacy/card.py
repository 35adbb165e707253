"""The text of a citizen ID card's QR code (CCCD / thẻ căn cước), checked and read.

The parsed card lives only in memory for the request that carries it: nothing here stores it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from queue_server.core.errors import InvalidInput

# ID|old ID|full name|birth DDMMYYYY|sex|address|issue DDMMYYYY, then any newer fields.
CARD_FIELDS = 7
MAX_CARD_CHARS = 1000
_ID_NUMBER = re.compile(r"^[0-9]{12}$")
_OLD_ID_NUMBER = re.compile(r"^([0-9]{9})?$")
_DATE = re.compile(r"^[0-9]{8}$")
# Age bands kept with a ticket instead of the date of birth.
AGE_BANDS = ((75, "75+"), (60, "60-74"), (40, "40-59"), (18, "18-39"), (0, "0-17"))


@dataclass(frozen=True)
class Card:
    """What the card says; repr hides everything, so no log line can ever show it."""

    id_number: str = field(repr=False)
    full_name: str = field(repr=False)
    birth_on: date = field(repr=False)
    sex: str = field(repr=False)

    def age_on(self, day: date) -> int:
        """Completed years of age on the given day."""
        before_birthday = (day.month, day.day) < (self.birth_on.month, self.birth_on.day)
        return day.year - self.birth_on.year - before_birthday


def read_card(text: str, *, today: date) -> Card:
    """The card behind a scanned QR text; InvalidInput invalid_citizen_id when it is none."""
    if len(text) > MAX_CARD_CHARS:
        raise InvalidInput("invalid_citizen_id")
    parts = [part.strip() for part in text.strip().split("|")]
    if len(parts) < CARD_FIELDS:
        raise InvalidInput("invalid_citizen_id")
    id_number, old_number, name, birth, sex, _address, issued = parts[:CARD_FIELDS]
    birth_on, issued_on = _date(birth), _date(issued)
    if (not _ID_NUMBER.match(id_number) or not _OLD_ID_NUMBER.match(old_number) or not name
            or birth_on is None or issued_on is None or not birth_on <= issued_on <= today):
        raise InvalidInput("invalid_citizen_id")
    return Card(id_number=id_number, full_name=" ".join(name.split()), birth_on=birth_on,
                sex=sex)


def read_id_number(text: str) -> str:
    """A typed 12-digit ID number (spaces allowed); InvalidInput invalid_citizen_id."""
    digits = re.sub(r"\s", "", text or "")
    if not _ID_NUMBER.match(digits):
        raise InvalidInput("invalid_citizen_id")
    return digits


def age_band(age: int) -> str:
    """The coarse band kept for reports instead of the date of birth."""
    return next(band for low, band in AGE_BANDS if age >= low)


def _date(text: str) -> date | None:
    if not _DATE.match(text):
        return None
    try:
        return date(int(text[4:]), int(text[2:4]), int(text[:2]))
    except ValueError:
        return None
