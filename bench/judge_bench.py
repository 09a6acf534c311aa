"""CPU per judged revision request, in one process, without HTTP: where a request's time goes.

Runs the server's judging path as the API does (authenticate and claim an
Idempotency-Key, on PostgreSQL reading the contract and ledger in the same statement;
fold, evaluate, compose; store and complete the key in one statement; on PostgreSQL
awaited on an event loop, as served)
against a real database, and, in the same process on the same requests, the baseline of
the engine alone (fold, ``evaluate``, ``compose``) on the same ledgers in memory. The
difference is what storage costs per request::

    python -m bench.judge_bench                                   # SQLite in a temp dir
    python -m bench.judge_bench --db postgresql+psycopg://postgres@127.0.0.1:5432/test

On PostgreSQL the tables go into a fresh schema that is dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import create_engine, text

from api.app import API_PREFIX, url_of
from api.middleware import ClaimedKey, IdempotencyMiddleware, read_ahead_in
from api.routes.revisions import RevisionRequestIn, _StoredResponse, read_ahead_plan
from bench.load_workload import DELIVERABLES, SPEC, request_body
from engine.decide import RevisionRequest, decision_events, evaluate
from engine.ledger import fold
from engine.replies import reply_document as compose
from engine.terms import parse_spec
from store import contracts, idempotency, revisions, revisions_async, versions
from store.accounts import create_account
from store.async_pool import AsyncPool
from store.base import utcnow
from store.db import Database
from store.ledger import Clock, load_events
from store.migrate import upgrade
from store.revisions import Composer
from store.storing import Completion

CONTRACTS = 40


@contextmanager
def database(url: str | None) -> Iterator[Database]:
    """A migrated, empty database: a temporary SQLite file, or a fresh PostgreSQL schema."""
    if url is None or url.startswith("sqlite"):
        with tempfile.TemporaryDirectory() as folder:
            db = Database.connect(url or f"sqlite:///{Path(folder) / 'judge.db'}")
            upgrade(db.engine)
            yield db
            db.dispose()
        return
    schema = f"rw_judge_bench_{secrets.token_hex(4)}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    db = Database.connect(f"{url}{separator}options={quote(f'-csearch_path={schema}')}")
    try:
        upgrade(db.engine)
        yield db
    finally:
        db.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def set_up(db: Database) -> tuple[str, list[str]]:
    """An account's API key and signed bakery contracts with version 1 of each deliverable."""
    terms = parse_spec(SPEC)
    with db.writes.begin() as session:
        account, key = create_account(session, "bench")
        ids = []
        for _ in range(CONTRACTS):
            contract = contracts.create_contract(session, account.id, terms, None)
            for status in ("sent", "signed"):
                contracts.transition(session, contract, status, utcnow)
            for name, body in DELIVERABLES.items():
                versions.submit_version(
                    session, contract, terms, (name, body, None, None), None, utcnow
                )
            ids.append(contract.id)
    return key, ids


@contextmanager
def served(db: Database, key: str, ids: list[str]) -> Iterator[Callable[[int], None]]:
    """The n-th request as the API judges it (auth + claim, judge + store + complete).

    On PostgreSQL as the served app does it: on an event loop, the statements awaited on
    the async pool (``store.revisions_async``). On SQLite the same calls the app makes in
    its thread pool, made here in this thread (the figures leave out thread hand-offs, as
    they always have).
    """
    policy = idempotency.KeyPolicy(timedelta(hours=24), timedelta(seconds=120))
    if db.is_sqlite:
        threaded = IdempotencyMiddleware(app=None, db=db, policy=policy)  # type: ignore[arg-type]

        def one(n: int) -> None:
            idempotency_key = str(uuid.uuid4())
            outcome = threaded._authenticate_and_claim(key, idempotency_key, FINGERPRINT)
            revisions.judge_request(db, *_arguments(ids, n, idempotency_key, outcome))

        yield one
        return
    pool = AsyncPool(url_of(db), 4)
    middleware = IdempotencyMiddleware(
        app=None,  # type: ignore[arg-type]
        db=db,
        policy=policy,
        pool=pool,
        read_ahead=read_ahead_plan(API_PREFIX),
    )

    async def one_async(n: int) -> None:
        idempotency_key = str(uuid.uuid4())
        path = f"{API_PREFIX}/contracts/{ids[n % len(ids)]}/revision-requests"
        scope: dict[str, Any] = {"type": "http", "method": "POST", "path": path}
        outcome = await middleware._claim(key, idempotency_key, FINGERPRINT, scope)
        arguments = _arguments(ids, n, idempotency_key, outcome)
        read = read_ahead_in(scope.get("state", {}))
        await revisions_async.judge_request_async(pool, db, *arguments, read_ahead=read)

    loop = asyncio.new_event_loop()
    loop.run_until_complete(pool.open())
    try:
        yield lambda n: loop.run_until_complete(one_async(n))
    finally:
        loop.run_until_complete(pool.close())
        loop.close()


