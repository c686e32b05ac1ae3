"""petition.due_on and petition.lead_unit_sort: the deadline and lead unit the lists sort by

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

Sorting 100 000 petitions by deadline or by lead unit computed both for every petition from its
assignments, then sorted them all (185–240 ms a page). The live window's known speakers get a
narrow covering index too. The petition row now carries them,
refreshed in the same flush as any change to its assignments (``app.storage.models``
``refresh_derived``), with an index each, so a page is read in order and stops at its end.

Only ADD COLUMN and indexes: no table is rebuilt and the FTS5 triggers stay in place.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


# The same values as app.storage.models.refresh_derived (spelled out: a revision never changes).
_FILL = (
    "UPDATE petition SET"
    " due_on = (SELECT min(a.deadline) FROM assignment a WHERE a.petition_id = petition.id"
    " AND a.finished_on IS NULL AND a.deadline IS NOT NULL),"
    " lead_unit_sort = coalesce((SELECT u.sort_key FROM assignment a JOIN unit u ON u.id = a.lead_unit_id"
    " WHERE a.petition_id = petition.id ORDER BY a.id DESC LIMIT 1), '')"
    " WHERE id IN (SELECT petition_id FROM assignment)"
)


def upgrade() -> None:
    op.add_column("petition", sa.Column("due_on", sa.Date(), nullable=True))
    # Compared as code points, like every stored sort key ("C" on PostgreSQL).
    sort_key = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")
    op.add_column("petition", sa.Column("lead_unit_sort", sort_key, nullable=False, server_default=""))
    op.execute(_FILL)
    op.create_index("ix_petition_due", "petition", ["due_on", "id"])
    op.create_index("ix_petition_lead_unit_sort", "petition", ["lead_unit_sort", "id"])
    op.create_index(
        "ix_petition_speakers",
        "petition",
        ["id", "deleted_at", "petitioner_name", "hamlet_id", "hamlet_text", "petitioner_sort"],
    )


def downgrade() -> None:
    op.drop_index("ix_petition_speakers", table_name="petition")
    op.drop_index("ix_petition_lead_unit_sort", table_name="petition")
    op.drop_index("ix_petition_due", table_name="petition")
    with op.batch_alter_table("petition") as batch:
        batch.drop_column("lead_unit_sort")
        batch.drop_column("due_on")
