"""follow-up: kinds of history steps, who recorded them, attachments; citizen informed; unit sheets

Revision ID: 0006
Revises: 0002
Create Date: 2026-12-01

Every step of the follow-up (a result, a status change, a reassignment, an extension with its
reason, a reopening, a duplicate link, telling the citizen, a reminder sent) is a row of
``resolution_update`` with its ``kind``; rows written before this revision were results. A
petition remembers when and how the citizen was told. ``unit_sheet_export`` remembers each
results sheet sent to a unit, so a file coming back is matched to its export (or recognised as
older, or foreign). Columns are only added: the petition table keeps its FTS triggers.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("resolution_update", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), server_default="result", nullable=False))
        batch_op.add_column(
            sa.Column("recorded_by", sa.String(length=100), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("attachment", sa.String(length=500), server_default="", nullable=False))
        batch_op.add_column(sa.Column("reason", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("petition", schema=None) as batch_op:
        batch_op.add_column(sa.Column("informed_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("informed_how", sa.String(length=16), server_default="", nullable=False)
        )
    op.create_table(
        "unit_sheet_export",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("exported_on", sa.Date(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_unit_sheet_export_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_sheet_export")),
        sa.UniqueConstraint("token", name=op.f("uq_unit_sheet_export_token")),
    )
    with op.batch_alter_table("unit_sheet_export", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_sheet_export_unit_id"), ["unit_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("unit_sheet_export", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_sheet_export_unit_id"))
    op.drop_table("unit_sheet_export")
    with op.batch_alter_table("petition", schema=None) as batch_op:
        batch_op.drop_column("informed_how")
        batch_op.drop_column("informed_on")
    with op.batch_alter_table("resolution_update", schema=None) as batch_op:
        batch_op.drop_column("reason")
        batch_op.drop_column("attachment")
        batch_op.drop_column("recorded_by")
        batch_op.drop_column("kind")
