"""Drop ``ix_deliverable_versions_contract_id``, which the unique index makes redundant.

The unique constraint on ``(contract_id, deliverable_key, number)`` leads with
``contract_id``, so it already serves every lookup of a contract's versions (the
current version of a deliverable, the versions listed for a contract) on SQLite and
PostgreSQL alike. The single-column index only doubled the index work of each submitted
version and took space.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 06:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_deliverable_versions_contract_id", table_name="deliverable_versions")


def downgrade() -> None:
    op.create_index("ix_deliverable_versions_contract_id", "deliverable_versions", ["contract_id"])
