"""4. The SQLite adapter: every step on SQLAlchemy sessions, in the thread pool.

Also the adapter of a PostgreSQL database when the app runs without its lifespan (so
without the async pool of ``postgres.py``): the statements are SQLAlchemy Core and run
on either database. The read runs outside the write transaction, so the slow judging
between read and store never holds SQLite's write lock; the store is one ``BEGIN
IMMEDIATE`` transaction.
"""

from __future__ import annotations

from anyio import to_thread

from roundwise.store.db import Database
from roundwise.store.idempotency import authenticate_and_claim
from roundwise.store.judgements import Judged
from roundwise.store.judging import locked
from roundwise.store.judging.gateway import Claimed, ContractRow, Decide, KeyAsk, Reading, Storing


class SqliteGateway:
    """``Gateway`` on ``db``'s sessions, each step one hop into the thread pool."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def claim(self, ask: KeyAsk, reading: Reading | None = None) -> Claimed | None:
        return await to_thread.run_sync(self._claim, ask, reading)

    async def read(self, account_id: str, reading: Reading) -> ContractRow | None:
        return await to_thread.run_sync(self._read, account_id, reading)

    async def store(self, storing: Storing) -> bool:
        return await to_thread.run_sync(self._store, storing)

    async def judge_locked(
        self, account_id: str, contract_id: str, external_id: str | None, decide: Decide
    ) -> Judged:
        arguments = (self.db, account_id, contract_id, external_id, decide)
        return await to_thread.run_sync(locked.judge_locked, *arguments)

    def _claim(self, ask: KeyAsk, reading: Reading | None) -> Claimed | None:
        """The claim's transaction, then (fresh, with ``reading``) the read's, in one hop."""
        arguments = (self.db, ask.token, ask.key, ask.fingerprint, ask.at, ask.policy)
        claim = authenticate_and_claim(*arguments)
        if claim is None or claim.replay is not None or reading is None:
            return None if claim is None else Claimed(claim.account_id, claim.replay)
        row = self._read(claim.account_id, reading)
        return Claimed(claim.account_id, read=True, row=row)

    def _read(self, account_id: str, reading: Reading) -> ContractRow | None:
        with self.db.reads() as session:
            return locked.read_contract(session, account_id, reading)

    def _store(self, storing: Storing) -> bool:
        with self.db.writes() as session:
            stored = locked.store_in(session, storing)
            if stored:
                session.commit()
            return stored


__all__ = ["SqliteGateway"]
