"""document wording: form of address, opinion summaries, plan headings, the body's level

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-01

What the exported documents need to be signed as they come out (issue 16):

- ``petition.address_form``: how a petitioner is addressed in a document, ``ong`` (Ông), ``ba``
  (Bà) or ``none`` (a group, an organisation, an anonymous person); NULL means "suggest it from
  the name" (a middle name "Thị" suggests Bà).
- ``petition.summary``: the short third-person summary a Thông báo kết luận prints; the Biên bản
  keeps the full words in ``content``.
- ``plan.headings``: a plan's own section headings (JSON ``{key: heading}``), so a plan typed
  from a published one comes back as written.
- ``organization.level``: xã, phường, đặc khu, thành phố …; empty means "read it from the name".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("petition", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address_form", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("summary", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("headings", sa.JSON(), nullable=True))
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.add_column(sa.Column("level", sa.String(length=32), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.drop_column("level")
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.drop_column("headings")
    with op.batch_alter_table("petition", schema=None) as batch_op:
        batch_op.drop_column("summary")
        batch_op.drop_column("address_form")
