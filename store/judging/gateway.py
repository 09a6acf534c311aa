"""2. The gateway: the four things judging asks of a database, and the values it passes.

The protocol (``protocol.py``) is written once, against ``Gateway``; each database has an
adapter (``postgres.py``: psycopg's async connections, one statement per step;
``sqlite.py``: SQLAlchemy sessions in the thread pool). Rows come back as named values
(``ContractRow``), never as positional tuples.

- ``claim``: authenticate the API key and claim the Idempotency-Key (and, for the judged
  route, read the contract in the same round trip);
- ``read``: the contract and the ledger events from a given one on;
- ``store``: the judgement, only if the ledger has not moved (``Storing``);
- ``judge_locked``: read, decide and store under the contract's lock (always succeeds).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from roundwise.engine.decide import Decision, RevisionRequest
from roundwise.engine.ledger import Event
from roundwise.store.base import utcnow
from roundwise.store.contracts import ContractHead, terms_from_text
from roundwise.store.idempotency import KeyCompletion, KeyPolicy, StoredResponse
from roundwise.store.ids import new_id
from roundwise.store.judgements import DecisionRow, Judged, ReplyRow, RequestRow
from roundwise.store.ledger import new_event_values


@dataclass(frozen=True, slots=True)
class ContractRow:
    """A contract's judging columns, and its ledger events from ``Reading.from_seq`` on
    (each as its stored JSON text, in ledger order)."""

    id: str
    status: str
    event_count: int
    spec: str
    events: list[str]

    def head(self) -> ContractHead:
        """The contract with its terms parsed (once per spec text per process)."""
        return ContractHead(self.id, self.status, self.event_count, terms_from_text(self.spec))


@dataclass(frozen=True, slots=True)
class Reading:
    """Which contract to read, and from which ledger event on (0: all of it)."""

    contract_id: str
    from_seq: int


@dataclass(frozen=True, slots=True)
class KeyAsk:
    """An Idempotency-Key to claim for the account of API key ``token``."""

    token: str
    key: str
    fingerprint: str
    at: datetime
    policy: KeyPolicy


@dataclass(frozen=True, slots=True)
class Claimed:
    """A claim's outcome for an authenticated caller.

    ``replay``: the stored response of a completed request with this key (nothing was
    claimed). ``read``: for a fresh claim asked to read, whether the contract was read
    (``read`` true) and what (``row`` None: the account has no such contract).
    """

    account_id: str
    replay: StoredResponse | None = None
    read: bool = False
    row: ContractRow | None = None


@dataclass(frozen=True, slots=True)
class Prepared:
    """A judgement computed against ledger length ``seen``, not yet stored."""

    contract_id: str
    seen: int
    request: RevisionRequest
    decision: Decision
    events: tuple[Event, ...]
    reply: Mapping[str, Any]


# Given a new judgement before it is stored: the Idempotency-Key response to store with it,
# in the same transaction, so neither is ever kept without the other (or None).
Completion = Callable[[Judged], KeyCompletion | None]


@dataclass(frozen=True, slots=True)
class Storing:
    """Everything storing a prepared judgement writes, as plain values: the ledger
    positions it claims (from ``seen`` to ``count``), its events' columns, its rows and
    the Idempotency-Key response that goes with them."""

    contract_id: str
    seen: int
    count: int
    at: datetime
    events: list[dict[str, Any]]
    judged: Judged
    key: KeyCompletion | None

    @classmethod
    def of(cls, prepared: Prepared, completion: Completion | None) -> Storing:
        count = prepared.seen + len(prepared.events)
        judged = _judged_rows(prepared, count)
        events = new_event_values(prepared.contract_id, prepared.seen, prepared.events)
        key = completion(judged) if completion is not None else None
        return cls(prepared.contract_id, prepared.seen, count, utcnow(), events, judged, key)

    def rows(self) -> tuple[RequestRow | DecisionRow | ReplyRow, ...]:
        """The request, decision and reply rows, in foreign-key order."""
        return (self.judged.request, self.judged.decision, self.judged.reply)


# The locked step's judging: the contract and its whole ledger (and the judgement already
# stored for the request's external id, if any) → what to store, or that judgement.
Decide = Callable[[ContractRow, Judged | None], Storing | Judged]


class Gateway(Protocol):
    """What the judging protocol (and the Idempotency-Key handling) asks of a database."""

    async def claim(self, ask: KeyAsk, reading: Reading | None = None) -> Claimed | None:
        """Authenticate ``ask.token`` and claim ``ask.key`` for its account (None: no live
        API key). With ``reading``, a fresh claim may read that contract of the account
        too (``Claimed.read``). A known key raises ``IdempotencyInFlightError`` or
        ``IdempotencyKeyReusedError``, or returns the response to replay."""
        ...

    async def read(self, account_id: str, reading: Reading) -> ContractRow | None:
        """The account's contract and its ledger from ``reading.from_seq`` on (None: the
        account has no such contract), from one snapshot."""
        ...

    async def store(self, storing: Storing) -> bool:
        """Store the judgement if the ledger still has ``storing.seen`` events, atomically
        with the Idempotency-Key's completion; False if another writer appended first."""
        ...

    async def judge_locked(
        self, account_id: str, contract_id: str, external_id: str | None, decide: Decide
    ) -> Judged:
        """Under the contract's lock: read its whole ledger (and the judgement stored for
        ``external_id``), ``decide`` and store what it gives."""
        ...


def _judged_rows(prepared: Prepared, decision_seq: int) -> Judged:
    """The rows that store ``prepared`` (built before storing: the key's response is
    made of them)."""
    request, decision, reply = prepared.request, prepared.decision, prepared.reply
    assert request.request_id is not None
    at: datetime = decision.decided_at
    request_row = RequestRow(
        id=request.request_id,
        contract_id=prepared.contract_id,
        deliverable_key=request.deliverable,
        channel=request.channel,
        external_id=request.external_id,
        document=request.model_dump(mode="json"),
        received_at=decision.received_at,
    )
    decision_row = DecisionRow(
        id=new_id("dec"),
        contract_id=prepared.contract_id,
        request_id=request_row.id,
        verdict=decision.verdict,
        ledger_seq=decision_seq,
        document=decision.model_dump(mode="json"),
        created_at=at,
    )
    reply_row = ReplyRow(
        id=new_id("rep"),
        decision_id=decision_row.id,
        language=str(reply.get("language", "")),
        document=dict(reply),
        created_at=at,
    )
    return Judged(request_row, decision_row, reply_row)


__all__ = [
    "Claimed",
    "Completion",
    "ContractRow",
    "Decide",
    "Gateway",
    "KeyAsk",
    "Prepared",
    "Reading",
    "Storing",
]
