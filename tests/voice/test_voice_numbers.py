"""The Vietnamese number reader, checked against readings written by hand."""

import pytest

from queue_server.voice.numbers import (
    LETTER_NAMES,
    announcement_text,
    announcement_words,
    read_digits,
    read_numeral,
    read_ticket_number,
)

SAME = None  # the southern reading is the northern one

# (number, northern reading, southern reading) written by hand from the rules, not generated.
NUMERALS = [
    (0, "không", SAME),
    (1, "một", SAME),
    (2, "hai", SAME),
    (3, "ba", SAME),
    (4, "bốn", SAME),
    (5, "năm", SAME),
    (6, "sáu", SAME),
    (7, "bảy", SAME),
    (8, "tám", SAME),
    (9, "chín", SAME),
    (10, "mười", SAME),
    (11, "mười một", SAME),
    (12, "mười hai", SAME),
    (14, "mười bốn", SAME),
    (15, "mười lăm", SAME),
    (19, "mười chín", SAME),
    (20, "hai mươi", SAME),
    (21, "hai mươi mốt", SAME),
    (24, "hai mươi tư", SAME),
    (25, "hai mươi lăm", SAME),
    (30, "ba mươi", SAME),
    (31, "ba mươi mốt", SAME),
    (44, "bốn mươi tư", SAME),
    (45, "bốn mươi lăm", SAME),
    (55, "năm mươi lăm", SAME),
    (99, "chín mươi chín", SAME),
    (100, "một trăm", SAME),
    (101, "một trăm linh một", "một trăm lẻ một"),
    (104, "một trăm linh bốn", "một trăm lẻ bốn"),
    (105, "một trăm linh năm", "một trăm lẻ năm"),
    (110, "một trăm mười", SAME),
    (111, "một trăm mười một", SAME),
    (114, "một trăm mười bốn", SAME),
    (115, "một trăm mười lăm", SAME),
    (121, "một trăm hai mươi mốt", SAME),
    (124, "một trăm hai mươi tư", SAME),
    (205, "hai trăm linh năm", "hai trăm lẻ năm"),
    (500, "năm trăm", SAME),
    (999, "chín trăm chín mươi chín", SAME),
    (1000, "một nghìn", SAME),
    (1001, "một nghìn không trăm linh một", "một nghìn không trăm lẻ một"),
    (1005, "một nghìn không trăm linh năm", "một nghìn không trăm lẻ năm"),
    (1010, "một nghìn không trăm mười", SAME),
    (1011, "một nghìn không trăm mười một", SAME),
    (1015, "một nghìn không trăm mười lăm", SAME),
    (1021, "một nghìn không trăm hai mươi mốt", SAME),
    (1024, "một nghìn không trăm hai mươi tư", SAME),
    (1100, "một nghìn một trăm", SAME),
    (1105, "một nghìn một trăm linh năm", "một nghìn một trăm lẻ năm"),
    (2001, "hai nghìn không trăm linh một", "hai nghìn không trăm lẻ một"),
    (2020, "hai nghìn không trăm hai mươi", SAME),
    (5555, "năm nghìn năm trăm năm mươi lăm", SAME),
    (9999, "chín nghìn chín trăm chín mươi chín", SAME),
    (10000, "mười nghìn", SAME),
    (10005, "mười nghìn không trăm linh năm", "mười nghìn không trăm lẻ năm"),
    (15000, "mười lăm nghìn", SAME),
    (21000, "hai mươi mốt nghìn", SAME),
    (24024, "hai mươi tư nghìn không trăm hai mươi tư", SAME),
    (99999, "chín mươi chín nghìn chín trăm chín mươi chín", SAME),
    (100000, "một trăm nghìn", SAME),
    (105000, "một trăm linh năm nghìn", "một trăm lẻ năm nghìn"),
    (999999, "chín trăm chín mươi chín nghìn chín trăm chín mươi chín", SAME),
]

DIGITS = [
    ("0", "không"),
    ("5", "năm"),
    ("007", "không, không, bảy"),
    ("14", "một, bốn"),
    ("21", "hai, một"),
    ("25", "hai, năm"),
    ("1005", "một, không, không, năm"),
    ("1234567890", "một, hai, ba, bốn, năm, sáu, bảy, tám, chín, không"),
]

