"""Clients: the other party of a freelancer's contracts."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from roundwise.api.deps import AccountDep, PageDep, SessionDep, WriteSessionDep
from roundwise.api.errors import problem_responses
from roundwise.api.examples import examples
from roundwise.api.schemas import PageOut, StoredIn
from roundwise.store import clients as repo

router = APIRouter(
    prefix="/clients", tags=["clients"], responses=problem_responses(400, 401, 413, 422)
)


class ClientIn(StoredIn):
    """A new client."""

    model_config = examples(
        {
            "name": "Marko Horvat",
            "email": "marko@horvat-bakery.example",
            "company": "Horvat Bakery",
        },
        {"name": "Ελένη Παπαδοπούλου"},
    )

    name: str = Field(
        min_length=1, max_length=200, description="The client's name: a person or a business."
    )
    email: str | None = Field(
        default=None, max_length=320, description="The client's e-mail address, if you keep it."
    )
    company: str | None = Field(
        default=None, max_length=200, description="The client's business, if any."
    )


class ClientOut(BaseModel):
    """A client as stored."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    email: str | None
    company: str | None
    created_at: datetime


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(409, 413),
)
def create_client(body: ClientIn, account: AccountDep, session: WriteSessionDep) -> ClientOut:
    """Add a client to your account."""
    client = repo.create_client(session, account, body.name, body.email, body.company)
    session.commit()
    return ClientOut.model_validate(client)


@router.get("")
def list_clients(account: AccountDep, session: SessionDep, page: PageDep) -> PageOut[ClientOut]:
    """Your clients, newest first, with cursor pagination."""
    result = repo.list_clients(session, account, page.limit, page.cursor)
    return PageOut[ClientOut](
        items=[ClientOut.model_validate(c) for c in result.items], next_cursor=result.next_cursor
    )


@router.get("/{client_id}", responses=problem_responses(404))
def get_client(client_id: str, account: AccountDep, session: SessionDep) -> ClientOut:
    """One of your clients."""
    return ClientOut.model_validate(repo.get_client(session, account, client_id))
