"""A contract's evidence bundle as one zip (`contracts.evidence`).

The bundle renders the agreement, every change order and the statement: seconds of CPU
for a long project. It is built whole in one of the app's render worker processes
(`contracts.pool.RenderPool`), never on the event loop, after the database read in the
thread pool. Being a pure function of the terms and the ledger, it carries an ``ETag``
from both, and a client that has it gets ``304`` without a render.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response
from starlette.concurrency import run_in_threadpool

from roundwise.api.deps import AccountDep, DatabaseDep, RenderPoolDep
from roundwise.api.errors import problem_responses
from roundwise.contracts import Paper
from roundwise.contracts.evidence import ZIP_MEDIA_TYPE, build_evidence, signing_event
from roundwise.contracts.statement import ledger_digest
from roundwise.engine import ENGINE_VERSION
from roundwise.engine.ledger import Event
from roundwise.engine.terms import ContractTerms, terms_sha256
from roundwise.store import contracts, ledger
from roundwise.store.db import Database

router = APIRouter(
    prefix="/contracts/{contract_id}",
    tags=["documents"],
    responses=problem_responses(401, 404, 409, 422),
)

ZIP_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {ZIP_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}},
    304: {"description": "Not modified (the `If-None-Match` ETag still matches)."},
}


def _load(db: Database, account: str, contract_id: str) -> tuple[ContractTerms, tuple[Event, ...]]:
    """The terms and the whole ledger, read in a session closed before the build."""
    with db.reads() as session:
        contract = contracts.get_contract(session, account, contract_id)
        return contracts.terms_of(contract), tuple(ledger.load_events(session, contract.id))


@router.get(
    "/evidence.zip",
    response_class=Response,
    responses=ZIP_RESPONSES,
    summary="Everything that proves the contract and its history, as one reproducible zip",
)
async def get_evidence(
    contract_id: str,
    account: AccountDep,
    db: DatabaseDep,
    pool: RenderPoolDep,
    paper: Annotated[Paper, Query(description="Paper size of the PDFs: `a4` or `letter`.")] = "a4",
    if_none_match: Annotated[str | None, Header(description="A previously returned ETag.")] = None,
) -> Response:
    """The signed agreement, every change order and the revision statement (PDF), the
    terms (JSON), the ledger (JSON lines), every delivered version, and `manifest.json`
    with the SHA-256 of each file and of the terms. The same ledger gives the same bytes.
    A contract not yet signed is a 409 `/problems/ledger-not-signed`."""
    terms, events = await run_in_threadpool(_load, db, account, contract_id)
    signing_event(events)  # an unsigned contract is refused before any render
    tag = f'"ev-{terms_sha256(terms)[:16]}-{ledger_digest(events)[:16]}-{paper}-{ENGINE_VERSION}"'
    headers = {"Cache-Control": "private, no-cache", "ETag": tag}
    if if_none_match is not None and tag in {part.strip() for part in if_none_match.split(",")}:
        return Response(status_code=304, headers=headers)
    loop = asyncio.get_running_loop()
    build = functools.partial(build_evidence, terms, events, paper=paper)
    bundle = await loop.run_in_executor(pool.executor(), build)
    headers["Content-Disposition"] = f'attachment; filename="{bundle.filename}"'
    return Response(bundle.data, media_type=ZIP_MEDIA_TYPE, headers=headers)


__all__ = ["router"]