TICKETS = [
    ("A005", "numeral", "north", "a năm"),
    ("A005", "digits", "north", "a, không, không, năm"),
    ("a005", "numeral", "north", "a năm"),
    ("005", "numeral", "north", "năm"),
    ("005", "digits", "south", "không, không, năm"),
    ("B021", "numeral", "north", "bê hai mươi mốt"),
    ("C105", "digits", "north", "xê, một, không, năm"),
    ("C105", "numeral", "south", "xê một trăm lẻ năm"),
    ("Đ014", "numeral", "north", "đê mười bốn"),
    ("L110", "numeral", "north", "e-lờ một trăm mười"),
    ("Y1005", "numeral", "south", "i dài một nghìn không trăm lẻ năm"),
    ("A-024", "numeral", "north", "a hai mươi tư"),
    ("AB12", "digits", "north", "a, bê, một, hai"),
    (1015, "numeral", "north", "một nghìn không trăm mười lăm"),
]


@pytest.mark.parametrize(("number", "north", "south"), NUMERALS)
def test_numbers_read_as_numerals_in_both_regions(number, north, south):
    assert read_numeral(number, "north") == north
    assert read_numeral(number, "south") == (south or north)


def test_the_table_covers_the_tricky_numbers():
    tricky = {0, 1, 4, 5, 10, 11, 14, 15, 20, 21, 24, 25, 101, 105, 110, 111}
    tricky |= {1000, 1001, 1005, 1010, 1015, 1024, 2001, 9999}
    assert tricky <= {number for number, _, _ in NUMERALS}
    assert len(NUMERALS) >= 40


@pytest.mark.parametrize(("text", "reading"), DIGITS)
def test_digits_read_one_by_one_without_special_forms(text, reading):
    assert read_digits(text) == reading


@pytest.mark.parametrize(("number", "style", "region", "reading"), TICKETS)
def test_ticket_numbers_read_the_letter_prefix_then_the_number(number, style, region, reading):
    assert read_ticket_number(number, style, region) == reading


def test_announcement_reads_the_ticket_then_the_counter_as_a_numeral():
    assert announcement_text("A005", 3) == "Mời công dân có số a năm đến quầy số ba"
    assert (
        announcement_text("1005", 21, "digits", "south")
        == "Mời công dân có số một, không, không, năm đến quầy số hai mươi mốt"
    )
    assert (
        announcement_text(1005, "14", "numeral", "south")
        == "Mời công dân có số một nghìn không trăm lẻ năm đến quầy số mười bốn"
    )


def test_announcement_words_keep_multi_word_entries_whole():
    assert announcement_words("Y05", 1, "digits") == [
        "mời công dân có số", "i dài", ",", "không", ",", "năm", "đến quầy số", "một",
    ]  # fmt: skip


def test_every_latin_and_vietnamese_letter_has_a_name():
    letters = set("ABCDEFGHIJKLMNOPQRSTUVWXYZĂÂĐÊÔƠƯ")
    assert set(LETTER_NAMES) == letters
    assert len(set(LETTER_NAMES.values())) == len(letters)


@pytest.mark.parametrize("number", [-1, 1_000_000])
def test_numbers_outside_the_range_are_refused(number):
    with pytest.raises(ValueError, match="0 to 999999"):
        read_numeral(number)


@pytest.mark.parametrize("text", ["", "12a", "١٢", "1 2"])
def test_digit_reading_refuses_anything_but_ascii_digits(text):
    with pytest.raises(ValueError, match="not a string of digits"):
        read_digits(text)


@pytest.mark.parametrize("number", ["", "A", "12A", "A?12", "Ж12"])
def test_ticket_numbers_that_are_not_letters_then_digits_are_refused(number):
    with pytest.raises(ValueError, match=r"not a ticket number|no Vietnamese name"):
        read_ticket_number(number)


def test_unknown_region_and_style_are_refused():
    with pytest.raises(ValueError, match="region"):
        read_numeral(5, "east")
    with pytest.raises(ValueError, match="style"):
        read_ticket_number("A5", "spelled")
