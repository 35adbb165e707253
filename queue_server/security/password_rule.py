"""The password rule: long enough, not obvious, not the username; checked wherever one is set."""

from __future__ import annotations

import itertools
import unicodedata

from queue_server.core.errors import InvalidInput

MIN_PASSWORD_LENGTH = 10
# Argon2 takes any length, but a megabyte "password" is a denial of service, not a secret.
MAX_PASSWORD_LENGTH = 1024
MIN_DISTINCT_CHARACTERS = 5

# Passwords that guessers try first (leaked-list favourites, Vietnamese ones included), in the
# normalised form of `_normalised`: lower case, without accents, spaces or punctuation.
COMMON_PASSWORDS = frozenset({
    "1234567890", "12345678910", "123456789a", "0123456789", "0987654321", "1234512345",
    "1111111111", "1122334455", "1q2w3e4r5t", "1qaz2wsx3edc", "abc1234567", "abcd123456",
    "qwertyuiop", "qwerty1234", "qwerty123456", "asdfghjkl1", "zxcvbnm123", "iloveyou12",
    "password12", "password123", "password1234", "passw0rd123", "p4ssw0rd12", "letmein123",
    "welcome123", "welcome1234", "admin12345", "admin123456", "administrator",
    "changeme123", "trustno1234", "football123", "baseball123", "superman123",
    "matkhau123", "matkhau1234", "matkhaumoi", "matkhau2024", "matkhau2025", "matkhau2026",
    "anhyeuem123", "emyeuanh123", "vietnam123", "vietnam1234", "hochiminh123", "hanoi12345",
    "saigon1234", "canbo12345", "quanly12345", "motcua12345", "tiepnhan123", "xephang123",
    "hethong123", "ubnd123456", "congan1234", "123456abc", "abcdefghij", "abcdefgh12",
})



def check_password_strength(password: str, username: str) -> None:
    """Refuse a weak password with InvalidInput("weak_password") and a message saying why."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise _weak("weak_password_short", minimum=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise _weak("weak_password_long", maximum=MAX_PASSWORD_LENGTH)
    name = _folded(username).strip()
    if name and name in _folded(password):
        raise _weak("weak_password_username")
    if len(set(password)) < MIN_DISTINCT_CHARACTERS:
        raise _weak("weak_password_repetitive", distinct=MIN_DISTINCT_CHARACTERS)
    plain = _normalised(password)
    if plain in COMMON_PASSWORDS or _is_sequence(plain):
        raise _weak("weak_password_common")


def _weak(message_key: str, **params: object) -> InvalidInput:
    return InvalidInput("weak_password", message_key, **params)


def _folded(text: str) -> str:
    """Lower case without accents: "Nguyễn" and "nguyen" are one name."""
    decomposed = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed.lower() if not unicodedata.combining(c))


def _normalised(text: str) -> str:
    # "Mật-Khẩu 123" and "matkhau123" are the same guess: compare without marks either.
    return "".join(c for c in _folded(text) if c.isalnum() and c.isascii())


def _is_sequence(plain: str) -> bool:
    """Keyboard or counting runs such as 2345678901 or abcdefghijk."""
    steps = {ord(b) - ord(a) for a, b in itertools.pairwise(plain)}
    return len(plain) >= 3 and (steps == {1} or steps == {-1})
