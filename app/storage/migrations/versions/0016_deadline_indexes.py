"""indexes that read the Theo dõi list in deadline order for every filter

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02

Theo dõi giải quyết lists open petitions by deadline (``petition.due_on``, then id) under one
more filter: lĩnh vực, thôn, hội nghị, năm, đơn vị, tình trạng. With only ``ix_petition_due``
and the single-column filter indexes SQLite picked the filter's index, read every matching
petition row (wide: content, keys) for its deadline and sorted them all before the LIMIT
(one field: ~7 000 rows, 40 ms). Each index here starts with what a filter fixes and then gives
the deadline order, with the columns the other conditions test at the end, so a page is read
from the index alone:

- ``ix_petition_<field|hamlet|dialogue>_due``: one lĩnh vực / thôn / hội nghị, walked in
  deadline order, the status checked inside the index, stopping at the page's end;
- ``ix_petition_status_due``: a status filter (the screen's default "chưa xong"), each status's
  entries in deadline order, year, field and thôn checked inside the index; only the few open
  petitions' index entries are sorted, never a table row read;
- ``ix_petition_due`` gains the same trailing columns, so "mọi tình trạng" and the undated
  second part of the list (``due_on IS NULL`` by id) are covering too.

Only indexes: no table is rebuilt, the FTS5 triggers stay in place; the same on PostgreSQL.
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

CHECKED = ["deleted_at", "status", "dialogue_id", "field_id", "hamlet_id", "received_on"]
NEW = {
    "ix_petition_status_due": ["status", "due_on", "id", "deleted_at", "dialogue_id", "field_id", "hamlet_id",
                               "received_on"],
    "ix_petition_field_due": ["field_id", "due_on", "id", "deleted_at", "status"],
    "ix_petition_hamlet_due": ["hamlet_id", "due_on", "id", "deleted_at", "status"],
    "ix_petition_dialogue_due": ["dialogue_id", "due_on", "id", "deleted_at", "status"],
}  # fmt: skip


def upgrade() -> None:
    op.drop_index("ix_petition_due", table_name="petition")
    op.create_index("ix_petition_due", "petition", ["due_on", "id", *CHECKED])
    for name, columns in NEW.items():
        op.create_index(name, "petition", columns)


def downgrade() -> None:
    for name in reversed(NEW):
        op.drop_index(name, table_name="petition")
    op.drop_index("ix_petition_due", table_name="petition")
    op.create_index("ix_petition_due", "petition", ["due_on", "id"])
