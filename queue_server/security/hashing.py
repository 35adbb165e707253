"""Argon2id password hashes, computed beside the gevent loop so a login never stalls the desk."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from queue_server.core.greenlets import off_the_loop

# OWASP's Argon2id setting: 19 MiB, 2 passes, 1 lane (about 45 ms on the 2-core VM).
# argon2-cffi's default (64 MiB, 3 passes, 4 lanes) took 140 ms and 64 MiB per login.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def hash_password(password: str) -> str:
    """A new Argon2id hash of the password."""
    return off_the_loop(HASHER.hash, password)


def password_matches(stored_hash: str, password: str) -> bool:
    """Whether the password matches the stored hash (False for a malformed hash)."""
    try:
        return off_the_loop(HASHER.verify, stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether the hash was made with other costs than today's (upgraded at the next login)."""
    try:
        return HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return False


@cache
def dummy_hash() -> str:
    """A hash to check against when the user does not exist, so timing does not tell."""
    return hash_password("not-a-real-password")
