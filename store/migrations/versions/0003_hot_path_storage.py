"""PostgreSQL: storage parameters for the tables every judged request writes.

Why, measured under the load benchmark (PostgreSQL's CPU per decision fell by about a
tenth):

- ``toast_tuple_target = 8160`` on decisions, replies and revision requests: their JSON
  documents are 1-5 KB, over the default 2 KB target, so each row was compressed and moved
  out of line into the TOAST table (an insert there and in its index). Rows up to a page
  now stay inline; larger ones are still compressed (LZ4, migration 0002) and toasted.
- ``fillfactor = 70`` on contracts: every judgement updates its contract's
  ``event_count``; with room left on each page, those updates are HOT (no index entries
  written), which a full page prevented for four in ten of them.

Storage parameters only: no data changes, and a no-op on SQLite.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 07:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

INLINE_DOCUMENTS = ("decisions", "replies", "revision_requests")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in INLINE_DOCUMENTS:
        op.execute(f"ALTER TABLE {table} SET (toast_tuple_target = 8160)")
    op.execute("ALTER TABLE contracts SET (fillfactor = 70)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in INLINE_DOCUMENTS:
        op.execute(f"ALTER TABLE {table} RESET (toast_tuple_target)")
    op.execute("ALTER TABLE contracts RESET (fillfactor)")
