"""CPU per judged revision request, in one process, without HTTP: where a request's time goes.

Runs the server's judging path as the API does (authenticate and claim an
Idempotency-Key, on PostgreSQL reading the contract and ledger in the same statement;
fold, evaluate, compose; store and complete the key in one statement; awaited on an event
loop, as served, through ``store.judging``)
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

from bench.load_workload import DELIVERABLES, SPEC, request_body
from roundwise.api.app import url_of
from roundwise.api.routes.revisions import RevisionRequestIn, _KeyedResponse
from roundwise.engine.decide import decision_events, evaluate
from roundwise.engine.ledger import fold
from roundwise.engine.replies import reply_document
from roundwise.engine.terms import parse_spec
from roundwise.store import contracts, idempotency, versions
from roundwise.store.accounts import create_account
from roundwise.store.async_pool import AsyncPool
from roundwise.store.base import utcnow
from roundwise.store.db import Database
from roundwise.store.judging import Judging, KeyAsk, Preread, gateway_for, judge, plan_read
from roundwise.store.ledger import load_events
from roundwise.store.migrate import upgrade

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
    """The n-th request as the API judges it (auth + claim + read, judge + store + complete).

    As the served app does it, on an event loop through ``store.judging``: on PostgreSQL
    the statements awaited on the async pool, on SQLite the SQLAlchemy adapter's steps in
    the thread pool.
    """
    policy = idempotency.KeyPolicy(timedelta(hours=24), timedelta(seconds=120))
    pool = None if db.is_sqlite else AsyncPool(url_of(db), 4)

    async def one_async(n: int) -> None:
        gateway = gateway_for(db, pool)
        idempotency_key, contract_id = str(uuid.uuid4()), ids[n % len(ids)]
        kept, reading = plan_read(contract_id)
        ask = KeyAsk(key, idempotency_key, FINGERPRINT, utcnow(), policy)
        claim = await gateway.claim(ask, reading)
        assert claim is not None
        request = RevisionRequestIn.model_validate(request_body(n)).to_engine()
        keep = _KeyedResponse(claim.account_id, idempotency_key).keep
        judging = Judging(claim.account_id, contract_id, request, utcnow, keep)
        await judge(gateway, judging, Preread(kept, claim.row) if claim.read else None)

    loop = asyncio.new_event_loop()
    if pool is not None:
        loop.run_until_complete(pool.open())
    try:
        yield lambda n: loop.run_until_complete(one_async(n))
    finally:
        if pool is not None:
            loop.run_until_complete(pool.close())
        loop.close()


FINGERPRINT = "0" * 64


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
        reply_document(decision, terms, state)

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
