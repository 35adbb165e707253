"""Text as searches compare it: no diacritics, no case, đ as d, words split on punctuation."""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^0-9a-z]+")
# Decomposition leaves đ and Đ alone: they are letters of their own, not d with a mark.
_LETTERS = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """"Đăng ký khai sinh" -> "dang ky khai sinh"; punctuation becomes single spaces."""
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTERS))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(_NOT_WORD.split(plain.lower())).strip()


def words(text: str) -> list[str]:
    """The folded words of a text, in order."""
    folded = fold(text)
    return folded.split() if folded else []
