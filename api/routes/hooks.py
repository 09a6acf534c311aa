"""Inbound webhooks: ``POST /v1/hooks/{provider}/{integration_id}``, no API key.

The signature authenticates a delivery, so it is checked first, on the raw body, before
anything is parsed (``api.inbound.signatures``); a failure is 401 and nothing is stored.
A verified delivery is always acknowledged with 200 (Linear wants exactly 200) and
logged (``GET /v1/integrations/{id}/deliveries``): a client's new comment becomes a
revision request, judged by ``judge_comment`` exactly as ``POST
/v1/contracts/{id}/revision-requests`` judges one (``store.judging.judge``), with the
provider as ``channel`` and ``<provider>:<comment id>`` as ``external_id``; anything
else is ignored with the reason.

Nothing doubles: the contract's ``unique(contract_id, external_id)`` and the judging's
locked path for a request with an ``external_id`` make a redelivered comment (sent
again, or five times at once) return the first judgement instead of a second request
and a second round; a provider delivery id seen before is answered from the log
without judging at all. The namespace ``<provider>:`` keeps a GitHub comment 123 and a
Jira comment 123 on one contract two requests.
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

import orjson
from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field, ValidationError
from starlette.datastructures import Headers

from roundwise.api.deps import database_of, long_judging, open_async_pool
from roundwise.api.errors import field_path, problem_responses
from roundwise.api.inbound import signatures
from roundwise.api.inbound.comments import (
    DELIVERY_HEADERS,
    Comment,
    Ignored,
    Read,
    read_payload,
    screen,
)
from roundwise.api.inbound.mail import read_mail
from roundwise.api.middleware import claims_its_own_key
from roundwise.api.routes.revisions import RevisionRequestIn
from roundwise.api.schemas import judged_off_loop
from roundwise.engine.errors import RoundwiseError
from roundwise.store import integrations as repo
from roundwise.store.base import utcnow
from roundwise.store.db import Database
from roundwise.store.judging import Judging, OffLoop, gateway_for, judge

router = APIRouter(prefix="/hooks", tags=["hooks"], responses=problem_responses(401, 404, 413, 422))

Provider = Literal["github", "trello", "jira", "linear", "email", "generic"]
EXTERNAL_ID_MAX = 200


class HookOut(BaseModel):
    """What became of the delivery."""

    outcome: str = Field(description="created, duplicate, ignored or refused.")
    reason: str
    request_id: str | None = Field(description="The revision request it became, if any.")
    delivery: str = Field(description="The entry in the integration's delivery log.")


@router.head("/{provider}/{integration_id}", responses=problem_responses(404, 422))
async def check_hook(provider: Provider, integration_id: str, request: Request) -> Response:
    """200 for an integration's hook URL (Trello checks it with HEAD before it posts)."""
    await _integration(database_of(request), provider, integration_id)
    return Response(status_code=200)


@router.post("/{provider}/{integration_id}", responses=problem_responses(401, 404, 413, 422))
@claims_its_own_key
async def receive_hook(provider: Provider, integration_id: str, request: Request) -> HookOut:
    """A provider's webhook: verified, read, and judged or ignored (see the module).

    Its own idempotency is the delivery id and the comment id, so an ``Idempotency-Key``
    a sender adds is left alone (the middleware would ask for an API key with it).
    """
    body = await request.body()
    db = database_of(request)
    integration = await _integration(db, provider, integration_id)
    # Off the loop: an e-mail's parsing takes up to a few hundred ms for the largest body.
    delivery_id, read = await to_thread.run_sync(verified, integration, body, request.headers)
    outcome = await _outcome(request, db, integration, delivery_id, read)
    entry = await to_thread.run_sync(_record, db, integration, outcome)
    return HookOut(
        outcome=outcome.outcome,
        reason=outcome.reason,
        request_id=outcome.request_id,
        delivery=entry,
    )


def verified(
    integration: repo.HookIntegration, body: bytes, headers: Headers
) -> tuple[str | None, Read]:
    """Check the signature, then read the body: the delivery id and what it says."""
    provider, secret = integration.provider, integration.secret
    if provider == "github":
        signatures.verify_github(secret, body, headers)
    elif provider == "jira":
        signatures.verify_jira(secret, body, headers)
    elif provider == "linear":
        signatures.verify_linear(secret, body, headers)
    elif provider == "trello":
        signatures.verify_trello(secret, body, headers, integration.hook_url)
    else:
        signatures.verify_standard(secret, body, headers)
    if provider == "email":
        return read_mail(body)
    payload = _json(body)
    if provider == "linear":
        signatures.require_fresh_linear(payload if isinstance(payload, dict) else {})
    return _delivery_id(provider, payload, headers), read_payload(provider, payload, headers)


