"""shared server: users with roles, and the progress of «Chuyển dữ liệu»

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-02

``app_user`` holds the people who sign in once a database is shared (a file without users keeps
working without sign-in); ``transfer_state`` records how far a copy into this database got, so a
transfer that was killed continues where it stopped. Both are new tables: nothing existing moves.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organization.id"], name=op.f("fk_app_user_organization_id_organization")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("login", name=op.f("uq_app_user_login")),
    )
    op.create_table(
        "transfer_state",
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("copied", sa.Integer(), nullable=False),
        sa.Column("last_key", sa.JSON(), nullable=True),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("table_name", name=op.f("pk_transfer_state")),
    )


def downgrade() -> None:
    op.drop_table("transfer_state")
    op.drop_table("app_user")
