"""``assessment_examples``: the freelancer's corrected readings, as examples per account.

Issue 16.6: a correction of how a request was read is recorded in the ledger
(``assessment_corrected``, then the superseding ``decision_made``); this table is the
account's index of those readings, so later messages resembling a corrected one follow
the freelancer's judgement. One row per corrected request (a later correction of the same
request replaces its reading here; the ledger keeps every one). Read by account, whole:
an account has few.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from roundwise.store.base import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessment_examples",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("account_id", sa.String(40), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("contract_id", sa.String(40), sa.ForeignKey("contracts.id"), nullable=False),
        sa.Column(
            "request_id",
            sa.String(40),
            sa.ForeignKey("revision_requests.id"),
            nullable=False,
            unique=True,
        ),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("intent", sa.String(40), nullable=False),
        sa.Column("scope", sa.String(40), nullable=False),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_assessment_examples_account_id", "assessment_examples", ["account_id"])


def downgrade() -> None:
    op.drop_index("ix_assessment_examples_account_id", table_name="assessment_examples")
    op.drop_table("assessment_examples")
