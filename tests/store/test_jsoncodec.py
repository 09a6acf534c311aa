"""The hot path's JSON (orjson) writes what ``json.dumps`` writes, and reads it back."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from roundwise.store import jsoncodec

# Floats whose repr has no exponent, where both libraries spell them the same.
PLAIN_FLOATS = st.floats(min_value=1e-4, max_value=1e15, allow_nan=False) | st.just(0.0)
INTS = st.integers(min_value=-(2**63), max_value=2**64 - 1)  # orjson's integer range


def documents(floats: st.SearchStrategy[float]) -> st.SearchStrategy[Any]:
    """JSON documents: nested objects and arrays of text (any Unicode but surrogates),
    integers, floats, booleans and null."""
    scalars = st.none() | st.booleans() | INTS | floats | st.text()
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
        max_leaves=30,
    )


def standard(value: Any) -> bytes:
    """What Starlette's ``JSONResponse`` renders."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.encode()


@given(documents(PLAIN_FLOATS))
def test_the_text_is_the_standard_librarys(value: Any) -> None:
    assert jsoncodec.dumps(value) == standard(value)
    assert jsoncodec.dumps_text(value) == standard(value).decode()


@given(documents(st.floats(allow_nan=False, allow_infinity=False)))
def test_any_document_reads_back_as_itself(value: Any) -> None:
    assert jsoncodec.loads(jsoncodec.dumps(value)) == value
    assert json.loads(jsoncodec.dumps(value)) == value


def test_exponent_floats_are_the_same_number_without_zero_padding() -> None:
    assert jsoncodec.dumps([1.5e-7, 1e16]) == b"[1.5e-7,1e+16]"
    assert json.loads(jsoncodec.dumps(1.5e-7)) == 1.5e-7
    assert math.isclose(jsoncodec.loads(b"1.5e-07"), 1.5e-7)


def test_integer_keys_become_strings_as_with_json_dumps() -> None:
    assert jsoncodec.dumps({1: "a", "b": 2}) == standard({1: "a", "b": 2})


def test_control_characters_and_separators_are_escaped_as_json_does() -> None:
    value = {"text": 'line\nbreak\ttab "quoted" back\\slash \x00 \u2028 Živjo Ώ ქ'}
    assert jsoncodec.dumps(value) == standard(value)
