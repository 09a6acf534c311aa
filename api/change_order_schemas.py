"""Request and response shapes of the change-order routes (``api/routes/change_orders.py``)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field, model_validator

from roundwise.api.examples import examples
from roundwise.api.schemas import StoredIn
from roundwise.engine.changeorders import FreeItem
from roundwise.engine.ledger import ChangeOrderLine
from roundwise.engine.terms import Money
from roundwise.store.change_orders import LineEdit, Pricing, draft_of_record
from roundwise.store.models import ChangeOrderRecord

Price = Annotated[
    Decimal,
    Field(ge=0, le=Decimal("1e9"), max_digits=16, decimal_places=4, allow_inf_nan=False),
]
RequestId = Annotated[str, Field(min_length=1, max_length=200)]
Amends = Annotated[str, Field(min_length=1, max_length=300)]
Description = Annotated[str, Field(min_length=1, max_length=5000)]


class ItemIn(StoredIn):
    """A line the freelancer writes: a price, or a size (``words`` or ``count``) to price."""

    model_config = examples(
        {"description": "A fourth product description", "words": 300, "deliverable": "products"}
    )

    description: Description = Field(description="What the work is, as the client will read it.")
    price: Price | None = Field(default=None, description="Stated price; wins over a size.")
    words: int | None = Field(default=None, ge=1, le=1_000_000, description="Length in words.")
    count: int | None = Field(default=None, ge=1, le=1000, description="How many pieces.")
    deliverable: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="The deliverable it belongs to (its rates price a size; rounds go to it).",
    )
    extra_rounds: int = Field(
        default=0, ge=0, le=100, description="Revision rounds it adds to the deliverable."
    )

    def free_item(self) -> FreeItem:
        """The engine's value."""
        return FreeItem(
            self.description,
            self.price,
            self.words,
            self.count,
            self.deliverable,
            self.extra_rounds,
        )


class ChangeOrderIn(StoredIn):
    """What a change order prices: judged requests by id, and/or free items."""

    model_config = examples(
        {"request_ids": ["req_example"]},
        {"items": [{"description": "A Christmas e-mail template", "price": "180"}]},
    )

    request_ids: list[RequestId] = Field(
        default_factory=list,
        max_length=100,
        description="Judged requests (verdict out_of_scope, extra_round, too_large or "
        "after_approval) whose billable work it prices.",
    )
    items: list[ItemIn] = Field(
        default_factory=list, max_length=100, description="Lines you write yourself."
    )
    valid_until: date | None = Field(
        default=None, description="Last day it may be accepted (default: the setting)."
    )
    amends: Amends | None = Field(default=None, description="The clause it amends.")

    @model_validator(mode="after")
    def _prices_something(self) -> ChangeOrderIn:
        if not self.request_ids and not self.items:
            raise ValueError("give request_ids or items to price")
        return self

    def pricing(self) -> Pricing:
        """The store's value."""
        items = tuple(item.free_item() for item in self.items)
        return Pricing(tuple(self.request_ids), items, self.valid_until, self.amends)


class LineEditIn(StoredIn):
    """A change to one line of a draft's quote."""

    model_config = examples({"index": 0, "price": "80"})

    index: int = Field(ge=0, le=99, description="The line, counting from 0.")
    description: Description | None = Field(default=None, description="New wording of the line.")
    price: Price | None = Field(default=None, description="New price of the line.")

    def edit(self) -> LineEdit:
        """The store's value."""
        return LineEdit(self.index, self.description, self.price)


class ChangeOrderPatch(StoredIn):
    """Edits to a draft: line prices or descriptions, the validity date, the clause amended."""

    model_config = examples({"lines": [{"index": 0, "price": "80"}]})

    lines: list[LineEditIn] = Field(
        default_factory=list, max_length=100, description="Edits to lines, by index."
    )
    valid_until: date | None = Field(
        default=None, description="New last day on which it may be accepted."
    )
    amends: Amends | None = Field(default=None, description="New name of the clause it amends.")


class AnswerIn(StoredIn):
    """The client's answer given to the freelancer, with a note of how it was given."""

    model_config = examples({"note": "Agreed by phone on 14 March"})

    note: str = Field(
        min_length=1, max_length=2000, description="How and when the client gave the answer."
    )


class ChangeOrderOut(BaseModel):
    """A change order: its lines and quote, status, validity and answer."""

    number: int
    status: str = Field(description="draft, sent, accepted or declined")
    lines: list[ChangeOrderLine]
    total: Money
    computation: str
    amends: str
    valid_until: date
    request_ids: list[str]
    created_at: datetime
    sent_at: datetime | None
    answered_at: datetime | None
    answered_by: str | None
    answer_note: str | None
    pdf_url: str

    @classmethod
    def of(cls, record: ChangeOrderRecord) -> ChangeOrderOut:
        """The response for a stored change order."""
        draft = draft_of_record(record)
        return cls(
            number=record.number,
            status=record.status,
            lines=list(draft.lines),
            total=draft.total,
            computation=draft.computation,
            amends=draft.amends,
            valid_until=record.valid_until,
            request_ids=list(draft.request_ids),
            created_at=record.created_at,
            sent_at=record.sent_at,
            answered_at=record.answered_at,
            answered_by=record.answered_by,
            answer_note=record.answer_note,
            pdf_url=f"/v1/contracts/{record.contract_id}/change-orders/{record.number}.pdf",
        )


class ChangeOrderList(BaseModel):
    """A contract's change orders, by number."""

    items: list[ChangeOrderOut]


class SentOut(BaseModel):
    """A sent change order and the client's acceptance link (shown only in this response)."""

    change_order: ChangeOrderOut
    accept_url: str = Field(description="The client's link: GET shows it, POST answers it.")


__all__ = [
    "AnswerIn",
    "ChangeOrderIn",
    "ChangeOrderList",
    "ChangeOrderOut",
    "ChangeOrderPatch",
    "ItemIn",
    "LineEditIn",
    "SentOut",
]
