"""hall: named absentees with their reason in the attendance of a dialogue

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-02

A Biên bản lists the key attendees with their chức vụ and those invited but absent with the
reason. Both are rows of ``attendee``: ``absent`` tells them apart and ``reason`` says why one
was absent. Columns are only added, with defaults, so rows written before stay attendees.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attendee", schema=None) as batch_op:
        batch_op.add_column(sa.Column("absent", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("reason", sa.String(length=200), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("attendee", schema=None) as batch_op:
        batch_op.drop_column("reason")
        batch_op.drop_column("absent")
