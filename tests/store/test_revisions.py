"""The judging protocol: a decision computed against a ledger that moved on is not stored."""

from __future__ import annotations

from engine.decide import RevisionRequest
from engine.replies import reply_document as compose
from store.base import utcnow
from store.db import Database
from store.ledger import count_events
from store.revisions import Prepared, judge_request, prepare, store_if_unchanged
from tests.store.delivered import delivered_contract

ASK = "Could you make the opening paragraph a bit shorter and mention our rye sourdough?"


def test_a_decision_on_a_ledger_that_moved_on_is_discarded(database: Database) -> None:
    account_id, contract_id = delivered_contract(database)
    request = RevisionRequest(deliverable="home", message=ASK)
    with database.reads() as session:
        stale = prepare(session, account_id, contract_id, request, compose, utcnow, None)
    judge_request(database, account_id, contract_id, request, compose, utcnow)
    assert isinstance(stale, Prepared)
    with database.writes() as session:
        assert store_if_unchanged(session, stale) is None
    with database.reads() as session:
        assert count_events(session, contract_id, "decision_made") == 1


def test_only_one_of_two_decisions_prepared_on_the_same_ledger_is_stored(
    database: Database,
) -> None:
    account_id, contract_id = delivered_contract(database)
    request = RevisionRequest(deliverable="home", message=ASK)
    with database.reads() as session:
        first = prepare(session, account_id, contract_id, request, compose, utcnow, None)
        second = prepare(session, account_id, contract_id, request, compose, utcnow, None)
    assert isinstance(first, Prepared)
    assert isinstance(second, Prepared)
    stored = []
    for prepared in (first, second):
        with database.writes() as session:
            judged = store_if_unchanged(session, prepared)
            if judged is not None:
                session.commit()
            stored.append(judged is not None)
    assert stored == [True, False]
