"""The async pool's connection string, and judging through it on PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest

from engine.decide import RevisionRequest
from engine.replies import reply_document as compose
from store.async_pool import AsyncPool, conninfo
from store.base import utcnow
from store.db import Database
from store.revisions_async import judge_request_async
from tests.store.delivered import delivered_contract


def test_conninfo_is_the_libpq_uri_of_the_sqlalchemy_url() -> None:
    url = "postgresql+psycopg://ana:s3cr%40t@db.example:5433/roundwise?options=-csearch_path%3Dx"
    assert conninfo(url) == (
        "postgresql://ana:s3cr%40t@db.example:5433/roundwise?options=-csearch_path%3Dx"
    )


def test_judging_on_the_async_pool_appends_one_decision_per_request(database: Database) -> None:
    if database.is_sqlite:
        pytest.skip("the async pool is PostgreSQL's")
    account_id, contract_id = delivered_contract(database)
    url = database.engine.url.render_as_string(hide_password=False)
    asks = ["Could you make the opening shorter?", "Please also write five Instagram posts."]

    async def judge_all() -> list[str]:
        pool = AsyncPool(url, 4)
        await pool.open()
        try:
            verdicts = []
            for ask in asks:
                request = RevisionRequest(deliverable="home", message=ask)
                judged = await judge_request_async(
                    pool, database, account_id, contract_id, request, compose, utcnow
                )
                verdicts.append(judged.decision.verdict)
            return verdicts
        finally:
            await pool.close()
            assert not pool.ready

    verdicts = asyncio.run(judge_all())
    assert verdicts[0] == "included"
    assert verdicts[1] != "included"
