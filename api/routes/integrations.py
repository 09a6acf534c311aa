"""Integrations: link a client's tool (GitHub, Trello, Jira, Linear, a mailbox, any
sender of signed JSON) to a contract, so the client's comments there become revision
requests (``api.routes.hooks``). The secret is shown once, when made or rotated
(``store.integrations`` says how it is kept and why)."""

from __future__ import annotations

import base64
import re
import secrets
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Request, status
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from roundwise.api.deps import AccountDep, PageDep, SessionDep, SettingsDep, WriteSessionDep
from roundwise.api.errors import problem_responses
from roundwise.api.examples import examples
from roundwise.api.schemas import PageOut, StoredIn
from roundwise.engine.errors import FieldProblem, RequestError
from roundwise.store import integrations as repo
from roundwise.store.models import InboundDelivery, Integration

router = APIRouter(
    prefix="/integrations",
    tags=["integrations"],
    responses=problem_responses(400, 401, 404, 413, 422),
)

Provider = Literal["github", "trello", "jira", "linear", "email", "generic"]
PersonId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=320)]
SecretIn = Annotated[str, StringConstraints(min_length=16, max_length=200)]

# What ``external_ref`` names, per provider.
EXTERNAL_REFS: dict[str, tuple[re.Pattern[str], str]] = {
    "github": (
        re.compile(r"[A-Za-z0-9-]{1,39}/[A-Za-z0-9._-]{1,100}#[1-9][0-9]{0,9}"),
        "an issue or pull request as owner/repo#123",
    ),
    "trello": (
        re.compile(r"[0-9a-fA-F]{24}|[A-Za-z0-9]{8}"),
        "a card id (24 hex digits) or its 8-character short link",
    ),
    "jira": (re.compile(r"[A-Z][A-Z0-9_]{0,9}-[1-9][0-9]{0,9}"), "an issue key such as PROJ-12"),
    "linear": (re.compile(r"[A-Z][A-Z0-9]{0,9}-[1-9][0-9]{0,9}"), "an issue id such as ENG-12"),
    "email": (
        re.compile(r"[^@\s<>\"]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}"),
        "the mailbox address the client writes to",
    ),
    "generic": (re.compile(r"\S(?:.{0,318}\S)?", re.DOTALL), "any name of the thread"),
}
# Providers signing per Standard Webhooks: their secret is ``whsec_`` + base64.
STANDARD_WEBHOOKS = frozenset({"email", "generic"})
# Providers whose secret only they can issue (Trello signs with the application's secret).
SECRET_REQUIRED = frozenset({"trello"})


class IntegrationIn(StoredIn):
    """A new integration."""

    model_config = examples(
        {
            "provider": "github",
            "contract_id": "ctr_example",
            "deliverable": "home",
            "external_ref": "bakery/site#12",
            "client_ids": ["ana-client"],
            "freelancer_ids": ["maja-writes"],
        }
    )

    provider: Provider = Field(description="Where the comments are written.")
    contract_id: str = Field(
        min_length=1, max_length=40, description="The contract the comments are requests on."
    )
    deliverable: str = Field(
        min_length=1, max_length=64, description="The deliverable a comment is about by default."
    )
    external_ref: str = Field(
        min_length=1,
        max_length=320,
        description="What the comments are on: GitHub owner/repo#123, a Trello card id, a Jira "
        "key PROJ-12, a Linear id ENG-12, the mailbox address, or any name (generic).",
    )
    client_ids: list[PersonId] = Field(
        min_length=1,
        max_length=50,
        description="The client's logins, account ids or e-mail addresses there.",
    )
    freelancer_ids: list[PersonId] = Field(
        default_factory=list,
        max_length=50,
        description="The freelancer's own logins or addresses there: their comments are ignored.",
    )
    secret: SecretIn | None = Field(
        default=None,
        description="A secret the provider issued (Trello: the application's secret, required; "
        "Linear or an inbound-mail service: its signing secret). Default: one is made.",
    )


