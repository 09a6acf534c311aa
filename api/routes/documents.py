"""The contract's documents as PDFs: the agreement, the revision statement, change orders.

Rendering takes a few hundred milliseconds of CPU, so it never runs on the event loop: the
database read goes to the thread pool (``run_in_threadpool``) and the render to a small
pool of worker processes (`contracts.pool.RenderPool`, one per app, sized by
``ROUNDWISE_RENDER_PROCESSES`` and stopped with the app), where it cannot hold the event
loop's GIL and several renders run in parallel. Agreements and change orders carry a weak
``ETag`` (terms hash, ledger digest, paper), so a client that already has the document
gets ``304`` without a render; the statement depends on the clock (a review window may
end in deemed approval), so it is never cached.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Response
from starlette.concurrency import run_in_threadpool

from roundwise.api.deps import AccountDep, DatabaseDep, RenderPoolDep
from roundwise.api.errors import problem_responses
from roundwise.contracts import DocumentKind, Paper
from roundwise.contracts.pool import RenderPool
from roundwise.contracts.statement import ledger_digest
from roundwise.engine.ledger import Event
from roundwise.engine.terms import ContractTerms, terms_sha256
from roundwise.store import change_orders, contracts, ledger
from roundwise.store.base import utcnow
from roundwise.store.db import Database

router = APIRouter(
    prefix="/contracts/{contract_id}",
    tags=["documents"],
    responses=problem_responses(401, 404, 409, 422),
)

PDF_MEDIA_TYPE = "application/pdf"
PDF_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {PDF_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}},
    304: {"description": "Not modified (the `If-None-Match` ETag still matches)."},
}
PaperQuery = Annotated[Paper, Query(description="Paper size: `a4` or `letter`.")]
IfNoneMatch = Annotated[str | None, Header(description="A previously returned ETag.")]
BilingualQuery = Annotated[
    bool,
    Query(
        description="Agreement only: print each clause in two columns, the contract's "
        "language and the client's (`client.language` in the spec). Without a supported "
        "client language different from the contract's, the usual agreement is returned."
    ),
]


@dataclass(frozen=True, slots=True)
class _Sources:
    """What a document is rendered from, read in one database round trip."""

    terms: ContractTerms
    events: tuple[Event, ...]
    now: datetime
    draft: bool = False  # the events end with a preview of a change order not sent yet


def _load(db: Database, account: str, contract_id: str) -> _Sources:
    """Read in a session of its own, closed before the render: a render takes a few
    hundred milliseconds, and holding a connection (and a session slot, see
    ``api.deps.SESSIONS_AT_ONCE``) through it would hold up other requests."""
    with db.reads() as session:
        contract = contracts.get_contract(session, account, contract_id)
        events = tuple(ledger.load_events(session, contract.id))
        now = ledger.ledger_time(session, contract.id, utcnow)
        return _Sources(contracts.terms_of(contract), events, now)


def _load_change_order(db: Database, account: str, contract_id: str, number: int) -> _Sources:
    """As ``_load``, plus a preview of change order ``number`` while it is a draft."""
    with db.reads() as session:
        contract = contracts.get_contract(session, account, contract_id)
        events = tuple(ledger.load_events(session, contract.id))
        now = ledger.ledger_time(session, contract.id, utcnow)
        preview = change_orders.preview_events(session, contract, events, number, now)
        return _Sources(contracts.terms_of(contract), events + preview, now, bool(preview))


@router.get(
    "/documents/{document}.pdf",
    response_class=Response,
    responses=PDF_RESPONSES,
    summary="The service agreement or the revision statement as a PDF",
)
async def get_document(
    contract_id: str,
    document: Literal["agreement", "statement"],
    account: AccountDep,
    db: DatabaseDep,
    pool: RenderPoolDep,
    paper: PaperQuery = "a4",
    bilingual: BilingualQuery = False,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """The agreement (clauses, parties, fees, signatures) or the revision statement."""
    sources = await run_in_threadpool(_load, db, account, contract_id)
    kind: DocumentKind = document
    bilingual = bilingual and kind == "agreement"
    tag = _etag(sources, kind, paper, None, bilingual) if kind == "agreement" else None
    return await _respond(pool, sources, kind, paper, None, tag, if_none_match, bilingual)


@router.get(
    "/change-orders/{number}.pdf",
    response_class=Response,
    responses=PDF_RESPONSES,
    summary="A change order as a PDF",
)
async def get_change_order(
    contract_id: str,
    number: int,
    account: AccountDep,
    db: DatabaseDep,
    pool: RenderPoolDep,
    paper: PaperQuery = "a4",
    if_none_match: IfNoneMatch = None,
) -> Response:
    """Change order ``number``: the request, the quote and its computation, acceptance.

    A draft (not sent yet) is rendered as a preview, marked as a draft and never cached.
    """
    sources = await run_in_threadpool(_load_change_order, db, account, contract_id, number)
    tag = None if sources.draft else _etag(sources, "change-order", paper, number)
    return await _respond(pool, sources, "change-order", paper, number, tag, if_none_match)


async def _respond(
    pool: RenderPool,
    sources: _Sources,
    kind: DocumentKind,
    paper: Paper,
    number: int | None,
    tag: str | None,
    if_none_match: str | None,
    bilingual: bool = False,
) -> Response:
    if tag is not None and if_none_match is not None and tag in _tags(if_none_match):
        return Response(status_code=304, headers=_cache_headers(tag))
    rendered = await pool.render(
        sources.terms,
        sources.events,
        kind,
        created=sources.now,
        paper=paper,
        change_order=number,
        draft=sources.draft,
        bilingual=bilingual,
    )
    headers = {
        "Content-Disposition": f'inline; filename="{rendered.filename}"',
        **_cache_headers(tag),
    }
    return Response(rendered.pdf, media_type=PDF_MEDIA_TYPE, headers=headers)


def _etag(
    sources: _Sources, kind: DocumentKind, paper: Paper, number: int | None, bilingual: bool = False
) -> str:
    """A weak validator: same terms (and ledger), paper and columns give an equivalent document."""
    base = terms_sha256(sources.terms)[:16]
    if kind == "agreement":
        return f'W/"agr-{base}-{paper}{"-bi" if bilingual else ""}"'
    return f'W/"co{number}-{base}-{ledger_digest(sources.events)[:16]}-{paper}"'


def _tags(header: str) -> set[str]:
    return {part.strip() for part in header.split(",")}


def _cache_headers(tag: str | None) -> dict[str, str]:
    if tag is None:
        return {"Cache-Control": "private, no-store"}
    return {"Cache-Control": "private, no-cache", "ETag": tag}


__all__ = ["router"]
