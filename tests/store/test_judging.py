"""The judging protocol (``store.judging``) on the database's own adapter: a decision
computed against a ledger that moved on is not stored, and the locked step always is."""

from __future__ import annotations

from roundwise.engine.decide import RevisionRequest
from roundwise.store.base import utcnow
from roundwise.store.db import Database
from roundwise.store.judging import Gateway, Judging, Storing, judge
from roundwise.store.judging.protocol import judge_locked, prepare
from roundwise.store.ledger import count_events
from tests.store.delivered import delivered_contract
from tests.store.gateways import on_gateway

ASK = "Could you make the opening paragraph a bit shorter and mention our rye sourdough?"


def _judging(database: Database, message: str = ASK, external_id: str | None = None) -> Judging:
    account_id, contract_id = delivered_contract(database)
    request = RevisionRequest(deliverable="home", message=message, external_id=external_id)
    return Judging(account_id, contract_id, request, utcnow)


def _decisions(database: Database, contract_id: str) -> int:
    with database.reads() as session:
        return count_events(session, contract_id, "decision_made")


def test_a_decision_on_a_ledger_that_moved_on_is_discarded(database: Database) -> None:
    judging = _judging(database)

    async def steps(gateway: Gateway) -> bool:
        stale = Storing.of(await prepare(gateway, judging), None)
        await judge(gateway, judging)
        return await gateway.store(stale)

    assert on_gateway(database, steps) is False
    assert _decisions(database, judging.contract_id) == 1


def test_only_one_of_two_decisions_prepared_on_the_same_ledger_is_stored(
    database: Database,
) -> None:
    judging = _judging(database)

    async def steps(gateway: Gateway) -> list[bool]:
        first = Storing.of(await prepare(gateway, judging), None)
        second = Storing.of(await prepare(gateway, judging), None)
        return [await gateway.store(first), await gateway.store(second)]

    assert on_gateway(database, steps) == [True, False]
    assert _decisions(database, judging.contract_id) == 1


def test_the_locked_step_judges_on_the_whole_ledger(database: Database) -> None:
    judging = _judging(database)

    async def steps(gateway: Gateway) -> list[str]:
        optimistic = await judge(gateway, judging)
        locked = await judge_locked(gateway, judging)
        return [optimistic.decision.verdict, locked.decision.verdict]

    verdicts = on_gateway(database, steps)
    assert verdicts[0] == "included"
    assert verdicts[1] != "included"  # the only round is used
    assert _decisions(database, judging.contract_id) == 2


def test_a_known_external_id_returns_its_judgement_without_storing(database: Database) -> None:
    judging = _judging(database, external_id="comment-7")

    async def steps(gateway: Gateway) -> list[bool]:
        first = await judge(gateway, judging)
        again = await judge(gateway, judging)
        assert again.request.id == first.request.id
        return [first.repeated, again.repeated]

    assert on_gateway(database, steps) == [False, True]
    assert _decisions(database, judging.contract_id) == 1


def test_judging_appends_one_decision_per_request(database: Database) -> None:
    judging = _judging(database)
    asks = ["Could you make the opening shorter?", "Please also write five Instagram posts."]

    async def steps(gateway: Gateway) -> list[str]:
        verdicts = []
        for ask in asks:
            request = RevisionRequest(deliverable="home", message=ask)
            judged = await judge(
                gateway, Judging(judging.account_id, judging.contract_id, request, utcnow)
            )
            verdicts.append(judged.decision.verdict)
        return verdicts

    verdicts = on_gateway(database, steps)
    assert verdicts[0] == "included"
    assert verdicts[1] != "included"
