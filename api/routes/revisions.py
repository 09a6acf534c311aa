"""Revision requests: send one and get the decision and the reply draft in one response."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field

from roundwise.api.deps import (
    AccountDep,
    PageDep,
    SessionDep,
    bearer_scheme,
    current_account,
    database_of,
    long_judging,
    open_async_pool,
)
from roundwise.api.errors import AuthenticationError, error_response, problem_responses
from roundwise.api.examples import EXAMPLE_REQUEST, examples
from roundwise.api.middleware import claims_its_own_key, replayed, request_fingerprint
from roundwise.api.schemas import (
    DocumentText,
    MessageText,
    PageOut,
    RequestItems,
    ServiceDatetime,
    StoredIn,
    judged_off_loop,
)
from roundwise.engine.decide import Decision, RevisionRequest
from roundwise.engine.errors import RoundwiseError
from roundwise.engine.understand.examples import ExampleBook
from roundwise.store import corrections, idempotency, jsoncodec, judgements
from roundwise.store.base import utcnow
from roundwise.store.db import Database
from roundwise.store.judging import (
    Gateway,
    Judging,
    KeyAsk,
    OffLoop,
    Preread,
    gateway_for,
    judge,
    plan_read,
)

router = APIRouter(
    prefix="/contracts/{contract_id}/revision-requests",
    tags=["revision requests"],
    responses=problem_responses(400, 401, 404, 413, 422),
)

JSON = "application/json"


class RevisionRequestIn(StoredIn):
    """What the client asked: their message, optionally the revised text or explicit items."""

    model_config = examples(
        EXAMPLE_REQUEST,
        {
            "deliverable": "home",
            "message": "Could you also write five Instagram posts about the rye sourdough?",
            "items": ["Five Instagram posts about the rye sourdough"],
        },
    )

    deliverable: str = Field(min_length=1, max_length=64, description="The spec's deliverable id.")
    message: MessageText
    revised_text: DocumentText | None = Field(
        default=None,
        description="The client's own edit of the text, if they sent one: measured against "
        "the latest delivered version. At most 200000 characters.",
    )
    items: RequestItems = Field(default_factory=list)
    received_at: ServiceDatetime | None = Field(
        default=None, description="When the client sent it (default: now)."
    )
    channel: str = Field(
        default="api",
        min_length=1,
        max_length=40,
        description="How the request reached you (`email`, `phone`, `api`, …).",
    )
    external_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Your id for the message; the same id twice is one request.",
    )

    def to_engine(self) -> RevisionRequest:
        """The engine's request value."""
        return RevisionRequest(
            deliverable=self.deliverable,
            message=self.message,
            revised_text=self.revised_text,
            items=tuple(self.items),
            received_at=self.received_at,
            channel=self.channel,
            external_id=self.external_id,
        )


class RequestOut(BaseModel):
    """The request as stored."""

    id: str
    deliverable: str
    channel: str
    external_id: str | None
    received_at: datetime
    message: str
    revised_text: str | None
    items: list[str]


class TechniqueOut(BaseModel):
    """A communication technique the reply applies, with its sources (for the freelancer)."""

    id: str
    name: str
    sources: list[str]


class ReplyOut(BaseModel):
    """The reply draft: subject, text, Markdown, and the techniques behind it."""

    subject: str
    text: str
    markdown: str
    language: str
    stage: str
    verdict: str
    techniques: list[TechniqueOut]
    needs_review: bool = Field(
        default=False,
        description="A draft to check: the decision needs the freelancer's review "
        "(decision.needs_review), so the text must not be sent as it stands.",
    )
    language_rule: str | None = Field(
        default=None,
        description="Which rule chose the reply's language: override (asked for "
        "explicitly), client_message (the language the client wrote in), client_spec (the "
        "client's language in the contract), contract (the contract's language) or default "
        "(English, when none of those has phrase blocks). None on replies stored before "
        "the rule was recorded.",
    )


class JudgedOut(BaseModel):
    """A revision request with the decision on it and the reply to send."""

    request: RequestOut
    decision: Decision
    reply: ReplyOut
    decision_ledger_seq: int = Field(description="The DecisionMade event's place in the ledger.")


def judged_document(judged: judgements.Judged) -> dict[str, Any]:
    """The JSON of a stored judgement (the shape of ``JudgedOut``).

    Built from the stored documents, which are the engine values already serialised, so
    a response is not validated and dumped a second time.
    """
    document: dict[str, Any] = judged.request.document
    request = RequestOut(
        id=judged.request.id,
        deliverable=judged.request.deliverable_key,
        channel=judged.request.channel,
        external_id=judged.request.external_id,
        received_at=judged.request.received_at,
        message=document["message"],
        revised_text=document.get("revised_text"),
        items=list(document.get("items", [])),
    )
    return {
        "request": request.model_dump(mode="json"),
        "decision": judged.decision.document,
        "reply": judged.reply.document,
        "decision_ledger_seq": judged.decision.ledger_seq,
    }


def judged_response(judged: judgements.Judged, status_code: int = 200) -> Response:
    """A judgement as a response, serialised once."""
    return Response(jsoncodec.dumps(judged_document(judged)), status_code, media_type=JSON)


BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=JudgedOut,
    responses={
        200: {"model": JudgedOut, "description": "A request with this external_id was known."},
        **problem_responses(409, 413),
    },
)
@claims_its_own_key
async def send_revision_request(
    contract_id: str, body: RevisionRequestIn, credentials: BearerDep, request: Request
) -> Response:
    """Record a revision request, judge it against the contract and draft the reply.

    A refused revision is a normal result (201 with its verdict), not an error; a request
    whose ``external_id`` was already judged returns that judgement with 200.

    The judging runs on the event loop (``store.judging``); on PostgreSQL its statements
    are awaited on the async pool. With an Idempotency-Key this route claims the key
    itself, in the statement that reads the contract (see ``_judge_keyed``).
    """
    gateway = gateway_for(database_of(request), open_async_pool(request))
    key = request.headers.get("idempotency-key")
    if key is None:
        account = await current_account(request, credentials)
        off_loop = _off_loop(request, body)
        examples = await _examples(request, account)
        judging = Judging(
            account, contract_id, body.to_engine(), utcnow, off_loop=off_loop, examples=examples
        )
        judged = await judge(gateway, judging)
        code = status.HTTP_200_OK if judged.repeated else status.HTTP_201_CREATED
        return judged_response(judged, code)
    return await _judge_keyed(gateway, request, credentials, contract_id, body, key)


async def _examples(request: Request, account_id: str) -> ExampleBook:
    """The account's corrected readings (issue 16.6): kept in the process for a few
    seconds, so a request pays a query only when they are not (``store.corrections``)."""
    book = corrections.cached_examples(account_id)
    if book is not None:
        return book
    return await to_thread.run_sync(corrections.account_examples, database_of(request), account_id)


def _off_loop(request: Request, body: RevisionRequestIn) -> OffLoop | None:
    """Where a long request's judging runs (issue 22): in a thread, one at a time per
    worker (``api.deps.long_judging``), so its CPU time never holds up the event loop;
    None for the usual short request, judged on the loop."""
    if not judged_off_loop(body.message, body.items, body.revised_text):
        return None
    return OffLoop(long_judging(request))


async def _judge_keyed(
    gateway: Gateway,
    request: Request,
    credentials: HTTPAuthorizationCredentials | None,
    contract_id: str,
    body: RevisionRequestIn,
    key: str,
) -> Response:
    """The judged request with an Idempotency-Key: the key's whole life, here in sight.

    Claim the key and read the contract in one step (one statement on PostgreSQL), judge
    on what the claim read, and store the 201 response with the judgement, atomically
    (``_KeyedResponse``): the key never says "done" without the judgement, nor the
    judgement exist with the key in flight. A retry replays the stored response; a known
    ``external_id``'s 200 and an error (404, 409, 422) are stored after; a server error
    releases the key, so a retry runs again.
    """
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthenticationError("send an API key as `Authorization: Bearer <key>`")
    fingerprint = request_fingerprint(request.scope, await request.body())
    policy: idempotency.KeyPolicy = request.app.state.key_policy
    ask = KeyAsk(credentials.credentials, key, fingerprint, utcnow(), policy)
    kept, reading = plan_read(contract_id)
    claim = await gateway.claim(ask, reading)
    if claim is None:
        raise AuthenticationError("the API key is unknown or revoked")
    if claim.replay is not None:
        return replayed(claim.replay)
    keyed = _KeyedResponse(claim.account_id, key)
    off_loop = _off_loop(request, body)
    examples = await _examples(request, claim.account_id)
    judging = Judging(
        claim.account_id,
        contract_id,
        body.to_engine(),
        utcnow,
        keyed.keep,
        off_loop=off_loop,
        examples=examples,
    )
    db = database_of(request)
    try:
        judged = await judge(gateway, judging, Preread(kept, claim.row) if claim.read else None)
    except RoundwiseError as exc:
        failed = error_response(exc, request.url.path)
        await keyed.settle(db, failed)
        return failed
    except BaseException:
        await to_thread.run_sync(idempotency.release, db.writes, claim.account_id, key)
        raise
    if judged.repeated:  # nothing was stored: the key's response is stored now
        known = judged_response(judged, status.HTTP_200_OK)
        await keyed.settle(db, known)
        return known
    return Response(keyed.body, status.HTTP_201_CREATED, media_type=JSON)


class _KeyedResponse:
    """The 201 response of a new judgement, built before it is stored and stored with it
    as the Idempotency-Key's response (``keep``, the judging's ``completion``)."""

    def __init__(self, account_id: str, key: str) -> None:
        self.account_id, self.key, self.body = account_id, key, b""

    def keep(self, judged: judgements.Judged) -> idempotency.KeyCompletion:
        self.body = jsoncodec.dumps(judged_document(judged))
        stored = idempotency.StoredResponse(201, JSON, self.body)
        return idempotency.KeyCompletion(self.account_id, self.key, stored, utcnow())

    async def settle(self, db: Database, response: Response) -> None:
        """Store ``response`` as the key's (release the key for a server error)."""
        if response.status_code >= 500:
            await to_thread.run_sync(idempotency.release, db.writes, self.account_id, self.key)
            return
        content_type = response.headers.get("content-type", JSON)
        stored = idempotency.StoredResponse(
            response.status_code, content_type, bytes(response.body)
        )
        arguments = (db.writes, self.account_id, self.key, stored, utcnow())
        await to_thread.run_sync(idempotency.complete, *arguments)


@router.get("")
def list_revision_requests(
    contract_id: str, account: AccountDep, session: SessionDep, page: PageDep
) -> PageOut[JudgedOut]:
    """The contract's revision requests, oldest first, each with its decision and reply."""
    result = judgements.list_judged(session, account, contract_id, page.limit, page.cursor)
    return PageOut[JudgedOut](
        items=[JudgedOut.model_validate(judged_document(j)) for j in result.items],
        next_cursor=result.next_cursor,
    )


@router.get("/{request_id}", response_model=JudgedOut)
def get_revision_request(
    contract_id: str, request_id: str, account: AccountDep, session: SessionDep
) -> Response:
    """One revision request with its decision and reply."""
    return judged_response(judgements.get_judged(session, account, contract_id, request_id))
