"""an index of the dialogues by meeting moment, for the sort by Ngày hội nghị

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-02

The petition list sorted by dialogue date (``coalesce(started_at, scheduled_at)`` of the
petition's dialogue, else its ``received_on``) was one ORDER BY over a join: SQLite read every
petition, looked up its dialogue and sorted all 100 000 before the LIMIT. After 0016 it also
chose ``ix_petition_organization_dialogue``, which lacks ``received_on``, and read every wide
petition row for it (90 → 160 ms). With the dialogues in meeting order from this index, the
list walks them in that order and each one's petitions by position from
``ix_petition_dialogue_position``, sorting only one dialogue's entries at a time and stopping
at the page's end (petitions.petition_ids_statement). An expression index: the same on
PostgreSQL, which plans that sort by its own statistics. SQLAlchemy does not reflect SQLite
expression indexes: a later batch migration of ``dialogue`` must create this one again.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_dialogue_moment", "dialogue", [text("coalesce(started_at, scheduled_at)"), "id"])


def downgrade() -> None:
    op.drop_index("ix_dialogue_moment", table_name="dialogue")
