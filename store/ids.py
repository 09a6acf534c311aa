"""Public identifiers: a type prefix plus a ULID-style, time-ordered random body.

Ordering by id is ordering by creation time (to the millisecond), which is what cursor
pagination needs, and the 80 random bits make ids unguessable across accounts.
"""

from __future__ import annotations

import secrets
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case


def _base32(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, digit = divmod(value, 32)
        chars.append(_ALPHABET[digit])
    return "".join(reversed(chars))


def new_id(prefix: str) -> str:
    """A new id such as ``ctr_01jd8x…``: 48-bit millisecond time then 80 random bits."""
    millis = time.time_ns() // 1_000_000
    return f"{prefix}_{_base32(millis, 10)}{_base32(secrets.randbits(80), 16)}"


__all__ = ["new_id"]
