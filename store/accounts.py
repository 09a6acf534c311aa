"""Accounts and API keys.

A key looks like ``rw_<prefix>_<secret>``: the prefix (public, 12 hex digits) finds the
row, the SHA-256 of the whole key is what is stored, and the comparison is constant-time.
The plain key exists only in the return value of ``create_account``/``issue_key``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundwise.store import statements
from roundwise.store.base import utcnow
from roundwise.store.errors import ConflictError, NotFoundError
from roundwise.store.ids import new_id
from roundwise.store.models import Account, ApiKey

KEY_SCHEME = "rw"


def hash_key(key: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _split_key(key: str) -> str | None:
    scheme, _, rest = key.partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != KEY_SCHEME or len(prefix) != 12 or not secret:
        return None
    return prefix


def issue_key(session: Session, account_id: str, label: str = "") -> str:
    """Create a new key for the account and return it (the only time it is visible)."""
    prefix = secrets.token_hex(6)
    key = f"{KEY_SCHEME}_{prefix}_{secrets.token_urlsafe(32)}"
    session.add(
        ApiKey(
            id=new_id("key"),
            account_id=account_id,
            prefix=prefix,
            key_hash=hash_key(key),
            label=label,
        )
    )
    session.flush()
    return key


def create_account(session: Session, name: str) -> tuple[Account, str]:
    """Create an account with one API key; a taken name is a conflict."""
    if find_account(session, name) is not None:
        raise ConflictError(f"an account named {name!r} already exists")
    account = Account(id=new_id("acc"), name=name, created_at=utcnow())
    session.add(account)
    session.flush()
    return account, issue_key(session, account.id, label="created with the account")


def find_account(session: Session, name: str) -> Account | None:
    """The account with this name, if any."""
    return session.scalars(select(Account).where(Account.name == name)).one_or_none()


def authenticate(session: Session, presented: str) -> str | None:
    """The account id a live key belongs to, or None (unknown, malformed or revoked)."""
    prefix = _split_key(presented)
    if prefix is None:
        return None
    # every request authenticates: a prebuilt Core query
    row = session.execute(statements.live_key_by_prefix(), {"prefix": prefix}).one_or_none()
    if row is None:
        return None
    matches = hmac.compare_digest(row.key_hash, hash_key(presented))
    return str(row.account_id) if matches else None


def revoke_key(session: Session, prefix: str, now: datetime | None = None) -> None:
    """Revoke the key with this prefix; later requests with it get 401."""
    row = session.scalars(select(ApiKey).where(ApiKey.prefix == prefix)).one_or_none()
    if row is None:
        raise NotFoundError(f"no API key with prefix {prefix!r}")
    if row.revoked_at is None:
        row.revoked_at = now or utcnow()


def key_prefix(key: str) -> str | None:
    """The public prefix of a key (what ``revoke_key`` takes), or None if malformed."""
    return _split_key(key)


__all__ = [
    "authenticate",
    "create_account",
    "find_account",
    "hash_key",
    "issue_key",
    "key_prefix",
    "revoke_key",
]
