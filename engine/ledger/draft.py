"""The working copy a fold updates in place, so folding copies nothing per event.

Rule: `ContractState` is a frozen value, and rebuilding its tuples for every event made a
fold quadratic in the number of requests and versions. A fold therefore thaws its start
state once into a `StateDraft` (lists and dicts, with an index per id), lets each event
change the draft in place, and freezes it once when a state is asked for.

Copy on write: a draft starts out holding the start state's own tuples and index (they
are immutable, or never written) and copies a collection into a list or dict the first
time an event changes it. Freezing copies every list back into a tuple, so a frozen state
never shares anything mutable with a draft, and a draft never changes the state it was
thawed from. A single `apply` thus copies only what its event changes, as the old step
function did. Drafts are private to `engine.ledger`; callers only see frozen states.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from roundwise.engine.errors import LedgerError
from roundwise.engine.ledger.money_state import MoneyState
from roundwise.engine.ledger.state import (
    Approval,
    ChangeOrder,
    ContractState,
    DeliverableState,
    RequestRecord,
    Version,
)

K = TypeVar("K", str, int)


@dataclass(slots=True)
class ItemDraft:
    """A deliverable being folded (mirrors `DeliverableState`; versions copied on write)."""

    id: str
    rounds_included: int
    rounds_used: int
    free_fixes: int
    versions: Sequence[Version]
    approval: Approval | None
    review_deadline: datetime | None

    @classmethod
    def thaw(cls, item: DeliverableState) -> ItemDraft:
        """A draft of ``item`` (sharing its versions tuple until one is added)."""
        return cls(
            item.id,
            item.rounds_included,
            item.rounds_used,
            item.free_fixes,
            item.versions,
            item.approval,
            item.review_deadline,
        )

    def freeze(self) -> DeliverableState:
        """The frozen value of this draft as it stands."""
        return DeliverableState(
            id=self.id,
            rounds_included=self.rounds_included,
            rounds_used=self.rounds_used,
            free_fixes=self.free_fixes,
            versions=tuple(self.versions),
            approval=self.approval,
            review_deadline=self.review_deadline,
        )

    def add_version(self, version: Version) -> None:
        """Append a delivered version (the versions are copied on the first write)."""
        versions = self.versions if isinstance(self.versions, list) else list(self.versions)
        versions.append(version)
        self.versions = versions

    @property
    def rounds_left(self) -> int:
        """Included rounds not yet consumed (never negative)."""
        return max(self.rounds_included - self.rounds_used, 0)

    @property
    def current_version(self) -> Version | None:
        """The latest delivered version, or None before the first delivery."""
        return self.versions[-1] if self.versions else None


def _positions(keys: Iterable[K]) -> dict[K, int]:
    """Each key's first position (a hand-built state may repeat one; the first wins)."""
    index: dict[K, int] = {}
    for position, key in enumerate(keys):
        index.setdefault(key, position)
    return index


@dataclass(slots=True)
class StateDraft:
    """A contract state being folded: its collections plus an index for each lookup.

    The indexes are made on first use. The request index is read from the state the
    draft was thawed from while that index is complete, copied only when a request is
    added, and handed over (not copied) to a frozen state, the draft copying it again
    before its next write.
    """

    items: list[ItemDraft]
    item_index: dict[str, int]
    as_of: datetime | None
    contract_id: str | None
    signed_at: datetime | None
    completed_at: datetime | None
    requests: Sequence[RequestRecord]
    change_orders: Sequence[ChangeOrder]
    event_count: int
    inherited_index: Mapping[str, int]
    _request_index: dict[str, int] | None = None
    _order_index: dict[int, int] | None = None
    money: MoneyState = field(default_factory=MoneyState)

    @classmethod
    def thaw(cls, state: ContractState) -> StateDraft:
        """A draft of ``state`` (sharing its tuples until an event changes them)."""
        items = [ItemDraft.thaw(item) for item in state.deliverables]
        return cls(
            items=items,
            item_index=_positions(item.id for item in items),
            as_of=state.as_of,
            contract_id=state.contract_id,
            signed_at=state.signed_at,
            completed_at=state.completed_at,
            requests=state.requests,
            change_orders=state.change_orders,
            event_count=state.event_count,
            inherited_index=state.request_index,
            money=state.money,
        )

    def freeze(self) -> ContractState:
        """The frozen state as the draft stands now (the draft stays usable)."""
        if self._request_index is not None:  # hand it over; the draft copies before a write
            self.inherited_index, self._request_index = self._request_index, None
        return ContractState(
            deliverables=tuple(item.freeze() for item in self.items),
            as_of=self.as_of,
            contract_id=self.contract_id,
            signed_at=self.signed_at,
            completed_at=self.completed_at,
            requests=tuple(self.requests),
            change_orders=tuple(self.change_orders),
            event_count=self.event_count,
            request_index=self.inherited_index,
            money=self.money,
        )

    def deliverable(self, deliverable_id: str) -> ItemDraft:
        """One deliverable's draft; `LedgerError` if the contract has no such id."""
        position = self.item_index.get(deliverable_id)
        if position is None:
            raise LedgerError(f"the contract has no deliverable {deliverable_id!r}")
        return self.items[position]

    def _writable_requests(self) -> list[RequestRecord]:
        if not isinstance(self.requests, list):
            self.requests = list(self.requests)
        return self.requests

    def _writable_orders(self) -> list[ChangeOrder]:
        if not isinstance(self.change_orders, list):
            self.change_orders = list(self.change_orders)
        return self.change_orders

    def _requests_by_id(self) -> Mapping[str, int]:
        if self._request_index is not None:
            return self._request_index
        if len(self.inherited_index) == len(self.requests):
            return self.inherited_index
        return self._own_request_index()

    def _own_request_index(self) -> dict[str, int]:
        if self._request_index is None:
            inherited = self.inherited_index
            complete = len(inherited) == len(self.requests)
            self._request_index = (
                dict(inherited) if complete else _positions(r.request_id for r in self.requests)
            )
        return self._request_index

    def _orders_by_number(self) -> dict[int, int]:
        if self._order_index is None:
            self._order_index = _positions(co.issued.number for co in self.change_orders)
        return self._order_index

    def request(self, request_id: str) -> RequestRecord | None:
        """The record of a request, or None."""
        position = self._requests_by_id().get(request_id)
        return None if position is None else self.requests[position]

    def add_request(self, record: RequestRecord) -> None:
        """Append a new request's record."""
        self._own_request_index()[record.request_id] = len(self.requests)
        self._writable_requests().append(record)

    def put_request(self, record: RequestRecord) -> None:
        """Replace the record of a request already known."""
        self._writable_requests()[self._requests_by_id()[record.request_id]] = record

    def change_order(self, number: int) -> ChangeOrder | None:
        """The change order with this number, or None."""
        position = self._orders_by_number().get(number)
        return None if position is None else self.change_orders[position]

    def add_change_order(self, order: ChangeOrder) -> None:
        """Append a newly issued change order."""
        self._orders_by_number()[order.issued.number] = len(self.change_orders)
        self._writable_orders().append(order)

    def put_change_order(self, order: ChangeOrder) -> None:
        """Replace a change order already known (same number)."""
        self._writable_orders()[self._orders_by_number()[order.issued.number]] = order
