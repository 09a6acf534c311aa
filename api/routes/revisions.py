"""Revision requests: send one and get the decision and the reply draft in one response."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from anyio import to_thread
from fastapi import APIRouter, Request, status
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field
from starlette.routing import compile_path
from starlette.types import Scope

from api.deps import (
    AccountDep,
    PageDep,
    SessionDep,
    database_of,
    long_judging,
    open_async_pool,
)
from api.errors import problem_responses
from api.middleware import ClaimedKey, ReadAheadPlan, claimed_key, read_ahead_in
from api.replying import compose
from api.schemas import (
    DocumentText,
    MessageText,
    PageOut,
    RequestItems,
    ServiceDatetime,
    StoredIn,
    judged_off_loop,
)
from engine.decide import Decision, RevisionRequest
from store import idempotency, jsoncodec, judgements, revisions, revisions_async
from store.base import utcnow
from store.ledger_memo import ReadAhead

router = APIRouter(
    prefix="/contracts/{contract_id}/revision-requests",
    tags=["revision requests"],
    responses=problem_responses(400, 401, 404, 413, 422),
)

JSON = "application/json"


class RevisionRequestIn(StoredIn):
    """What the client asked: their message, optionally the revised text or explicit items."""

    model_config = ConfigDict(extra="forbid")

    deliverable: str = Field(min_length=1, max_length=64, description="The spec's deliverable id.")
    message: MessageText
    revised_text: DocumentText | None = None
    items: RequestItems = Field(default_factory=list)
    received_at: ServiceDatetime | None = Field(
        default=None, description="When the client sent it (default: now)."
    )
    channel: str = Field(default="api", min_length=1, max_length=40)
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


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=JudgedOut,
    responses={
        200: {"model": JudgedOut, "description": "A request with this external_id was known."},
        **problem_responses(409, 413),
    },
)
async def send_revision_request(
    contract_id: str, body: RevisionRequestIn, account: AccountDep, request: Request
) -> Response:
    """Record a revision request, judge it against the contract and draft the reply.

    A refused revision is a normal result (201 with its verdict), not an error; a request
    whose ``external_id`` was already judged returns that judgement with 200.

    On PostgreSQL the judging runs on the event loop, its statements awaited
    (``store.revisions_async``); elsewhere in the thread pool.
    """
    state = request.scope.get("state", {})
    response = _StoredResponse(claimed_key(state))
    arguments = (account, contract_id, body.to_engine(), compose, utcnow, response.keep)
    db, pool = database_of(request), open_async_pool(request)
    # issue 22: a long request is judged in a thread, one at a time (api.deps.long_judging)
    long = judged_off_loop(body.message, body.items, body.revised_text)
    if pool is not None and not long:
        read = read_ahead_in(state)
        judged = await revisions_async.judge_request_async(pool, db, *arguments, read)
    else:
        limiter = long_judging(request) if long else None
        judged = await to_thread.run_sync(revisions.judge_request, db, *arguments, limiter=limiter)
    if judged.repeated:
        return judged_response(judged, status.HTTP_200_OK)
    return response.sent()


def read_ahead_plan(prefix: str) -> ReadAheadPlan:
    """For ``IdempotencyMiddleware``: a POST that ``send_revision_request`` will answer
    (this router included under ``prefix``) gets its contract and ledger read by the
    claim's statement.

    The path is matched as the router matches it (Starlette's ``compile_path`` of the
    route's own path), so the middleware reads exactly the contract the route judges.
    """
    route = next(r for r in router.routes if getattr(r, "endpoint", None) is send_revision_request)
    assert isinstance(route, APIRoute)
    assert route.methods == {"POST"}
    pattern, _, convertors = compile_path(prefix + route.path)

    def plan(scope: Scope) -> ReadAhead | None:
        match = pattern.match(scope["path"]) if scope["method"] == "POST" else None
        if match is None:
            return None
        contract_id = convertors["contract_id"].convert(match["contract_id"])
        return ReadAhead.planned(str(contract_id))

    return plan


class _StoredResponse:
    """The 201 response of a new judgement, built before it is stored and stored with it.

    With an Idempotency-Key, the key's record is completed in the same transaction as the
    judgement, so a retry can never find the judgement stored but the key unanswered.
    """

    def __init__(self, claim: ClaimedKey | None) -> None:
        self.claim, self.body = claim, b""

    def keep(self, judged: judgements.Judged) -> idempotency.KeyCompletion | None:
        self.body = jsoncodec.dumps(judged_document(judged))
        if self.claim is None:
            return None
        stored = idempotency.StoredResponse(201, JSON, self.body)
        return idempotency.KeyCompletion(self.claim.account_id, self.claim.key, stored, utcnow())

    def sent(self) -> Response:
        if self.claim is not None:
            self.claim.completed = True
        return Response(self.body, status.HTTP_201_CREATED, media_type=JSON)


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
