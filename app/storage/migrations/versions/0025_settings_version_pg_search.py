"""settings carry a version; PostgreSQL's search and report indexes for a province

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-02

Both dialects: ``setting.version``, raised by every write, so a Cài đặt form read before
another PC's save is refused instead of overwriting it (``settings.expect_setting_versions``).

PostgreSQL only, what a province's server (150 communes, 500 000 petitions) needs to search in
well under a second (it took 9 s):

- ``petition.search_tsv``: the ``tsvector`` of ``search_key``, stored (a generated column) under
  a GIN index, replacing the GIN expression index of 0010. Matching through the expression
  made the server compute ``to_tsvector`` again for each row it looked at (about 50 µs a row,
  seconds for a common word, and the planner, not knowing the cost, chose scans that did so);
  ranking the matches computed it once more;
- ``search_doc`` partitioned by kind (its rowid ranges ``kind * 2**32 …``): each kind its own
  statistics and GIN index. One table's statistics told the planner that a word common in the
  minutes was common in the answers too: it walked every answer backwards looking for eight.

The dialogues a report's period holds are found by meeting day through 0024's
``ix_dialogue_moment`` (its first column is that moment).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


SHIFT = 2**32
KINDS = range(1, 9)  # revision 0010's SOURCES codes (answer 1 … hamlet 8)


def _partitioned() -> bool:
    return bool(
        op.get_bind()
        .exec_driver_sql("SELECT relkind = 'p' FROM pg_class WHERE relname = 'search_doc'")
        .scalar()
    )


def _pg_upgrade() -> None:
    op.execute(
        "ALTER TABLE petition ADD COLUMN IF NOT EXISTS search_tsv tsvector"
        " GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_key)) STORED"
    )
    op.execute("DROP INDEX IF EXISTS ix_petition_search_tsv")
    op.execute("CREATE INDEX IF NOT EXISTS ix_petition_search_vector ON petition USING gin (search_tsv)")
    if not _partitioned():
        op.execute(
            "CREATE TABLE search_doc_parts (rowid bigint NOT NULL, body tsvector NOT NULL,"
            " CONSTRAINT search_doc_parts_pkey PRIMARY KEY (rowid)) PARTITION BY RANGE (rowid)"
        )
        for kind in KINDS:
            op.execute(
                f"CREATE TABLE search_doc_{kind} PARTITION OF search_doc_parts"
                f" FOR VALUES FROM ({kind * SHIFT}) TO ({(kind + 1) * SHIFT})"
            )
        op.execute("CREATE TABLE search_doc_other PARTITION OF search_doc_parts DEFAULT")
        op.execute("INSERT INTO search_doc_parts (rowid, body) SELECT rowid, body FROM search_doc")
        op.execute("DROP TABLE search_doc")  # the triggers of 0010 name it: they write the new one
        op.execute("ALTER TABLE search_doc_parts RENAME TO search_doc")
        op.execute("ALTER TABLE search_doc RENAME CONSTRAINT search_doc_parts_pkey TO search_doc_pkey")
        op.execute("CREATE INDEX ix_search_doc_body ON search_doc USING gin (body)")
    op.execute("ANALYZE petition")
    op.execute("ANALYZE search_doc")
    op.execute("ANALYZE dialogue")


def _pg_downgrade() -> None:
    if _partitioned():
        op.execute("CREATE TABLE search_doc_flat (rowid bigint PRIMARY KEY, body tsvector NOT NULL)")
        op.execute("INSERT INTO search_doc_flat (rowid, body) SELECT rowid, body FROM search_doc")
        op.execute("DROP TABLE search_doc")
        op.execute("ALTER TABLE search_doc_flat RENAME TO search_doc")
        op.execute("ALTER TABLE search_doc RENAME CONSTRAINT search_doc_flat_pkey TO search_doc_pkey")
        op.execute("CREATE INDEX ix_search_doc_body ON search_doc USING gin (body)")
    op.execute("DROP INDEX IF EXISTS ix_petition_search_vector")
    op.execute("ALTER TABLE petition DROP COLUMN IF EXISTS search_tsv")
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_petition_search_tsv ON petition"
        " USING gin (to_tsvector('simple'::regconfig, search_key))"
    )


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
