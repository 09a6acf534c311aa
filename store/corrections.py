"""Corrections: the freelancer says how a request should have been read (issue 16.6).

``correct_assessment`` appends an `AssessmentCorrected` event and the superseding
`DecisionMade` (judged again on the corrected reading, ``engine.decide.correction``)
under the contract's lock; nothing in the ledger is changed. The stored decision and
reply rows — the API's view of the request — show the newest judgement. The corrected
reading becomes an example for the account (``assessment_examples``).

Examples for judging (``account_examples``) are read per account and kept in this
process for ``EXAMPLES_TTL`` seconds (the hot path pays no query while they are fresh); a
correction made in this process takes effect here at once, one made in another worker
within that time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundwise.engine.decide.correction import corrected_scope, rejudge
from roundwise.engine.decide.events import decision_made
from roundwise.engine.ledger import (
    AssessmentCorrected,
    CorrectedItem,
    DecisionMade,
    Event,
    Folding,
    RevisionRequested,
)
from roundwise.engine.replies import reply_document
from roundwise.engine.understand.examples import Example, ExampleBook, example_book
from roundwise.store import outbox
from roundwise.store.db import Database
from roundwise.store.errors import ConflictError
from roundwise.store.ids import new_id
from roundwise.store.judgements import Judged, judged_of
from roundwise.store.ledger import Clock, append_events
from roundwise.store.models import AssessmentExample, DecisionRecord, ReplyRecord
from roundwise.store.review import locked_ledger, request_of_account

EXAMPLES_TTL = 5.0
EXAMPLE_ACCOUNTS_KEPT = 4096


def correct_assessment(
    session: Session,
    account_id: str,
    request_id: str,
    fields: dict[str, Any],
    clock: Clock,
) -> Judged:
    """Correct the reading of the account's request and judge it again.

    ``fields`` holds what the freelancer set: ``intent``, ``items`` (each ``text`` and
    ``scope``), ``stage``; a field left out keeps the current reading's value. The same
    correction twice is one correction (the second changes nothing).
    """
    row = request_of_account(session, account_id, request_id)
    contract, terms, events, state = locked_ledger(session, account_id, row, clock)
    record = state.request(request_id)
    if record is None or record.decision is None:
        raise ConflictError(f"request {request_id!r} has no decision to correct")
    judged = judged_of(session, row)
    assert state.as_of is not None
    correction = _correction(fields, judged, record.decision, state.as_of, request_id)
    if record.correction is not None and _same(record.correction, correction):
        return judged
    folding = Folding(terms, state)
    folding.apply(correction)
    corrected = folding.state()
    requested = _requested(events, request_id)
    decision = rejudge(terms, corrected, requested, correction, state.as_of)
    made = decision_made(decision)
    folding.apply(made)  # the new events must keep the ledger foldable
    seqs = append_events(session, contract, [correction, made])
    reply = reply_document(decision, terms, corrected, judged.reply.language or None)
    _show(session, judged, decision.model_dump(mode="json"), reply, seqs[-1])
    _keep_example(session, account_id, contract.id, requested, correction)
    session.flush()
    forget_examples(account_id)
    result = judged_of(session, row)
    # The superseding decision is a new decision for the receivers (its own message id:
    # the row, and so the decision id, is the one the first judgement had).
    outbox.enqueue(
        session,
        account_id,
        outbox.DECISION_CREATED,
        lambda: {**outbox.decision_data(result), "corrected": True},
    )
    return result


def _correction(
    fields: dict[str, Any],
    judged: Judged,
    decision: DecisionMade,
    at: Any,
    request_id: str,
) -> AssessmentCorrected:
    """The correction event: the freelancer's fields over the current reading."""
    shown = judged.decision.document
    items = fields.get("items")
    if items is None:
        items = [{"text": i.text, "scope": i.scope} for i in decision.items]
    return AssessmentCorrected(
        at=at,
        request_id=request_id,
        intent=fields.get("intent") or shown.get("intent", "revision_request"),
        items=tuple(CorrectedItem.model_validate(i) for i in items),
        stage=fields.get("stage") or shown.get("stage", "calm"),
    )


def _same(before: AssessmentCorrected, now: AssessmentCorrected) -> bool:
    return (before.intent, before.items, before.stage) == (now.intent, now.items, now.stage)


def _requested(events: Sequence[Event], request_id: str) -> RevisionRequested:
    for event in events:
        if isinstance(event, RevisionRequested) and event.request_id == request_id:
            return event
    raise ConflictError(f"the ledger has no request {request_id!r}")  # rows without events


def _show(
    session: Session,
    judged: Judged,
    decision: dict[str, Any],
    reply: dict[str, Any],
    seq: int,
) -> None:
    """The request's rows show the newest judgement (the ledger keeps every one)."""
    record = session.get_one(DecisionRecord, judged.decision.id)
    record.verdict, record.document, record.ledger_seq = decision["verdict"], decision, seq
    reply_record = session.get_one(ReplyRecord, judged.reply.id)
    reply_record.document, reply_record.language = reply, str(reply.get("language", ""))


def _keep_example(
    session: Session,
    account_id: str,
    contract_id: str,
    requested: RevisionRequested,
    correction: AssessmentCorrected,
) -> None:
    """Record (or update) the request's corrected reading as an account example."""
    example = session.scalars(
        select(AssessmentExample).where(AssessmentExample.request_id == requested.request_id)
    ).one_or_none()
    if example is None:
        example = AssessmentExample(
            id=new_id("exm"),
            account_id=account_id,
            contract_id=contract_id,
            request_id=requested.request_id,
            message=requested.message,
        )
        session.add(example)
    example.intent = correction.intent
    example.scope = corrected_scope(correction)
    example.stage = correction.stage
    example.created_at = correction.at


class _ExampleCache:
    """Each account's example book and when it was read (monotonic seconds)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[str, tuple[float, ExampleBook]] = {}

    def get(self, account_id: str) -> ExampleBook | None:
        with self._lock:
            kept = self._kept.get(account_id)
        if kept is None or time.monotonic() - kept[0] > EXAMPLES_TTL:
            return None
        return kept[1]

    def keep(self, account_id: str, book: ExampleBook) -> None:
        with self._lock:
            if len(self._kept) >= EXAMPLE_ACCOUNTS_KEPT:
                self._kept.clear()
            self._kept[account_id] = (time.monotonic(), book)

    def forget(self, account_id: str) -> None:
        with self._lock:
            self._kept.pop(account_id, None)


_EXAMPLES = _ExampleCache()


def cached_examples(account_id: str) -> ExampleBook | None:
    """The account's examples if this process read them recently (no I/O)."""
    return _EXAMPLES.get(account_id)


def account_examples(db: Database, account_id: str) -> ExampleBook:
    """The account's examples, vectorised (read and kept for ``EXAMPLES_TTL`` seconds)."""
    book = _EXAMPLES.get(account_id)
    if book is not None:
        return book
    with db.reads() as session:
        rows = session.scalars(
            select(AssessmentExample)
            .where(AssessmentExample.account_id == account_id)
            .order_by(AssessmentExample.created_at, AssessmentExample.id)
        ).all()
        examples = [Example(r.message, r.intent, r.scope, r.stage, r.request_id) for r in rows]
    book = example_book(examples)
    _EXAMPLES.keep(account_id, book)
    return book


def forget_examples(account_id: str) -> None:
    """Drop the account's kept examples (after a correction in this process)."""
    _EXAMPLES.forget(account_id)


__all__ = [
    "EXAMPLES_TTL",
    "account_examples",
    "cached_examples",
    "correct_assessment",
    "forget_examples",
]
