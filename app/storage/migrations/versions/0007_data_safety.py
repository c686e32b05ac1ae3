"""data safety: locked minutes, issued fingerprints, number reservations, who did what

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

A dialogue can be locked (chốt biên bản) and unlocked with a reason; the last unlock stays
recorded so every later change is known to come after it. An issued document keeps the
fingerprint of the content it was issued with and whether its number is only reserved (the
file not yet written). Each audit line names the display name chosen in Cài đặt beside the OS
user, and is found by record. Columns are only added.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dialogue", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locked_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("locked_by", sa.String(length=100), server_default="", nullable=False))
        batch_op.add_column(sa.Column("unlocked_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("unlock_reason", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("issued_document", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("content_fingerprint", sa.String(length=64), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("reserved", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor", sa.String(length=100), server_default="", nullable=False))
        batch_op.create_index("ix_audit_event_entity_record", ["entity", "entity_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_entity_record")
        batch_op.drop_column("actor")
    with op.batch_alter_table("issued_document", schema=None) as batch_op:
        batch_op.drop_column("reserved")
        batch_op.drop_column("content_fingerprint")
    with op.batch_alter_table("dialogue", schema=None) as batch_op:
        batch_op.drop_column("unlock_reason")
        batch_op.drop_column("unlocked_at")
        batch_op.drop_column("locked_by")
        batch_op.drop_column("locked_at")
