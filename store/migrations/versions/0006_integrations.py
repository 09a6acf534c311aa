"""Integrations (issue 19): a client's tool linked to a contract, and the log of the
webhook deliveries it sent (what each became, or why it was ignored).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "integrations",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("contract_id", sa.String(length=40), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("deliverable", sa.String(length=64), nullable=False),
        sa.Column("external_ref", sa.String(length=320), nullable=False),
        sa.Column("client_ids", JSON_DOC, nullable=False),
        sa.Column("freelancer_ids", JSON_DOC, nullable=False),
        sa.Column("hook_url", sa.String(length=500), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("secret_rotated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_integrations_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name=op.f("fk_integrations_contract_id_contracts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrations")),
    )
    op.create_index(op.f("ix_integrations_account_id"), "integrations", ["account_id"])
    op.create_index(op.f("ix_integrations_contract_id"), "integrations", ["contract_id"])
    op.create_table(
        "inbound_deliveries",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("integration_id", sa.String(length=40), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("delivery_id", sa.String(length=200), nullable=True),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("request_id", sa.String(length=40), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_inbound_deliveries_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["integration_id"],
            ["integrations.id"],
            name=op.f("fk_inbound_deliveries_integration_id_integrations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_deliveries")),
    )
    op.create_index(
        "ix_inbound_deliveries_integration_id_id", "inbound_deliveries", ["integration_id", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_inbound_deliveries_integration_id_id", table_name="inbound_deliveries")
    op.drop_table("inbound_deliveries")
    op.drop_index(op.f("ix_integrations_contract_id"), table_name="integrations")
    op.drop_index(op.f("ix_integrations_account_id"), table_name="integrations")
    op.drop_table("integrations")