FINGERPRINT = "0" * 64


def _arguments(
    ids: list[str], n: int, idempotency_key: str, outcome: Any
) -> tuple[str, str, RevisionRequest, Composer, Clock, Completion]:
    """``judge_request``'s arguments after the database, for the n-th request: the claimed
    account, the contract, the request, compose, the clock and the key's completion."""
    assert outcome is not None
    account_id, _ = outcome
    request = RevisionRequestIn.model_validate(request_body(n)).to_engine()
    completion = _StoredResponse(ClaimedKey(account_id, idempotency_key)).keep
    return account_id, ids[n % len(ids)], request, compose, utcnow, completion


def engine_only(db: Database, ids: list[str]) -> Callable[[int], None]:
    """The baseline: the same judging on the same ledgers, held in memory (no database)."""
    terms = parse_spec(SPEC)
    with db.reads() as session:
        ledgers = {contract_id: load_events(session, contract_id) for contract_id in ids}

    def one(n: int) -> None:
        events = ledgers[ids[n % len(ids)]]
        request = RevisionRequestIn.model_validate(request_body(n)).to_engine()
        now = utcnow()
        state = fold(events, now, terms)
        decision = evaluate(terms, state, request, now)
        fold(decision_events(request, decision), now, terms, start=state)
        compose(decision, terms, state)

    return one


def cpu_per_call(one: Callable[[int], None], calls: int, rounds: int) -> list[float]:
    """Milliseconds of process CPU per call, one figure per round."""
    figures = []
    for r in range(rounds):
        started = time.process_time()
        for n in range(r * calls, (r + 1) * calls):
            one(n)
        figures.append(1000 * (time.process_time() - started) / calls)
    return figures


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Warm up, then alternate rounds of the served path and the engine-only baseline."""
    with database(args.db) as db:
        key, ids = set_up(db)
        baseline_figures, full_figures = [], []
        with served(db, key, ids) as full:
            for n in range(60):
                full(n)
            for _ in range(args.rounds):  # the baseline reads the ledgers as they are now
                baseline_figures += cpu_per_call(engine_only(db, ids), args.calls, 1)
                full_figures += cpu_per_call(full, args.calls, 1)
        backend = db.engine.dialect.name
    full_ms, engine_ms = statistics.median(full_figures), statistics.median(baseline_figures)
    return {
        "database": backend,
        "contracts": CONTRACTS,
        "calls_per_round": args.calls,
        "rounds": args.rounds,
        "served_ms_per_request": round(full_ms, 2),
        "served_rounds_ms": [round(f, 2) for f in full_figures],
        "baseline_engine_only_ms": round(engine_ms, 2),
        "baseline_rounds_ms": [round(f, 2) for f in baseline_figures],
        "storage_ms_per_request": round(full_ms - engine_ms, 2),
    }


def main() -> None:
    """Command-line entry point; prints the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: temporary SQLite).")
    parser.add_argument("--calls", type=int, default=200, help="Requests per round.")
    parser.add_argument("--rounds", type=int, default=5)
    print(json.dumps(run(parser.parse_args()), indent=2))


if __name__ == "__main__":
    main()
