"""The keyed hash of a citizen ID number: HMAC-SHA256 under the server's key.

Rotation: a new key hashes from now on; old keys stay listed so that hashes made under them
still match in lookups, until the retention (citizen_hash_days) has removed those hashes.
A hash cannot be re-keyed without the ID number, which is never kept.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CitizenKeys:
    """The current key and the older ones still accepted for lookups."""

    current: bytes = field(repr=False)
    old: tuple[bytes, ...] = field(default=(), repr=False)

    @classmethod
    def from_text(cls, current: str, old: tuple[str, ...] = ()) -> CitizenKeys:
        """Keys as the settings give them (text)."""
        return cls(current.encode(), tuple(key.encode() for key in old))

    def hash(self, id_number: str) -> str:
        """The hash stored for an ID number (64 hex characters)."""
        return _hmac(self.current, "citizen", id_number)

    def lookups(self, id_number: str) -> list[str]:
        """Every hash the ID number may be stored under: the current key's first."""
        return [_hmac(key, "citizen", id_number) for key in (self.current, *self.old)]

    def phone_tag(self, phone: str) -> str:
        """A short keyed tag naming a phone number in the audit log without writing it."""
        return _hmac(self.current, "phone", phone)[:16]


def _hmac(key: bytes, purpose: str, value: str) -> str:
    # The purpose keeps an ID number and a phone number with equal digits apart.
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()