class IntegrationPatch(StoredIn):
    """Pause or resume an integration, or change who counts as the client."""

    model_config = examples({"paused": True}, {"client_ids": ["ana-client", "ana@bakery.example"]})

    paused: bool | None = Field(
        default=None, description="True: deliveries are acknowledged and ignored until resumed."
    )
    client_ids: list[PersonId] | None = Field(
        default=None,
        min_length=1,
        max_length=50,
        description="Replaces the list of the client's logins, account ids or addresses.",
    )
    freelancer_ids: list[PersonId] | None = Field(
        default=None, max_length=50, description="Replaces the list of the freelancer's own ids."
    )


class RotateIn(StoredIn):
    """A provider-issued secret to rotate to (default: a new one is made)."""

    model_config = examples({})

    secret: SecretIn | None = Field(
        default=None, description="The provider's new signing secret; default: one is made."
    )


class IntegrationOut(BaseModel):
    """An integration as stored (never its secret)."""

    id: str
    provider: str
    contract_id: str
    deliverable: str
    external_ref: str
    client_ids: list[str]
    freelancer_ids: list[str]
    hook_url: str
    paused: bool
    created_at: datetime
    secret_rotated_at: datetime | None

    @classmethod
    def of(cls, row: Integration) -> IntegrationOut:
        return cls(
            id=row.id,
            provider=row.provider,
            contract_id=row.contract_id,
            deliverable=row.deliverable,
            external_ref=row.external_ref,
            client_ids=list(row.client_ids),
            freelancer_ids=list(row.freelancer_ids),
            hook_url=row.hook_url,
            paused=row.paused,
            created_at=row.created_at,
            secret_rotated_at=row.secret_rotated_at,
        )


class IntegrationWithSecretOut(IntegrationOut):
    """The integration and its secret, shown this once: paste it into the provider."""

    secret: str


