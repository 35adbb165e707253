"""The card's QR text: read when well formed, refused with invalid_citizen_id otherwise."""

from __future__ import annotations

from datetime import date

import pytest

from queue_server.core.errors import InvalidInput
from queue_server.privacy.card import age_band, read_card, read_id_number

from .cards import ID_NUMBER, NAME, card_text

TODAY = date(2026, 11, 26)


def test_a_card_gives_its_number_name_birth_and_sex():
    card = read_card(card_text(), today=TODAY)
    assert (card.id_number, card.full_name, card.birth_on, card.sex) == (
        ID_NUMBER, NAME, date(1956, 3, 14), "Nam")


def test_newer_cards_may_add_fields_and_the_scanner_may_add_a_line_end():
    card = read_card(card_text(extra=("extra", "more")) + "\r\n", today=TODAY)
    assert card.id_number == ID_NUMBER


def test_the_card_never_shows_in_a_log_line():
    card = read_card(card_text(), today=TODAY)
    assert ID_NUMBER not in repr(card) and "Bình" not in repr(card)


@pytest.mark.parametrize("text", [
    "",
    "079123456789",
    "079123456789||Nguyễn Văn Bình|14031956|Nam|Khánh Hòa",  # six fields
    card_text(id_number="79123456789"),  # 11 digits
    card_text(id_number="0791234567890"),  # 13 digits
    card_text(id_number="07912345678A"),
    card_text(name=""),
    "079123456789||Nguyễn Văn Bình|31021956|Nam|Khánh Hòa|15082021",  # 31 February
    "079123456789||Nguyễn Văn Bình|1956-03-14|Nam|Khánh Hòa|15082021",
    "079123456789||Nguyễn Văn Bình|14031956|Nam|Khánh Hòa|99999999",
    "079123456789|12345|Nguyễn Văn Bình|14031956|Nam|Khánh Hòa|15082021",  # old ID of 5
    "079123456789||Nguyễn Văn Bình|14032030|Nam|Khánh Hòa|15082021",  # born in the future
    "x" * 2000,
])
def test_a_text_that_is_not_a_card_is_refused(text):
    with pytest.raises(InvalidInput) as refused:
        read_card(text, today=TODAY)
    assert refused.value.code == "invalid_citizen_id"


def test_age_counts_completed_years_around_the_birthday():
    card = read_card(card_text(born=date(1966, 11, 26)), today=TODAY)
    assert card.age_on(TODAY) == 60
    assert card.age_on(date(2026, 11, 25)) == 59


@pytest.mark.parametrize(("age", "band"), [(5, "0-17"), (18, "18-39"), (59, "40-59"),
                                           (60, "60-74"), (74, "60-74"), (75, "75+")])
def test_an_age_is_kept_as_a_band(age, band):
    assert age_band(age) == band


def test_a_typed_id_number_may_carry_spaces_but_must_have_12_digits():
    assert read_id_number("079 123 456 789") == ID_NUMBER
    with pytest.raises(InvalidInput):
        read_id_number("12345")
