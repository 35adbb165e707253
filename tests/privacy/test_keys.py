"""The keyed hash: never the number, stable per key, old keys still found after a rotation."""

from __future__ import annotations

from queue_server.privacy.keys import CitizenKeys

from .cards import ID_NUMBER

OLD = CitizenKeys.from_text("the-old-key-of-this-server")
NEW = CitizenKeys.from_text("the-new-key-of-this-server", ("the-old-key-of-this-server",))


def test_the_hash_is_keyed_and_never_contains_the_number():
    digest = NEW.hash(ID_NUMBER)
    assert len(digest) == 64 and ID_NUMBER not in digest
    assert digest != OLD.hash(ID_NUMBER)
    assert digest == NEW.hash(ID_NUMBER)


def test_after_a_rotation_lookups_still_match_hashes_made_under_the_old_key():
    assert NEW.lookups(ID_NUMBER) == [NEW.hash(ID_NUMBER), OLD.hash(ID_NUMBER)]


def test_a_phone_and_an_id_with_the_same_digits_hash_apart():
    assert NEW.phone_tag(ID_NUMBER) != NEW.hash(ID_NUMBER)[:16]


def test_the_keys_never_show_in_a_log_line():
    assert "the-new-key" not in repr(NEW)
