"""Judging a revision request on the event loop (PostgreSQL): ``store.revisions`` without
a thread.

The protocol is ``store.revisions``'s, step for step: read the contract and the ledger
events the memo lacks (one statement), judge (CPU only: ``judged_against``), store if the
ledger has not moved (one statement); after ``OPTIMISTIC_ATTEMPTS`` lost races, judge under
the contract's lock. Only the waits differ: the two statements are awaited on an async
connection (``store.async_pool``) instead of blocking a pool thread, which saves the
thread hand-offs (see that module for why they mattered).

The rare paths keep their threaded implementation, run in the thread pool: a request with
an ``external_id`` (which may name a judgement already stored) and the locked judgement.
"""

from __future__ import annotations

from typing import Any

import psycopg
from anyio import to_thread

from engine.decide import RevisionRequest
from store import single_trip
from store.async_pool import AsyncPool
from store.contracts import ContractHead
from store.db import Database
from store.judgements import Judged
from store.ledger import Clock
from store.ledger_memo import (
    LEDGER_MEMO,
    FoldedPrefix,
    ReadAhead,
    continued,
    from_start,
    read_from,
)
from store.revisions import (
    OPTIMISTIC_ATTEMPTS,
    Composer,
    contract_and_texts,
    judge_locked,
    judge_request,
    judged_against,
    read_values,
    require_judgeable,
)
from store.storing import Completion, Storing, stored


async def judge_request_async(
    pool: AsyncPool,
    db: Database,
    account_id: str,
    contract_id: str,
    request: RevisionRequest,
    compose: Composer,
    clock: Clock,
    completion: Completion | None = None,
    read_ahead: ReadAhead | None = None,
) -> Judged:
    """``store.revisions.judge_request``, with its statements awaited on ``pool``.

    ``read_ahead``: the contract and ledger as the Idempotency-Key claim already read
    them, for the first attempt (``store.ledger_memo.ReadAhead``).
    """
    arguments = (db, account_id, contract_id, request, compose, clock, completion)
    if request.external_id is not None:
        return await to_thread.run_sync(judge_request, *arguments)
    for _ in range(OPTIMISTIC_ATTEMPTS):
        async with pool.connection() as connection:
            ahead, read_ahead = read_ahead, None  # the first attempt's only
            contract, ledger = await _contract_and_ledger(
                connection, account_id, contract_id, ahead
            )
            require_judgeable(contract)
            prepared = judged_against(contract, ledger, request, compose, clock)
            storing = Storing.of(prepared, completion)
            statement, values = storing.one_statement()
            if stored(await single_trip.run_async(connection, statement, values)):
                return storing.judged
    return await to_thread.run_sync(judge_locked, *arguments)


async def _contract_and_ledger(
    connection: psycopg.AsyncConnection[Any],
    account_id: str,
    contract_id: str,
    read_ahead: ReadAhead | None = None,
) -> tuple[ContractHead, FoldedPrefix]:
    """The contract and its ledger folded, reading only the events the memo lacks (or
    taking them from ``read_ahead``, if the claim read this contract)."""
    ahead = read_ahead if read_ahead is not None and read_ahead.contract_id == contract_id else None
    if ahead is not None and ahead.rows is not None:
        kept = ahead.kept
        contract, texts = contract_and_texts(ahead.rows, contract_id)
    else:
        kept = LEDGER_MEMO.get(contract_id)
        contract, texts = await _read(connection, account_id, contract_id, read_from(kept))
    folded = continued(kept, contract, texts)
    if folded is None:  # the memo did not match the database: read everything
        contract, texts = await _read(connection, account_id, contract_id, 0)
        folded = from_start(contract, texts)
    LEDGER_MEMO.keep(contract.id, folded)
    return contract, folded


async def _read(
    connection: psycopg.AsyncConnection[Any], account_id: str, contract_id: str, from_seq: int
) -> tuple[ContractHead, list[str]]:
    """The contract and its events ``from_seq`` on, as stored, in one statement."""
    values = read_values(account_id, contract_id, from_seq)
    rows = await single_trip.run_async(connection, single_trip.contract_and_ledger(), values)
    return contract_and_texts(rows, contract_id)


__all__ = ["judge_request_async"]