class DeliveryOut(BaseModel):
    """One verified delivery and what became of it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    provider: str
    delivery_id: str | None
    external_id: str | None
    outcome: str = Field(description="created, duplicate, ignored or refused.")
    reason: str
    request_id: str | None
    received_at: datetime


def new_secret(provider: str) -> str:
    """A fresh secret: ``whsec_`` + base64 of 32 random bytes for Standard Webhooks,
    else 32 random bytes URL-safe (what GitHub, Jira and Linear accept as a secret)."""
    if provider in STANDARD_WEBHOOKS:
        return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")
    return secrets.token_urlsafe(32)


def checked_secret(provider: str, given: str | None) -> str:
    """The secret to keep: the one given (in the provider's form) or a new one."""
    if given is None:
        if provider in SECRET_REQUIRED:
            raise RequestError(
                "Trello signs webhooks with your Trello application's secret: pass it",
                (FieldProblem("secret", "required for trello"),),
            )
        return new_secret(provider)
    if provider in STANDARD_WEBHOOKS and not _standard_secret(given):
        raise RequestError(
            "a Standard Webhooks secret is whsec_ followed by base64",
            (FieldProblem("secret", "not whsec_ + base64 of at least 16 bytes"),),
        )
    return given


def _standard_secret(secret: str) -> bool:
    """``whsec_`` (optional, as the package reads it) + base64 of at least 16 bytes."""
    body = secret.removeprefix("whsec_")
    try:
        key = base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
    except ValueError:  # binascii.Error is one
        return False
    return len(key) >= 16


def check_external_ref(provider: str, external_ref: str) -> None:
    """``external_ref`` names a thing of the provider's kind."""
    pattern, what = EXTERNAL_REFS[provider]
    if pattern.fullmatch(external_ref) is None:
        raise RequestError(
            f"external_ref for {provider} is {what}",
            (FieldProblem("external_ref", f"not {what}"),),
        )


def _hook_base(request: Request, public_url: str | None) -> str:
    return public_url or str(request.base_url)


@router.post("", status_code=status.HTTP_201_CREATED, responses=problem_responses(409))
def create_integration(
    body: IntegrationIn,
    account: AccountDep,
    session: WriteSessionDep,
    settings: SettingsDep,
    request: Request,
) -> IntegrationWithSecretOut:
    """Link a tool to a contract; the response holds the hook URL and the secret (once)."""
    check_external_ref(body.provider, body.external_ref)
    secret = checked_secret(body.provider, body.secret)
    new = repo.NewIntegration(
        body.provider,
        body.contract_id,
        body.deliverable,
        body.external_ref,
        tuple(body.client_ids),
        tuple(body.freelancer_ids),
    )
    hook_url = repo.HookUrl(_hook_base(request, settings.public_url))
    row = repo.create_integration(session, account, new, secret, hook_url)
    out = IntegrationWithSecretOut(**IntegrationOut.of(row).model_dump(), secret=secret)
    session.commit()
    return out


@router.get("")
def list_integrations(
    account: AccountDep, session: SessionDep, page: PageDep
) -> PageOut[IntegrationOut]:
    """Your integrations, newest first, with cursor pagination."""
    result = repo.list_integrations(session, account, page.limit, page.cursor)
    return PageOut[IntegrationOut](
        items=[IntegrationOut.of(row) for row in result.items], next_cursor=result.next_cursor
    )


@router.get("/{integration_id}", responses=problem_responses(404))
def get_integration(
    integration_id: str, account: AccountDep, session: SessionDep
) -> IntegrationOut:
    """One of your integrations (without its secret)."""
    return IntegrationOut.of(repo.get_integration(session, account, integration_id))


@router.patch("/{integration_id}", responses=problem_responses(404))
def update_integration(
    integration_id: str, body: IntegrationPatch, account: AccountDep, session: WriteSessionDep
) -> IntegrationOut:
    """Pause (deliveries are acknowledged and ignored) or resume; change the people."""
    row = repo.get_integration(session, account, integration_id)
    if body.paused is not None:
        repo.set_paused(row, body.paused)
    if body.client_ids is not None:
        row.client_ids = list(body.client_ids)
    if body.freelancer_ids is not None:
        row.freelancer_ids = list(body.freelancer_ids)
    session.flush()
    out = IntegrationOut.of(row)
    session.commit()
    return out


@router.post("/{integration_id}/rotate-secret", responses=problem_responses(404))
def rotate_secret(
    integration_id: str,
    account: AccountDep,
    session: WriteSessionDep,
    body: Annotated[RotateIn | None, Body(examples=[{}])] = None,
) -> IntegrationWithSecretOut:
    """A new secret (shown once); deliveries signed with the old one are refused."""
    row = repo.get_integration(session, account, integration_id)
    secret = checked_secret(row.provider, body.secret if body is not None else None)
    repo.rotate_secret(row, secret)
    session.flush()
    out = IntegrationWithSecretOut(**IntegrationOut.of(row).model_dump(), secret=secret)
    session.commit()
    return out


@router.delete(
    "/{integration_id}", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(404)
)
def delete_integration(integration_id: str, account: AccountDep, session: WriteSessionDep) -> None:
    """Remove an integration and its delivery log (the requests it created stay)."""
    repo.delete_integration(session, repo.get_integration(session, account, integration_id))
    session.commit()


@router.get("/{integration_id}/deliveries", responses=problem_responses(404))
def list_deliveries(
    integration_id: str, account: AccountDep, session: SessionDep, page: PageDep
) -> PageOut[DeliveryOut]:
    """The verified deliveries the integration received, newest first: what each became
    (a request, a duplicate) or why it was ignored."""
    result = repo.list_deliveries(session, account, integration_id, page.limit, page.cursor)
    rows: list[InboundDelivery] = list(result.items)
    return PageOut[DeliveryOut](
        items=[DeliveryOut.model_validate(row) for row in rows], next_cursor=result.next_cursor
    )
