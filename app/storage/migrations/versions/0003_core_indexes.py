"""core: stored sort keys, finished assignments, typed thôn, indexes for the hot queries

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

Lists sort in SQL by stored collation keys (``app.domain.text.collation_key``), filled here for
older rows with the very functions the flush events use. ``assignment.finished_on`` lets the
petition's deadline be the earliest unfinished one; ``petition.hamlet_text`` holds a thôn typed
in the live minutes until the opinion is finished. The indexes serve what EXPLAIN QUERY PLAN
showed the lists, filters, autosave, known speakers and the live window need.

No table is rebuilt (only ADD COLUMN and indexes), so the FTS5 triggers of 0002 stay in place.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_SORT_COLUMNS = {
    "unit": ["sort_key"],
    "hamlet": ["sort_key"],
    "field": ["sort_key"],
    "dialogue": ["title_sort"],
    "plan": ["title_sort"],
    "petition": ["petitioner_sort", "content_sort"],
}


def _backfill(conn: sa.Connection) -> None:
    from app.domain.text import (
        PETITION_CONTENT_KEY_LENGTH,
        collation_key,
        person_collation_key,
        petitioner_label,
    )

    for table in ("unit", "hamlet", "field"):
        rows = conn.execute(sa.text(f"SELECT id, name FROM {table}")).all()
        if rows:
            conn.execute(
                sa.text(f"UPDATE {table} SET sort_key = :k WHERE id = :i"),
                [{"k": collation_key(name), "i": ident} for ident, name in rows],
            )
    for table in ("dialogue", "plan"):
        rows = conn.execute(sa.text(f"SELECT id, title FROM {table}")).all()
        if rows:
            conn.execute(
                sa.text(f"UPDATE {table} SET title_sort = :k WHERE id = :i"),
                [{"k": collation_key(title), "i": ident} for ident, title in rows],
            )
    result = conn.execute(sa.text("SELECT id, petitioner_name, is_anonymous, content FROM petition"))
    while batch := result.fetchmany(5000):
        conn.execute(
            sa.text("UPDATE petition SET petitioner_sort = :p, content_sort = :c WHERE id = :i"),
            [
                {
                    "p": person_collation_key(petitioner_label(name or "", bool(anonymous))),
                    "c": collation_key(content, length=PETITION_CONTENT_KEY_LENGTH),
                    "i": ident,
                }
                for ident, name, anonymous, content in batch
            ],
        )


def upgrade() -> None:
    for table, columns in _SORT_COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.add_column(sa.Column(column, sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("petition", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("hamlet_text", sa.String(length=200), server_default="", nullable=False)
        )
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("finished_on", sa.Date(), nullable=True))

    _backfill(op.get_bind())

    for table, columns in _SORT_COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.create_index(f"ix_{table}_{column}", [column], unique=False)
    with op.batch_alter_table("petition", schema=None) as batch_op:
        batch_op.drop_index("ix_petition_status")
        batch_op.drop_index("ix_petition_dialogue_id")
        batch_op.create_index(
            "ix_petition_status_dialogue",
            ["status", sa.text("dialogue_id DESC"), "position", "deleted_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_petition_dialogue_position",
            [sa.text("dialogue_id DESC"), "position", "deleted_at"],
            unique=False,
        )
        batch_op.create_index("ix_petition_hamlet_deleted", ["hamlet_id", "deleted_at"], unique=False)
        batch_op.create_index("ix_petition_field_deleted", ["field_id", "deleted_at"], unique=False)
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assignment_petition_deadline", ["petition_id", "deadline", "finished_on"], unique=False
        )
        batch_op.create_index("ix_assignment_unit_petition", ["lead_unit_id", "petition_id"], unique=False)
    with op.batch_alter_table("minute_entry", schema=None) as batch_op:
        batch_op.create_index("ix_minute_entry_petition_id", ["petition_id"], unique=False)
        batch_op.create_index("ix_minute_entry_dialogue_position", ["dialogue_id", "position"], unique=False)
    op.execute("ANALYZE")


def downgrade() -> None:
    with op.batch_alter_table("minute_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_minute_entry_dialogue_position")
        batch_op.drop_index("ix_minute_entry_petition_id")
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.drop_index("ix_assignment_unit_petition")
        batch_op.drop_index("ix_assignment_petition_deadline")
        batch_op.drop_column("finished_on")
    with op.batch_alter_table("petition", schema=None) as batch_op:
        batch_op.drop_index("ix_petition_field_deleted")
        batch_op.drop_index("ix_petition_hamlet_deleted")
        batch_op.drop_index("ix_petition_dialogue_position")
        batch_op.drop_index("ix_petition_status_dialogue")
        batch_op.create_index("ix_petition_dialogue_id", ["dialogue_id"], unique=False)
        batch_op.create_index("ix_petition_status", ["status"], unique=False)
        batch_op.drop_column("hamlet_text")
    for table, columns in _SORT_COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.drop_index(f"ix_{table}_{column}")
                batch_op.drop_column(column)
