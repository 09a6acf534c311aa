"""The judging protocol: a decision computed against a ledger that moved on is not stored."""

from __future__ import annotations

from pathlib import Path

from api.replying import compose
from engine.decide import RevisionRequest
from engine.terms import parse_spec
from store import contracts, versions
from store.accounts import create_account
from store.base import utcnow
from store.db import Database
from store.ids import new_id
from store.ledger import count_events
from store.revisions import Prepared, judge_request, prepare, store_if_unchanged

SPEC = Path(__file__).resolve().parents[2] / "contracts" / "examples" / "bakery-web-copy.yaml"
ASK = "Could you make the opening paragraph a bit shorter and mention our rye sourdough?"


def _delivered(database: Database) -> tuple[str, str]:
    terms = parse_spec(SPEC.read_text(encoding="utf-8"))
    with database.writes.begin() as session:
        account, _key = create_account(session, f"acct-{new_id('t')}")
        contract = contracts.create_contract(session, account.id, terms, None)
        for status in ("sent", "signed"):
            contracts.transition(session, contract, status, utcnow)
        content = ("home", "Three generations of bakers. " * 50, None, None)
        versions.submit_version(session, contract, terms, content, None, utcnow)
        return account.id, contract.id


def test_a_decision_on_a_ledger_that_moved_on_is_discarded(database: Database) -> None:
    account_id, contract_id = _delivered(database)
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
    account_id, contract_id = _delivered(database)
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
