"""Public ids: the encoding, checked against the digit-by-digit definition."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from roundwise.store.ids import id_body, new_id

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def reference_digits(value: int, length: int) -> str:
    """Crockford base32 of ``value``, most significant digit first, ``length`` digits."""
    chars = []
    for _ in range(length):
        value, digit = divmod(value, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


@given(st.integers(0, 2**48 - 1), st.integers(0, 2**80 - 1))
def test_body_is_ten_digits_of_time_then_sixteen_of_randomness(millis: int, bits: int) -> None:
    assert id_body(millis, bits) == reference_digits(millis, 10) + reference_digits(bits, 16)


@given(st.integers(0, 2**48 - 2), st.integers(0, 2**80 - 1), st.integers(0, 2**80 - 1))
def test_a_later_millisecond_sorts_after_any_randomness(millis: int, a: int, b: int) -> None:
    assert id_body(millis, a) < id_body(millis + 1, b)


def test_new_ids_carry_their_prefix_and_differ() -> None:
    ids = {new_id("dec") for _ in range(1000)}
    assert len(ids) == 1000
    assert all(re.fullmatch(r"dec_[0-9a-hjkmnp-tv-z]{26}", i) for i in ids)
