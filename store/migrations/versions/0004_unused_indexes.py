"""Drop two indexes that no query uses, which every judged request had to maintain.

- ``ix_revision_requests_contract_id``: the unique index on ``(contract_id,
  external_id)`` already serves every lookup by contract (its leading column; NULL
  external ids are indexed too), so this one only doubled the index work of an insert.
- ``ix_decisions_verdict``: nothing reads decisions by verdict (the scope report folds
  the ledger); a five-value column is a poor index anyway.

A judged request inserts five rows; these were two of its seventeen index entries.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 09:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_revision_requests_contract_id", table_name="revision_requests")
    op.drop_index("ix_decisions_verdict", table_name="decisions")


def downgrade() -> None:
    op.create_index("ix_decisions_verdict", "decisions", ["verdict"])
    op.create_index("ix_revision_requests_contract_id", "revision_requests", ["contract_id"])
