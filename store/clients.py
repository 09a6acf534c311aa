"""Client repository: every query is scoped to the caller's account."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundwise.store.base import utcnow
from roundwise.store.errors import NotFoundError
from roundwise.store.ids import new_id
from roundwise.store.models import Client
from roundwise.store.pagination import Page, decode_cursor, id_key, page_of


def create_client(
    session: Session, account_id: str, name: str, email: str | None, company: str | None
) -> Client:
    """Add a client to the account."""
    client = Client(
        id=new_id("cli"),
        account_id=account_id,
        name=name,
        email=email,
        company=company,
        created_at=utcnow(),
    )
    session.add(client)
    session.flush()
    return client


def get_client(session: Session, account_id: str, client_id: str) -> Client:
    """The account's client with this id; anyone else's is "not found"."""
    client = session.scalars(
        select(Client).where(Client.account_id == account_id, Client.id == client_id)
    ).one_or_none()
    if client is None:
        raise NotFoundError(f"no client {client_id!r}")
    return client


def list_clients(session: Session, account_id: str, limit: int, cursor: str | None) -> Page[Client]:
    """Newest first, ``limit`` per page."""
    query = select(Client).where(Client.account_id == account_id)
    if cursor is not None:
        query = query.where(Client.id < decode_cursor(cursor, id_key("cli")))
    rows = session.scalars(query.order_by(Client.id.desc()).limit(limit + 1)).all()
    return page_of(rows, limit, lambda row: row.id)


__all__ = ["create_client", "get_client", "list_clients"]
