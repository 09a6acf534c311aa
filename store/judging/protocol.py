"""1. The judging protocol: store a revision request, judge it, append its events.

Rule: a request is judged against the ledger exactly as it stands when its events are
appended, so two requests racing for the last round can never both be ``included``.

How (optimistic, then pessimistic), written once against ``gateway.Gateway``:

1. Read the contract and the ledger events the process has not folded yet (no lock;
   ``store.ledger_memo``), fold, settle to now, ``engine.decide.evaluate``, compose the
   reply (``engine.replies.reply_document``) — the slow part, CPU only, done while other
   requests proceed.
2. Store it only if the ledger still has the ``n`` events it was judged on: the
   conditional ``UPDATE contracts SET event_count = n + 2 WHERE id = … AND event_count =
   n`` claims the ledger positions, and the two events (``RevisionRequested``,
   ``DecisionMade``), the request, decision and reply rows and the Idempotency-Key's
   response are written with it, in one transaction. If another writer appended first,
   nothing is written: discard the decision and start again from 1.
3. After ``OPTIMISTIC_ATTEMPTS`` lost races (a hot contract), or for a request with an
   ``external_id`` (which may name a judgement already stored), judge under the
   contract's lock instead (``Gateway.judge_locked``), which always succeeds.

``unique(contract_id, seq)`` on the ledger backs both paths up.
"""

from __future__ import annotations

from dataclasses import dataclass

from anyio import CapacityLimiter, to_thread

from roundwise.engine.decide import RevisionRequest, decision_events, evaluate, understand
from roundwise.engine.ledger import fold, settle
from roundwise.engine.replies import reply_document
from roundwise.engine.terms import ContractTerms
from roundwise.engine.understand import RequestAnalysis
from roundwise.engine.understand.examples import ExampleBook, follow, nearest
from roundwise.store.contracts import ContractHead
from roundwise.store.errors import ConflictError, NotFoundError
from roundwise.store.ids import new_id
from roundwise.store.judgements import Judged
from roundwise.store.judging.gateway import (
    Completion,
    ContractRow,
    Gateway,
    Prepared,
    Reading,
    Storing,
)
from roundwise.store.ledger import Clock
from roundwise.store.ledger_memo import LEDGER_MEMO, FoldedPrefix, continued, from_start, read_from
from roundwise.store.versions import require_deliverable

JUDGED_STATUSES = frozenset({"signed", "completed"})
OPTIMISTIC_ATTEMPTS = 2


@dataclass(frozen=True, slots=True)
class Judging:
    """One revision request to judge: whose, on which contract, and what goes with it.

    ``completion`` gives the Idempotency-Key response to store with a new judgement (not
    for a request whose ``external_id`` was already judged, which stores nothing);
    ``language`` is an explicit reply language (default: ``engine.replies.reply_language``'s
    choice); ``off_loop``, where given, runs the CPU step in a thread (a long request,
    whose judging would otherwise hold up the event loop).
    """

    account_id: str
    contract_id: str
    request: RevisionRequest
    clock: Clock
    completion: Completion | None = None
    language: str | None = None
    off_loop: OffLoop | None = None
    # The account's corrected readings (issue 16.6): a message like one of them is read
    # as the freelancer read it (``engine.understand.examples``). None or empty: none.
    examples: ExampleBook | None = None


@dataclass(frozen=True, slots=True)
class OffLoop:
    """Judge in a worker thread, admitted by ``limiter`` (None: anyio's default one)."""

    limiter: CapacityLimiter | None = None


@dataclass(frozen=True, slots=True)
class Preread:
    """The contract as a claim already read it (``Claimed.row``), from where the memo's
    entry ``kept`` ended: the first attempt judges on it instead of reading again."""

    kept: FoldedPrefix | None
    row: ContractRow | None


def plan_read(contract_id: str) -> tuple[FoldedPrefix | None, Reading]:
    """The memo's entry for the contract, and the read that continues it."""
    kept = LEDGER_MEMO.get(contract_id)
    return kept, Reading(contract_id, read_from(kept))


