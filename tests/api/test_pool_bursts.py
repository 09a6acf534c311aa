"""A burst of reads larger than the connection pool queues; it never times out into 500s.

FastAPI validates a sync route's response in the thread pool, while the route's session
still holds its connection: with more requests than connections, the finished ones waited
for a thread while the running ones waited for a connection, until the pool's timeout
turned them into 500s. The session dependencies now admit a bounded number of sessions at
once (``api.deps.SESSIONS_AT_ONCE``), the others waiting without a thread or a connection.
"""

from __future__ import annotations

import time

from fastapi import FastAPI

from roundwise.api.app import create_app
from roundwise.api.settings import Settings
from roundwise.store.db import Database
from tests.api.asgiclient import ASGIClient, served
from tests.api.conftest import new_account, signed_contract

BURST = 60


def test_a_burst_of_reads_on_a_small_pool_is_answered_in_full(
    settings: Settings, database: Database
) -> None:
    small = settings.model_copy(update={"db_pool_size": 4})
    tiny_db = Database.connect(small.database_url, pool_size=small.db_pool_size)
    app: FastAPI = create_app(small, tiny_db)
    try:
        with served(app) as client:
            _burst(client, database)
    finally:
        tiny_db.dispose()


def _burst(client: ASGIClient, database: Database) -> None:
    auth = new_account(database)
    contract_id = signed_contract(client, auth)
    url = f"/v1/contracts/{contract_id}/ledger"
    started = time.monotonic()
    responses = client.gather([("GET", url, {"headers": auth})] * BURST)
    assert [r.status_code for r in responses] == [200] * BURST
    assert time.monotonic() - started < 20, "requests waited for the pool's timeout"
