"""Response shapes shared by several routes."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class PageOut(BaseModel, Generic[T]):
    """A page of a list: the items and the cursor of the next page (null on the last)."""

    items: list[T]
    next_cursor: str | None = Field(description="Pass as `cursor` to get the next page.")


__all__ = ["PageOut"]
