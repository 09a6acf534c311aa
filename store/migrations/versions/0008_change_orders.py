"""Change orders: the table of drafts, their status and the hashed acceptance tokens.

What a change order offered and how it was answered is in the ledger; this table holds
a change order before it is sent (its draft is editable), the number it goes out as
(unique per contract), its validity date, and the SHA-256 of the client's acceptance
link's token (unique: the token alone finds its change order).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "change_orders",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("contract_id", sa.String(length=40), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("document", JSON_DOC, nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("answered_by", sa.String(length=20), nullable=True),
        sa.Column("answer_note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_change_orders_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name=op.f("fk_change_orders_contract_id_contracts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_orders")),
        sa.UniqueConstraint(
            "contract_id", "number", name=op.f("uq_change_orders_contract_id_number")
        ),
        sa.UniqueConstraint("token_hash", name=op.f("uq_change_orders_token_hash")),
    )


def downgrade() -> None:
    op.drop_table("change_orders")
