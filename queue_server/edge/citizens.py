"""The server's keys for the citizen ID number's keyed hash, for the request's domain calls."""

from __future__ import annotations

from queue_server.core.request_context import state
from queue_server.privacy.keys import CitizenKeys


def citizen_keys() -> CitizenKeys:
    """The current key and the old ones still matched (settings citizen_id_key, …_old_keys)."""
    settings = state().settings
    # Settings built without validated() (some tests) have no generated key: the secret key.
    key = settings.citizen_id_key or settings.secret_key
    assert key, "validated settings always hold a key"
    return CitizenKeys.from_text(key, settings.citizen_id_old_keys)
