"""Contracts: create from a spec, read, list, edit while unsigned, move through statuses."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, ConfigDict, Field

from roundwise.api.deps import AccountDep, PageDep, SessionDep, WriteSessionDep
from roundwise.api.errors import problem_responses
from roundwise.api.examples import EXAMPLE_SPEC, EXAMPLE_SPEC_TEXT, examples
from roundwise.api.schemas import PageOut, StoredIn
from roundwise.engine.errors import FieldProblem, RequestError, SpecError
from roundwise.engine.terms import ContractTerms, load_spec, parse_spec
from roundwise.store import contracts as repo
from roundwise.store.base import utcnow
from roundwise.store.contract_status import change_status as change_status_announced
from roundwise.store.models import Contract

router = APIRouter(
    prefix="/contracts", tags=["contracts"], responses=problem_responses(400, 401, 413, 422)
)

SPEC_TEXT_LIMIT = 1_000_000


class SpecIn(StoredIn):
    """A contract spec: a JSON object in ``spec``, or YAML/JSON text in ``spec_text``."""

    model_config = examples(
        {"spec_text": EXAMPLE_SPEC_TEXT, "format": "yaml"}, {"spec": EXAMPLE_SPEC}
    )

    spec: dict[str, Any] | None = Field(
        default=None, description="The spec as a JSON object (give this or `spec_text`)."
    )
    spec_text: str | None = Field(
        default=None,
        max_length=SPEC_TEXT_LIMIT,
        description="The spec file's text, YAML or JSON (give this or `spec`).",
    )
    format: Literal["yaml", "json"] = Field(default="yaml", description="Format of spec_text.")


class ContractIn(SpecIn):
    """A new contract (a draft) for one of your clients."""

    model_config = examples(
        {"spec_text": EXAMPLE_SPEC_TEXT, "format": "yaml"}, {"spec": EXAMPLE_SPEC}
    )

    client_id: str | None = Field(
        default=None,
        max_length=40,
        description="One of your clients (the `id` `POST /v1/clients` returned), if any.",
    )


class StatusIn(BaseModel):
    """The next status: draft → sent → signed → completed."""

    model_config = examples({"status": "sent"}, {"status": "signed"})

    status: Literal["sent", "signed", "completed"] = Field(
        description="The next status, one step at a time: `sent` after `draft`, `signed` "
        "after `sent` (which pins the terms' SHA-256), `completed` after `signed`."
    )


class ContractOut(BaseModel):
    """A contract: its validated spec, the spec's SHA-256 and its status."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    title: str
    status: Literal["draft", "sent", "signed", "completed"]
    client_id: str | None
    terms_sha256: str
    spec: dict[str, Any]
    event_count: int = Field(description="Number of events in the contract's ledger.")
    created_at: datetime
    updated_at: datetime


def contract_out(contract: Contract) -> ContractOut:
    """The response shape of a stored contract."""
    return ContractOut.model_validate(contract)


def terms_from(body: SpecIn) -> ContractTerms:
    """Validate the spec in a request; problems name paths inside ``spec``/``spec_text``."""
    if (body.spec is None) == (body.spec_text is None):
        problem = FieldProblem("spec", "send exactly one of spec and spec_text")
        raise RequestError("send the contract spec in spec or spec_text", (problem,))
    field = "spec" if body.spec is not None else "spec_text"
    try:
        if body.spec is not None:
            return load_spec(body.spec)
        return parse_spec(body.spec_text or "", body.format)
    except SpecError as exc:
        problems = tuple(
            FieldProblem(f"{field}.{p.path}" if p.path else field, p.reason) for p in exc.problems
        )
        raise SpecError(exc.message, problems) from None


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(409, 413),
)
def create_contract(body: ContractIn, account: AccountDep, session: WriteSessionDep) -> ContractOut:
    """Create a draft contract from a spec (see `contracts/examples/*.yaml`)."""
    contract = repo.create_contract(session, account, terms_from(body), body.client_id)
    session.commit()
    return contract_out(contract)


@router.get("")
def list_contracts(
    account: AccountDep,
    session: SessionDep,
    page: PageDep,
    status_filter: Annotated[
        Literal["draft", "sent", "signed", "completed"] | None,
        Query(alias="status", description="Only contracts in this status."),
    ] = None,
) -> PageOut[ContractOut]:
    """Your contracts, newest first, with cursor pagination."""
    result = repo.list_contracts(session, account, page.limit, page.cursor, status_filter)
    return PageOut[ContractOut](
        items=[contract_out(c) for c in result.items], next_cursor=result.next_cursor
    )


@router.get("/{contract_id}", responses=problem_responses(404))
def get_contract(contract_id: str, account: AccountDep, session: SessionDep) -> ContractOut:
    """One of your contracts."""
    return contract_out(repo.get_contract(session, account, contract_id))


@router.put("/{contract_id}/spec", responses=problem_responses(404, 409, 413))
def replace_spec(
    contract_id: str, body: SpecIn, account: AccountDep, session: WriteSessionDep
) -> ContractOut:
    """Replace the spec of a draft or sent contract (a signed contract is immutable: 409)."""
    terms = terms_from(body)
    contract = repo.lock_contract(session, account, contract_id)
    repo.replace_terms(session, contract, terms)
    session.commit()
    return contract_out(contract)


@router.post(
    "/{contract_id}/status",
    responses=problem_responses(404, 409, 413),
)
def change_status(
    contract_id: str, body: StatusIn, account: AccountDep, session: WriteSessionDep
) -> ContractOut:
    """Move the contract one step on; signing pins its terms in the ledger.

    Emits the `contract.status_changed` webhook event, in the same transaction."""
    contract = repo.lock_contract(session, account, contract_id)
    change_status_announced(session, account, contract, body.status, utcnow)
    session.commit()
    return contract_out(contract)
