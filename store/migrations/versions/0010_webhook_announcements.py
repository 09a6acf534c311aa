"""Announced events: the deemed approvals and scope alerts the periodic chore has sent
(``store.webhooks.announce``), one row each, keyed so that it is sent once.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webhook_announcements",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("contract_id", sa.String(length=40), nullable=False),
        sa.Column("event_type", sa.String(length=60), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("message_id", sa.String(length=40), nullable=True),
        sa.Column("announced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_webhook_announcements")),
    )
    op.create_index(
        op.f("ix_webhook_announcements_account_id"), "webhook_announcements", ["account_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_webhook_announcements_account_id"), table_name="webhook_announcements")
    op.drop_table("webhook_announcements")
