"""Vietnamese reading of numbers, ticket numbers and the call announcement.

Rules (checked against a hand-written table in tests/voice): "mười" for the ten itself and
"mươi" after 2..9 tens; "mốt" for a final 1 after 2..9 tens (21 "hai mươi mốt", but 11
"mười một"); "lăm" for a final 5 after any tens (15, 25) but never after "linh"/"lẻ" (105
"một trăm linh năm"); "tư" for a final 4 after 2..9 tens (24 "hai mươi tư", but 14 "mười
bốn" and 104 "một trăm linh bốn"); a zero-tens gap is "linh" in the north and "lẻ" in the
south; an inner group of thousands keeps its "không trăm" (1005 "một nghìn không trăm linh
năm"). Both regions say "nghìn".

A ticket number is an optional letter prefix then digits ("A005", "A-005"). Numeral style reads
each letter's name, then the numeric part as a number with its leading zeros dropped ("a năm");
digits style reads each letter and every digit as shown, with a pause between each ("a, không,
không, năm"). Counters are always read as numerals.

Readings are built as lists of words (catalog entries, one voice-pack clip each; "i dài" or
"mời công dân có số" is one entry) so clips can be assembled without re-parsing text.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Literal, cast

if TYPE_CHECKING:
    from queue_server.models import Office

Region = Literal["north", "south"]
Style = Literal["numeral", "digits"]

MAX_NUMERAL = 999_999
PAUSE = ","  # a word-list entry meaning "short pause", written as a comma in text

DIGIT_WORDS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
TEN = "mười"
TENS = "mươi"
HUNDRED = "trăm"
THOUSAND = "nghìn"
FINAL_ONE = "mốt"
FINAL_FOUR = "tư"
FINAL_FIVE = "lăm"
ZERO_TENS = {"north": "linh", "south": "lẻ"}
CALL_PHRASE = "mời công dân có số"
COUNTER_PHRASE = "đến quầy số"
BRIEF_COUNTER_WORD = "quầy"
# What the screen writes above and below the number while the sentence is spoken.
SHOWN_INVITE = "Mời công dân có số"
SHOWN_REINVITE = "Mời lại công dân có số"
SHOWN_COUNTER = "đến Quầy {counter}"

# Letter names as taught in Vietnamese schools (Bộ GD&ĐT); F, J, W and Z are not Vietnamese
# letters and get their usual spoken names so any A-Z ticket prefix can be read. J is written
# "di" (said like "gi") because espeak-ng reads a bare "gi" as the consonant alone.
LETTER_NAMES = {
    "A": "a", "Ă": "á", "Â": "ớ", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê", "E": "e",
    "Ê": "ê", "F": "ép", "G": "giê", "H": "hát", "I": "i", "J": "di", "K": "ca", "L": "e-lờ",
    "M": "em-mờ", "N": "en-nờ", "O": "o", "Ô": "ô", "Ơ": "ơ", "P": "pê", "Q": "quy",
    "R": "e-rờ", "S": "ét-xì", "T": "tê", "U": "u", "Ư": "ư", "V": "vê", "W": "vê kép",
    "X": "ích-xì", "Y": "i dài", "Z": "dét",
}  # fmt: skip

_TICKET_NUMBER = re.compile(r"(?P<prefix>[^\W\d_]*)[-\s]?(?P<digits>[0-9]+)")


def read_numeral(number: int, region: Region = "north") -> str:
    """Read 0..999999 as a Vietnamese numeral: 1005 -> "một nghìn không trăm linh năm"."""
    return words_to_text(numeral_words(number, region))


def read_digits(text: str) -> str:
    """Read a string of digits one by one: "1005" -> "một, không, không, năm"."""
    return words_to_text(digit_words(text))


def read_ticket_number(
    number: str | int, style: Style = "numeral", region: Region = "north"
) -> str:
    """Letters, then the number: "A005" -> "a năm" (numeral) or "a, không, không, năm" (digits)."""
    return words_to_text(ticket_words(number, style, region))


def announcement_text(
    number: str | int, counter: str | int, style: Style = "numeral", region: Region = "north",
    *, is_brief: bool = False,
) -> str:
    """The call sentence: "Mời công dân có số a năm đến quầy số ba" (brief: "A năm, quầy ba")."""
    text = words_to_text(announcement_words(number, counter, style, region, is_brief=is_brief))
    return text[:1].upper() + text[1:]


def announcement_words(
    number: str | int, counter: str | int, style: Style = "numeral", region: Region = "north",
    *, is_brief: bool = False,
) -> list[str]:
    """The call sentence as catalog words; the counter is always read as a numeral.

    The brief form, said when calls queue up, keeps what a citizen listens for: the number,
    then the counter.
    """
    ticket = ticket_words(number, style, region)
    if is_brief:
        return [*ticket, PAUSE, BRIEF_COUNTER_WORD, *counter_words(counter, region)]
    return [CALL_PHRASE, *ticket, COUNTER_PHRASE, *counter_words(counter, region)]


def call_announcement(number: str, counter: int, style: Style = "numeral",
                      region: Region = "north", *, is_recall: bool = False) -> dict[str, str]:
    """What a display shows and says for one call: the one definition screens follow."""
    return {
        "text": announcement_text(number, counter, style, region),
        "brief": announcement_text(number, counter, style, region, is_brief=True),
        "invite": SHOWN_REINVITE if is_recall else SHOWN_INVITE,
        "to_counter": SHOWN_COUNTER.format(counter=counter),
    }


def counter_words(counter: str | int, region: Region = "north") -> list[str]:
    """A counter number ("3", 3 or "B2") read as a numeral."""
    return ticket_words(counter, "numeral", region)


def ticket_words(
    number: str | int, style: Style = "numeral", region: Region = "north"
) -> list[str]:
    """A ticket number as catalog words; see read_ticket_number."""
    _check_choice(style, ("numeral", "digits"), "style")
    _check_choice(region, ("north", "south"), "region")
    prefix, digits = _split_ticket_number(str(number))
    letters = [_letter_name(letter) for letter in prefix]
    if style == "numeral":
        return letters + numeral_words(int(digits), region)
    return _with_pauses(letters + [DIGIT_WORDS[int(digit)] for digit in digits])


def numeral_words(number: int, region: Region = "north") -> list[str]:
    """A number 0..999999 as catalog words; see read_numeral."""
    _check_choice(region, ("north", "south"), "region")
    if not 0 <= number <= MAX_NUMERAL:
        raise ValueError(f"cannot read {number}: numbers go from 0 to {MAX_NUMERAL}")
    if number == 0:
        return [DIGIT_WORDS[0]]
    thousands, rest = divmod(number, 1000)
    words = (_group_words(thousands, region, is_leading=True) + [THOUSAND]) if thousands else []
    return (words + _group_words(rest, region, is_leading=not thousands)) if rest else words


def digit_words(text: str) -> list[str]:
    """Digits as catalog words with a pause between each."""
    if not text.isascii() or not text.isdigit():
        raise ValueError(f"not a string of digits: {text!r}")
    return _with_pauses([DIGIT_WORDS[int(digit)] for digit in text])


def words_to_text(words: list[str]) -> str:
    """Join catalog words into text, writing pauses as commas."""
    return " ".join(words).replace(f" {PAUSE}", PAUSE)


def _group_words(group: int, region: Region, is_leading: bool) -> list[str]:
    """One group of three digits; a group after thousands keeps its "không trăm"."""
    hundreds, rest = divmod(group, 100)
    if is_leading and hundreds == 0:
        return _tens_words(rest)
    head = [DIGIT_WORDS[hundreds], HUNDRED]
    if rest == 0:
        return head
    if rest < 10:
        return head + [ZERO_TENS[region], DIGIT_WORDS[rest]]
    return head + _tens_words(rest)


def _tens_words(number: int) -> list[str]:
    """1..99 with mười/mươi and the final mốt, tư, lăm."""
    tens, units = divmod(number, 10)
    if tens == 0:
        return [DIGIT_WORDS[units]]
    head = [TEN] if tens == 1 else [DIGIT_WORDS[tens], TENS]
    return (head + [_final_unit(tens, units)]) if units else head


def _final_unit(tens: int, units: int) -> str:
    """The units word after tens: lăm after any tens, mốt and tư after 2..9 tens."""
    if units == 5:
        return FINAL_FIVE
    if tens > 1 and units in (1, 4):
        return FINAL_ONE if units == 1 else FINAL_FOUR
    return DIGIT_WORDS[units]


def _split_ticket_number(number: str) -> tuple[str, str]:
    """Split "A005" into ("A", "005"); raise ValueError when it is not letters then digits."""
    match = _TICKET_NUMBER.fullmatch(unicodedata.normalize("NFC", number.strip()).upper())
    if match is None:
        raise ValueError(f"not a ticket number (letters then digits): {number!r}")
    return match["prefix"], match["digits"]


def _letter_name(letter: str) -> str:
    """The spoken name of one letter of a prefix."""
    if letter not in LETTER_NAMES:
        raise ValueError(f"no Vietnamese name for the letter {letter!r}")
    return LETTER_NAMES[letter]


def _with_pauses(words: list[str]) -> list[str]:
    """Put a pause between every two words."""
    paused = [PAUSE] * (2 * len(words) - 1) if words else []
    paused[::2] = words
    return paused


def _check_choice(value: str, choices: tuple[str, ...], name: str) -> None:
    """Raise ValueError when value is not one of choices."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, not {value!r}")


def reading_of(office: Office) -> tuple[Style, Region]:
    """How the office reads numbers (the office file checks the values)."""
    return cast("Style", office.number_reading), cast("Region", office.number_region)
