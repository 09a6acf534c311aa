"""Request and response shapes shared by several routes."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field, field_validator

T = TypeVar("T")


class PageOut(BaseModel, Generic[T]):
    """A page of a list: the items and the cursor of the next page (null on the last)."""

    items: list[T]
    next_cursor: str | None = Field(description="Pass as `cursor` to get the next page.")


def holds_nul(value: Any) -> bool:
    """Whether a str, or any str inside lists and mappings, holds U+0000."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(holds_nul(item) for item in value)
    if isinstance(value, dict):
        return any(holds_nul(k) or holds_nul(v) for k, v in value.items())
    return False


class StoredIn(BaseModel):
    """A request body whose text is stored: no NUL character anywhere in it.

    PostgreSQL's ``text`` and ``jsonb`` refuse U+0000, so such a body would pass validation
    and then fail at the INSERT (a 500), while SQLite would keep it. Refused here instead,
    with the field named, on every database alike.
    """

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if holds_nul(value):
            raise ValueError("must not contain NUL (U+0000) characters")
        return value


__all__ = ["PageOut", "StoredIn", "holds_nul"]