async def judge(gateway: Gateway, judging: Judging, preread: Preread | None = None) -> Judged:
    """Record and judge one revision request (see the module docstring)."""
    if judging.request.external_id is None:
        for _ in range(OPTIMISTIC_ATTEMPTS):
            prepared = await prepare(gateway, judging, preread)
            preread = None  # the first attempt's only
            storing = Storing.of(prepared, judging.completion)
            if await gateway.store(storing):
                return storing.judged
    return await judge_locked(gateway, judging)


async def prepare(gateway: Gateway, judging: Judging, preread: Preread | None = None) -> Prepared:
    """Step 1: the judgement on the ledger as it is now (or as ``preread`` read it)."""
    contract, ledger = await _folded(gateway, judging, preread)
    if judging.off_loop is None:
        return judged_against(contract, ledger, judging)
    limiter = judging.off_loop.limiter
    return await to_thread.run_sync(judged_against, contract, ledger, judging, limiter=limiter)


async def judge_locked(gateway: Gateway, judging: Judging) -> Judged:
    """Step 3: judge under the contract's lock, which always succeeds."""

    def decide(row: ContractRow, known: Judged | None) -> Storing | Judged:
        contract = row.head()
        require_judgeable(contract)
        if known is not None:
            return known
        folded = from_start(contract, row.events)
        LEDGER_MEMO.keep(contract.id, folded)
        return Storing.of(judged_against(contract, folded, judging), judging.completion)

    external_id = judging.request.external_id
    return await gateway.judge_locked(judging.account_id, judging.contract_id, external_id, decide)


async def _folded(
    gateway: Gateway, judging: Judging, preread: Preread | None
) -> tuple[ContractHead, FoldedPrefix]:
    """The contract and its ledger folded, reading only the events the memo lacks (or
    taking them from ``preread``)."""
    if preread is not None:
        kept, read = preread.kept, preread.row
    else:
        kept, reading = plan_read(judging.contract_id)
        read = await gateway.read(judging.account_id, reading)
    row = _found(read, judging.contract_id)
    contract = row.head()
    folded = continued(kept, contract, row.events)
    if folded is None:  # the memo did not match the database: read everything
        whole = await gateway.read(judging.account_id, Reading(judging.contract_id, 0))
        row = _found(whole, judging.contract_id)
        contract = row.head()
        folded = from_start(contract, row.events)
    LEDGER_MEMO.keep(contract.id, folded)
    require_judgeable(contract)
    return contract, folded


def _found(row: ContractRow | None, contract_id: str) -> ContractRow:
    if row is None:
        raise NotFoundError(f"no contract {contract_id!r}")
    return row


def require_judgeable(contract: ContractHead) -> None:
    """Only a signed contract's requests are judged."""
    if contract.status not in JUDGED_STATUSES:
        raise ConflictError(f"contract {contract.id} is {contract.status}, not signed")


def judged_against(contract: ContractHead, ledger: FoldedPrefix, judging: Judging) -> Prepared:
    """The judgement of the request on the folded ledger: CPU only, no I/O."""
    terms = contract.terms
    require_deliverable(terms, judging.request.deliverable)
    request = judging.request.model_copy(update={"request_id": new_id("req")})
    now = max([judging.clock(), *(e.at for e in (ledger.last,) if e is not None)])
    state = settle(terms, ledger.state, now)
    decision = evaluate(terms, state, request, now, _followed(terms, request, judging.examples))
    events = decision_events(request, decision)
    fold(events, now, terms, start=state)  # the new events must keep the ledger foldable
    reply = reply_document(decision, terms, state, judging.language)
    return Prepared(contract.id, ledger.count, request, decision, events, reply)


def _followed(
    terms: ContractTerms, request: RevisionRequest, book: ExampleBook | None
) -> RequestAnalysis | None:
    """The request read as the account's nearest corrected example says, if one is close
    enough (None: ``evaluate`` reads it itself, as it does for an account without any)."""
    if not book:
        return None
    analysis = understand(terms, request)
    found = nearest(book, request.message)
    return analysis if found is None else follow(analysis, *found, request.message)


__all__ = [
    "JUDGED_STATUSES",
    "OPTIMISTIC_ATTEMPTS",
    "Judging",
    "OffLoop",
    "Preread",
    "judge",
    "judge_locked",
    "judged_against",
    "plan_read",
    "prepare",
    "require_judgeable",
]
