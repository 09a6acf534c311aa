"""What the web pages keep in the database: one-time sign-in links and the cookie key.

A sign-in link's token is random (32 bytes), shown once (``roundwise account login-link``)
and stored only as its SHA-256; it works once, until it expires. Redeeming marks it used
in the same transaction that reads it, with a conditional UPDATE, so two tabs racing on
one link sign in at most once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from roundwise.store import statements
from roundwise.store.accounts import find_account
from roundwise.store.base import utcnow
from roundwise.store.errors import NotFoundError
from roundwise.store.models import WebLoginLink, WebSecret

LOGIN_LINK_TTL = timedelta(minutes=15)
COOKIE_SECRET_NAME = "session-cookie"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_login_link(
    session: Session, account_name: str, ttl: timedelta = LOGIN_LINK_TTL
) -> tuple[str, datetime]:
    """A new one-time token for the named account and when it expires (the token is
    shown only here)."""
    account = find_account(session, account_name)
    if account is None:
        raise NotFoundError(f"no account named {account_name!r}")
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        WebLoginLink(
            token_hash=_token_hash(token),
            account_id=account.id,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    session.flush()
    return token, now + ttl


def redeem_login_link(session: Session, token: str, now: datetime | None = None) -> str | None:
    """The account id of a live, unused link, which is used up by this call; else None."""
    if not token or len(token) > 200:
        return None
    at = now or utcnow()
    digest = _token_hash(token)
    claimed = session.execute(
        update(WebLoginLink)
        .where(
            WebLoginLink.token_hash == digest,
            WebLoginLink.used_at.is_(None),
            WebLoginLink.expires_at > at,
        )
        .values(used_at=at)
        .returning(WebLoginLink.account_id)
    ).scalar_one_or_none()
    return None if claimed is None else str(claimed)


def key_still_live(session: Session, prefix: str, account_id: str) -> bool:
    """Whether the API key a web session was signed in with is still live (a revoked key
    ends the sessions it opened)."""
    row = session.execute(statements.live_key_by_prefix(), {"prefix": prefix}).one_or_none()
    return row is not None and str(row.account_id) == account_id


def cookie_secret(sessions: sessionmaker[Session]) -> str:
    """The database's cookie-signing key, made on first use (a concurrent first use by
    another worker wins the insert, and this one reads what it stored)."""
    with sessions() as session:
        known = session.get(WebSecret, COOKIE_SECRET_NAME)
        if known is not None:
            return known.value
    try:
        with sessions.begin() as session:
            session.add(WebSecret(name=COOKIE_SECRET_NAME, value=secrets.token_urlsafe(48)))
    except IntegrityError:
        pass
    with sessions() as session:
        value = session.scalars(
            select(WebSecret.value).where(WebSecret.name == COOKIE_SECRET_NAME)
        ).one()
        return str(value)


__all__ = [
    "LOGIN_LINK_TTL",
    "cookie_secret",
    "issue_login_link",
    "key_still_live",
    "redeem_login_link",
]
