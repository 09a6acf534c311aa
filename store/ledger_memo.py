"""Folded ledger prefixes kept per process, so judging reads and folds only new events.

Why: every revision request is judged against its contract's whole ledger, and reading
and folding all of it made a request's cost grow with the ledger (at 64 events, the read
alone was 2 ms of wall time and the fold another 1 ms of CPU). Two facts make a prefix
reusable: the ledger is append-only (triggers refuse UPDATE and DELETE of events), so a
contract's first *k* events never change; and the engine folds a prefix and then the rest
to exactly the state of folding the whole (``engine.ledger.fold``: settling to ``now``
happens only at the end).

So a request reads its contract's events from number *k* on, where *k* is the last event
the memo folded; the first one read must be stored exactly as the memo saw it (its JSON
text), or the entry is dropped and the whole ledger read again. Only events read back
from the database are folded into an entry, never a judgement's own events before they
are committed.

This is a cache, not state: any worker judges any request the same with or without it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from roundwise.engine.ledger import ContractState, Event, Folding, initial_state
from roundwise.engine.terms import ContractTerms
from roundwise.store.contracts import ContractHead
from roundwise.store.ledger import parsed_event

# Contracts whose folded ledger a process keeps (each entry is one ContractState).
CONTRACTS_KEPT = 4096


@dataclass(frozen=True, slots=True)
class FoldedPrefix:
    """A contract's first ``count`` events, folded but not settled to any time.

    ``last_text`` is event number ``count`` as stored (JSON text), ``last`` that event
    (both empty for ``count == 0``).
    """

    terms: ContractTerms
    count: int
    last_text: str
    last: Event | None
    state: ContractState


def empty_prefix(terms: ContractTerms) -> FoldedPrefix:
    """No events folded yet."""
    return FoldedPrefix(terms, 0, "", None, initial_state(terms))


def extend(prefix: FoldedPrefix, texts: Sequence[str]) -> FoldedPrefix | None:
    """``prefix`` with ``texts`` folded in, or None if they do not continue it.

    ``texts`` are the stored events from number ``prefix.count`` on (from the first, for
    an empty prefix): the first must be the prefix's last event, unchanged.
    """
    if prefix.count:
        if not texts or texts[0] != prefix.last_text:
            return None
        texts = texts[1:]
    if not texts:
        return prefix
    folding = Folding(prefix.terms, prefix.state)
    event = prefix.last
    for text in texts:
        event = parsed_event(text)
        folding.apply(event)
    return FoldedPrefix(prefix.terms, prefix.count + len(texts), texts[-1], event, folding.state())


class PrefixMemo:
    """The longest folded prefix seen per contract id, least recently used dropped first."""

    def __init__(self, size: int = CONTRACTS_KEPT) -> None:
        self._size = size
        self._entries: OrderedDict[str, FoldedPrefix] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, contract_id: str) -> FoldedPrefix | None:
        """The contract's entry, if any."""
        with self._lock:
            entry = self._entries.get(contract_id)
            if entry is not None:
                self._entries.move_to_end(contract_id)
            return entry

    def keep(self, contract_id: str, prefix: FoldedPrefix) -> None:
        """Remember ``prefix`` unless a longer one is already kept."""
        with self._lock:
            current = self._entries.get(contract_id)
            if current is None or current.count < prefix.count:
                self._entries[contract_id] = prefix
                self._entries.move_to_end(contract_id)
                while len(self._entries) > self._size:
                    self._entries.popitem(last=False)

    def drop(self, contract_id: str) -> None:
        """Forget the contract's entry (it did not match the database)."""
        with self._lock:
            self._entries.pop(contract_id, None)

    def __len__(self) -> int:
        return len(self._entries)


LEDGER_MEMO = PrefixMemo()


def read_from(kept: FoldedPrefix | None) -> int:
    """The first ledger event to read, given the memo's entry (its last one, to check it)."""
    return kept.count if kept else 0


def continued(
    kept: FoldedPrefix | None, contract: ContractHead, texts: list[str]
) -> FoldedPrefix | None:
    """The memo's entry extended by the events read from ``read_from(kept)`` on; None (and
    the entry dropped) when they do not continue it, so the whole ledger must be read."""
    if kept is None:
        return from_start(contract, texts)
    if kept.terms is contract.terms or kept.terms == contract.terms:
        folded = extend(kept, texts)
        if folded is not None:
            return folded
    LEDGER_MEMO.drop(contract.id)
    return None


def from_start(contract: ContractHead, texts: list[str]) -> FoldedPrefix:
    """The whole ledger, read from its first event, folded."""
    folded = extend(empty_prefix(contract.terms), texts)
    assert folded is not None, "an empty prefix extends to any ledger"
    return folded


__all__ = [
    "CONTRACTS_KEPT",
    "LEDGER_MEMO",
    "FoldedPrefix",
    "PrefixMemo",
    "continued",
    "empty_prefix",
    "extend",
    "from_start",
    "read_from",
]