def _json(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return None


def _delivery_id(provider: str, payload: Any, headers: Headers) -> str | None:
    if provider == "trello":
        action = payload.get("action") if isinstance(payload, dict) else None
        found = action.get("id") if isinstance(action, dict) else None
        return found[:200] if isinstance(found, str) else None
    value = headers.get(DELIVERY_HEADERS[provider])
    return value[:200] if value else None


async def _outcome(
    request: Request,
    db: Database,
    integration: repo.HookIntegration,
    delivery_id: str | None,
    read: Read,
) -> repo.Outcome:
    """What to do with a verified delivery."""
    if integration.paused:
        return repo.Outcome("ignored", "the integration is paused", delivery_id)
    if isinstance(read, Ignored):
        return repo.Outcome("ignored", read.reason, delivery_id)
    external_id = external_id_of(integration.provider, read.comment_id)
    why_not = screen(read, integration)
    if why_not is not None:
        return repo.Outcome("ignored", why_not.reason, delivery_id, external_id)
    if delivery_id is not None:
        known = await to_thread.run_sync(_seen, db, integration.id, delivery_id)
        if known is not None:
            reason = "this delivery was received before"
            return repo.Outcome("duplicate", reason, delivery_id, external_id, known)
    return await judge_comment(request, integration, read, delivery_id)


async def judge_comment(
    request: Request,
    integration: repo.HookIntegration,
    comment: Comment,
    delivery_id: str | None,
) -> repo.Outcome:
    """Judge a client's comment as a revision request, through the same path as the API's
    ``send_revision_request`` (its body model's bounds, then ``store.judging.judge``).

    The one place a webhook-created request is judged: an event about the decision
    (outbound ``decision.created``) belongs right after ``judge`` returns a new one.
    """
    external_id = external_id_of(integration.provider, comment.comment_id)
    fields = {
        "deliverable": comment.deliverable or integration.deliverable,
        "message": comment.message,
        "channel": integration.provider,
        "external_id": external_id,
    }
    try:
        body = RevisionRequestIn.model_validate(fields)
    except ValidationError as exc:
        why = "; ".join(f"{field_path(e['loc'])}: {e['msg']}" for e in exc.errors())
        return repo.Outcome("refused", why, delivery_id, external_id)
    off_loop = None
    if judged_off_loop(body.message, body.items, body.revised_text):
        off_loop = OffLoop(long_judging(request))
    gateway = gateway_for(database_of(request), open_async_pool(request))
    judging = Judging(
        integration.account_id, integration.contract_id, body.to_engine(), utcnow, off_loop=off_loop
    )
    try:
        judged = await judge(gateway, judging)
    except RoundwiseError as exc:
        return repo.Outcome("refused", exc.message, delivery_id, external_id)
    if judged.repeated:
        reason = "this comment was judged before"
        return repo.Outcome("duplicate", reason, delivery_id, external_id, judged.request.id)
    reason = f"judged: {judged.decision.verdict}"
    return repo.Outcome("created", reason, delivery_id, external_id, judged.request.id)


def external_id_of(provider: str, comment_id: str) -> str:
    """``<provider>:<comment id>``; a longer one (a long Message-ID) as its SHA-256."""
    external_id = f"{provider}:{comment_id}"
    if len(external_id) <= EXTERNAL_ID_MAX:
        return external_id
    return f"{provider}:sha256:{hashlib.sha256(comment_id.encode()).hexdigest()}"


async def _integration(db: Database, provider: str, integration_id: str) -> repo.HookIntegration:
    return await to_thread.run_sync(_find, db, provider, integration_id)


def _find(db: Database, provider: str, integration_id: str) -> repo.HookIntegration:
    with db.reads() as session:
        return repo.for_hook(session, provider, integration_id)


def _seen(db: Database, integration_id: str, delivery_id: str) -> str | None:
    with db.reads() as session:
        return repo.seen_delivery(session, integration_id, delivery_id)


def _record(db: Database, integration: repo.HookIntegration, outcome: repo.Outcome) -> str:
    with db.writes() as session:
        entry = repo.record_delivery(session, integration, outcome)
        session.commit()
        return entry


__all__ = ["HookOut", "external_id_of", "judge_comment", "receive_hook", "verified"]
