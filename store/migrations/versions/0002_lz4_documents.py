"""PostgreSQL: compress the stored JSON documents and response bodies with LZ4.

Why: every judged request stores about 15 KB of JSON (request, decision, reply, ledger
events, the Idempotency-Key's response); values over 2 KB are compressed on the way into
TOAST, and with the default ``pglz`` that compression was a fifth of PostgreSQL's CPU per
request. LZ4 compresses about as well here at a fraction of the CPU. Existing values stay
as they are (PostgreSQL reads both); new ones are written with LZ4.

Only where the server supports it (PostgreSQL 14 or newer, built with LZ4); a no-op on
SQLite and elsewhere.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 06:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

LARGE_COLUMNS = (
    ("ledger_events", "payload"),
    ("revision_requests", "document"),
    ("decisions", "document"),
    ("replies", "document"),
    ("idempotency_records", "response_body"),
)


def _lz4_supported() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    supported = bind.execute(
        sa.text(
            "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression'"
            " AND 'lz4' = ANY(enumvals)"
        )
    ).first()
    return supported is not None


def _set_compression(method: str) -> None:
    if not _lz4_supported():
        return
    for table, column in LARGE_COLUMNS:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION {method}")


def upgrade() -> None:
    _set_compression("lz4")


def downgrade() -> None:
    _set_compression("pglz")
