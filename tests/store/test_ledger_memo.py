"""The folded-ledger memo: judging reads only new events, and gives what a full fold gives."""

from __future__ import annotations

from dataclasses import replace

from roundwise.engine.decide import RevisionRequest
from roundwise.engine.ledger import fold, initial_state
from roundwise.store.base import utcnow
from roundwise.store.db import Database
from roundwise.store.judging import Gateway, Judging, judge
from roundwise.store.judging.gateway import Prepared
from roundwise.store.judging.protocol import prepare
from roundwise.store.ledger import load_events
from roundwise.store.ledger_memo import LEDGER_MEMO, PrefixMemo, empty_prefix, extend
from tests.store.delivered import TERMS, delivered_contract
from tests.store.gateways import on_gateway

ASKS = [
    "Could you make the opening paragraph a bit shorter?",
    "Please also write five Instagram posts for the launch.",
    "It just doesn't feel right. Can you make it better?",
]


def _judge_some(database: Database, account_id: str, contract_id: str, count: int) -> None:
    async def steps(gateway: Gateway) -> None:
        for n in range(count):
            request = RevisionRequest(deliverable="home", message=ASKS[n % len(ASKS)])
            await judge(gateway, Judging(account_id, contract_id, request, utcnow))

    on_gateway(database, steps)


def _prepared(database: Database, account_id: str, contract_id: str) -> Prepared:
    request = RevisionRequest(deliverable="home", message=ASKS[0])
    judging = Judging(account_id, contract_id, request, utcnow)
    return on_gateway(database, lambda gateway: prepare(gateway, judging))


def test_judging_keeps_the_folded_ledger_and_matches_a_full_fold(database: Database) -> None:
    account_id, contract_id = delivered_contract(database)
    _judge_some(database, account_id, contract_id, 4)
    with database.reads() as session:
        events = load_events(session, contract_id)
    kept = LEDGER_MEMO.get(contract_id)
    assert kept is not None
    assert kept.count >= len(events) - 2  # the last judgement's own events are read next time
    prepared = _prepared(database, account_id, contract_id)
    kept = LEDGER_MEMO.get(contract_id)
    assert kept is not None
    assert kept.count == prepared.seen == len(events)
    now = utcnow()
    assert fold([], now, TERMS, start=kept.state) == fold(events, now, TERMS)


def test_a_memo_entry_that_does_not_match_the_database_is_dropped(database: Database) -> None:
    account_id, contract_id = delivered_contract(database)
    _judge_some(database, account_id, contract_id, 2)
    honest = _prepared(database, account_id, contract_id)
    kept = LEDGER_MEMO.get(contract_id)
    assert kept is not None
    LEDGER_MEMO.drop(contract_id)
    # An entry whose last event is not what the database holds at that place
    LEDGER_MEMO.keep(contract_id, replace(kept, last_text=kept.last_text + " "))
    again = _prepared(database, account_id, contract_id)
    assert again.seen == honest.seen
    assert again.decision.verdict == honest.decision.verdict
    assert again.decision.rounds_used == honest.decision.rounds_used
    refreshed = LEDGER_MEMO.get(contract_id)
    assert refreshed is not None
    assert refreshed.last_text == kept.last_text


def test_extend_folds_only_what_continues_the_prefix() -> None:
    texts = ['{"type": "x"}']
    assert extend(replace(empty_prefix(TERMS), count=1, last_text="other"), texts) is None
    assert extend(replace(empty_prefix(TERMS), count=1, last_text="other"), []) is None
    prefix = empty_prefix(TERMS)
    assert extend(prefix, []) is prefix
    assert prefix.state == initial_state(TERMS)


def test_the_memo_keeps_the_longest_prefix_and_drops_the_least_recently_used() -> None:
    memo = PrefixMemo(size=2)
    short, longer = empty_prefix(TERMS), replace(empty_prefix(TERMS), count=3)
    memo.keep("a", longer)
    memo.keep("a", short)
    assert memo.get("a") is longer
    memo.keep("b", short)
    memo.get("a")
    memo.keep("c", short)
    assert memo.get("b") is None
    assert memo.get("a") is longer
    assert len(memo) == 2
