"""Cursor pagination: an opaque cursor encodes the last key seen; pages never skip or repeat
rows when new ones are inserted meanwhile (unlike offsets)."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from roundwise.engine.errors import FieldProblem, RequestError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of rows and the cursor for the next (None on the last page)."""

    items: Sequence[T]
    next_cursor: str | None


def encode_cursor(key: str) -> str:
    """Opaque, URL-safe cursor for a sort key."""
    return base64.urlsafe_b64encode(key.encode("utf-8")).decode("ascii").rstrip("=")


# The shapes of the sort keys cursors carry: a position (a ledger seq, a version
# number) or an id of one kind (``store.ids``: a prefix and 26 Crockford base32 digits).
POSITION_KEY = re.compile(r"[1-9][0-9]{0,17}")


def id_key(prefix: str) -> re.Pattern[str]:
    """The shape of an id with this prefix, as ``store.ids.new_id`` writes it."""
    return re.compile(rf"{re.escape(prefix)}_[0-9a-hjkmnp-tv-z]{{26}}")


def decode_cursor(cursor: str, shape: re.Pattern[str] | None = None) -> str:
    """The sort key inside a cursor; a malformed cursor names the ``cursor`` parameter.

    ``shape``: the form every key of this list has; a cursor holding anything else was
    not issued by this API (a forged ``cursor=YWJj`` used to read as "from the start").
    """
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = base64.b64decode(padded, altchars=b"-_", validate=True).decode("utf-8")
        if "\x00" in key:  # no key we issue holds one, and PostgreSQL refuses it
            raise ValueError("NUL in a cursor")
        if shape is not None and shape.fullmatch(key) is None:
            raise ValueError("not a key of this list")
        return key
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise RequestError(
            "the cursor is not one this API issued", (FieldProblem("cursor", "malformed"),)
        ) from exc


def page_of(rows: Sequence[T], limit: int, key_of: Callable[[T], str]) -> Page[T]:
    """Build a page from ``limit + 1`` fetched rows (the extra row says there is a next page)."""
    if len(rows) <= limit:
        return Page(rows, None)
    kept = rows[:limit]
    return Page(kept, encode_cursor(key_of(kept[-1])))


__all__ = ["POSITION_KEY", "Page", "decode_cursor", "encode_cursor", "id_key", "page_of"]
