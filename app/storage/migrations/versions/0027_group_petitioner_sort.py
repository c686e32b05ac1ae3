"""a group's petition without a person's name sorts as «Nhóm công dân», the name its lists show

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-04

A group is often entered with its organisation only. Its Người nêu was blank in the lists and
the search window (while the follow-up sheet wrote «Nhóm công dân»), and it sorted before every
name. The label is now one rule (``app.domain.text.petitioner_label``); its stored sort key is
filled here for the rows written before it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

_GROUP = "Nhóm công dân"


def upgrade() -> None:
    from app.domain.text import person_collation_key

    op.get_bind().execute(
        sa.text(
            "UPDATE petition SET petitioner_sort = :key"
            " WHERE is_group = :yes AND coalesce(petitioner_name, '') = ''"
        ),
        {"key": person_collation_key(_GROUP), "yes": True},
    )


def downgrade() -> None:
    from app.domain.text import person_collation_key

    for anonymous, key in ((False, ""), (True, person_collation_key("Ẩn danh"))):
        op.get_bind().execute(
            sa.text(
                "UPDATE petition SET petitioner_sort = :key"
                " WHERE is_group = :yes AND coalesce(petitioner_name, '') = '' AND is_anonymous = :anonymous"
            ),
            {"key": key, "yes": True, "anonymous": anonymous},
        )
