"""Request and response shapes shared by several routes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, Field, field_validator

T = TypeVar("T")


class PageOut(BaseModel, Generic[T]):
    """A page of a list: the items and the cursor of the next page (null on the last)."""

    items: list[T]
    next_cursor: str | None = Field(description="Pass as `cursor` to get the next page.")


# Characters no stored text may hold: NUL, which PostgreSQL refuses in text and jsonb,
# and an unpaired surrogate (JSON's "\ud800" escape), which no UTF-8 text can encode.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def holds_nul(value: Any) -> bool:
    """Whether a str, or any str inside lists and mappings (keys too), holds U+0000 or an
    unpaired surrogate."""
    if isinstance(value, str):
        return _UNSTORABLE.search(value) is not None
    if isinstance(value, list | tuple):
        return any(holds_nul(item) for item in value)
    if isinstance(value, dict):
        return any(holds_nul(k) or holds_nul(v) for k, v in value.items())
    return False


class StoredIn(BaseModel):
    """A request body whose text is stored: no NUL character anywhere in it, and no
    unpaired surrogate.

    PostgreSQL's ``text`` and ``jsonb`` refuse U+0000, so such a body would pass validation
    and then fail at the INSERT (a 500), while SQLite would keep it. Refused here instead,
    with the field named, on every database alike. A lone surrogate inside a free-form
    field (a spec sent as a JSON object, a ledger event) failed the same way, and in a
    stateless response when it was encoded.
    """

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if holds_nul(value):
            raise ValueError("must not contain NUL (U+0000) or unpaired surrogate characters")
        return value


# How long a client's message may be (and, together, the items they list): the analysis
# of a message is linear in its length (about 2-4 µs a character), so these bound the
# CPU one judged request can take. An e-mail of 3,000 words is a very long one; a
# revised document goes in ``revised_text``, which is measured, not read for cues.
MESSAGE_MAX_CHARS = 20_000
MESSAGE_MAX_WORDS = 3_000
# A judged request whose texts are longer than this in all (message, items, revised
# text) is judged in the thread pool, not on the event loop (``judged_off_loop``).
OFF_LOOP_CHARS = 4_000


# How long a document text may be (a delivered version, a revised text, either side of
# /v1/measure): measuring two texts of 200,000 one-token characters takes about 10 s on
# a busy 2-core host (inexact mode, docs/benchmarks.md), 2,000,000 took minutes. About
# 30,000 words: a long brochure or a short book, far beyond a copywriting deliverable.
DOCUMENT_MAX_CHARS = 200_000
DocumentText = Annotated[
    str,
    Field(max_length=DOCUMENT_MAX_CHARS, description=f"At most {DOCUMENT_MAX_CHARS} characters."),
]
"""A document's text, bounded so that measuring a change stays bounded."""


def word_count(text: str) -> int:
    """Words as the limits count them: runs of non-whitespace."""
    return len(text.split())


def _bounded_message(text: str) -> str:
    if word_count(text) > MESSAGE_MAX_WORDS:
        raise ValueError(f"must be at most {MESSAGE_MAX_WORDS} words")
    return text


def _bounded_items(items: list[str]) -> list[str]:
    if sum(len(item) for item in items) > MESSAGE_MAX_CHARS:
        raise ValueError(f"must be at most {MESSAGE_MAX_CHARS} characters in all")
    if sum(word_count(item) for item in items) > MESSAGE_MAX_WORDS:
        raise ValueError(f"must be at most {MESSAGE_MAX_WORDS} words in all")
    return items


MessageText = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MESSAGE_MAX_CHARS,
        description=f"At most {MESSAGE_MAX_CHARS} characters and {MESSAGE_MAX_WORDS} words.",
    ),
    AfterValidator(_bounded_message),
]
"""A client's message: bounded in characters and in words."""

ItemText = Annotated[str, Field(min_length=1, max_length=5000)]
RequestItems = Annotated[
    list[ItemText],
    Field(
        max_length=200,
        description=f"The changes as the client listed them; at most {MESSAGE_MAX_CHARS} "
        f"characters and {MESSAGE_MAX_WORDS} words in all.",
    ),
    AfterValidator(_bounded_items),
]
"""A client's own list of changes, bounded in all as a message is."""


def judged_off_loop(message: str, items: list[str], revised_text: str | None) -> bool:
    """Whether a request is long enough to judge in the thread pool rather than on the
    event loop, where its CPU time would hold up every other request of the worker."""
    size = len(message) + sum(map(len, items)) + len(revised_text or "")
    return size > OFF_LOOP_CHARS


# Datetimes a client sends (a request's received_at, an event's at, an evaluation's now)
# must fall in these years. Why: "0001-01-01T00:00:00+14:00" is a valid ISO 8601 instant
# that PostgreSQL stores (as 1 BC) but that no Python datetime can hold once read back
# in UTC, so every later read of the contract was a 500; a year like 9999 overflows the
# first window or deadline added to it. No revision of real work falls outside them.
FIRST_YEAR, LAST_YEAR = 2000, 2099
EARLIEST = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
LATEST = datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC)
RANGE_REASON = f"must be timezone-aware and within the years {FIRST_YEAR} to {LAST_YEAR} (UTC)"


def in_service_range(value: datetime) -> bool:
    """Whether an aware datetime lies in [EARLIEST, LATEST).

    The local year is checked before anything converts to UTC, which overflows at the
    ends of the calendar (year 1 at +14:00).
    """
    if value.tzinfo is None or not FIRST_YEAR - 1 <= value.year <= LAST_YEAR + 1:
        return False
    return EARLIEST <= value < LATEST


def _service_range(value: datetime) -> datetime:
    if not in_service_range(value):
        raise ValueError(RANGE_REASON)
    return value


ServiceDatetime = Annotated[AwareDatetime, AfterValidator(_service_range)]
"""A client-sent instant: timezone-aware and within ``FIRST_YEAR``..``LAST_YEAR``."""


def datetimes_out_of_range(value: Any, path: str) -> Iterator[str]:
    """The paths of datetimes outside the service range inside a model, list or mapping
    (for values parsed elsewhere, such as ledger events)."""
    if isinstance(value, datetime):
        if not in_service_range(value):
            yield path
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from datetimes_out_of_range(getattr(value, name), f"{path}.{name}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from datetimes_out_of_range(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from datetimes_out_of_range(item, f"{path}.{key}")


__all__ = [
    "DOCUMENT_MAX_CHARS",
    "EARLIEST",
    "FIRST_YEAR",
    "LAST_YEAR",
    "LATEST",
    "MESSAGE_MAX_CHARS",
    "MESSAGE_MAX_WORDS",
    "OFF_LOOP_CHARS",
    "RANGE_REASON",
    "DocumentText",
    "ItemText",
    "MessageText",
    "PageOut",
    "RequestItems",
    "ServiceDatetime",
    "StoredIn",
    "datetimes_out_of_range",
    "holds_nul",
    "in_service_range",
    "judged_off_loop",
    "word_count",
]
