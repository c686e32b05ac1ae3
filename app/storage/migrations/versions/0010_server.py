"""several PCs: version columns, counters; PostgreSQL's search index and sort order

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

Both dialects: ``petition.version`` and ``dialogue.version`` (optimistic locking through
``version_id_col``: an edit made from a stale copy fails instead of overwriting another PC's) and
the ``counter`` table (positions handed out by one locked row, not ``max() + 1``).

PostgreSQL only (SQLite has FTS5 from 0002 and 0009):

- the stored collation keys get ``COLLATE "C"``: byte order, the same order SQLite's BINARY gives
  them, whatever the server's locale;
- ``doithoai_fold(text)``: the folding of ``app.domain.text.search_key`` (tones, đ, case) as an
  IMMUTABLE ``translate`` whose table is computed here from that very function, so the server
  folds exactly as the program does (no ``unaccent`` extension needed);
- a GIN full-text index over ``petition.search_key`` (already folded by the program);
- ``search_doc``: what ``search_fts`` holds on SQLite (answers, results, minute lines,
  conclusions, plans, dialogues, leaders, thôn), a ``tsvector`` per row under the same rowid
  ``kind * 2**32 + id``, kept right by triggers in the same transaction as every change.
"""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

SHIFT = 2**32

_SORT_COLUMNS = {
    "unit": ["sort_key"],
    "hamlet": ["sort_key"],
    "field": ["sort_key"],
    "dialogue": ["title_sort"],
    "plan": ["title_sort"],
    "petition": ["petitioner_sort", "content_sort"],
}

# table: (kind code, body over NEW as {r}, condition for being indexed or ""): as in 0009.
SOURCES: dict[str, tuple[int, str, str]] = {
    "answer": (1, "coalesce({r}.answerer_name, '') || ' ' || coalesce({r}.content, '')", ""),
    "resolution_update": (
        2,
        "coalesce({r}.reply_number, '') || ' ' || coalesce({r}.result, '') || ' ' || coalesce({r}.reason, '')",
        "",
    ),
    "minute_entry": (
        3,
        "coalesce({r}.speaker, '') || ' ' || coalesce({r}.content, '')",
        "{r}.deleted_at IS NULL",
    ),
    "conclusion": (4, "coalesce({r}.content, '')", ""),
    "plan": (5, "coalesce({r}.symbol, '') || ' ' || coalesce({r}.title, '')", ""),
    "dialogue": (
        6,
        "coalesce({r}.title, '') || ' ' || coalesce({r}.place, '') || ' ' || coalesce({r}.content, '')",
        "",
    ),
    "leader": (7, "coalesce({r}.full_name, '') || ' ' || coalesce({r}.title, '')", ""),
    "hamlet": (8, "coalesce({r}.name, '')", ""),
}


def fold_table() -> tuple[str, str]:
    """(from, to) of ``translate``: every letter search_key folds to one other character."""
    from app.domain.text import search_key

    sources, targets = [], []
    ranges = [(0x41, 0x5A), (0xC0, 0x24F), (0x1E00, 0x1EFF)]
    for low, high in ranges:
        for code in range(low, high + 1):
            ch = chr(code)
            if unicodedata.category(ch)[0] != "L":
                continue
            folded = search_key(ch)
            if len(folded) == 1 and folded != ch:
                sources.append(ch)
                targets.append(folded)
    return "".join(sources), "".join(targets)


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _pg_upgrade() -> None:
    for table, columns in _SORT_COLUMNS.items():
        for column in columns:
            op.execute(f'ALTER TABLE "{table}" ALTER COLUMN {column} TYPE text COLLATE "C"')
    sources, targets = fold_table()
    op.execute(
        "CREATE OR REPLACE FUNCTION doithoai_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE "
        f"PARALLEL SAFE AS $$ SELECT lower(translate(value, {_literal(sources)}, {_literal(targets)})) $$"
    )
    op.execute(
        "CREATE INDEX ix_petition_search_tsv ON petition USING gin (to_tsvector('simple'::regconfig, search_key))"
    )
    op.execute("CREATE TABLE search_doc (rowid bigint PRIMARY KEY, body tsvector NOT NULL)")
    op.execute("CREATE INDEX ix_search_doc_body ON search_doc USING gin (body)")
    for table, (code, body, condition) in SOURCES.items():
        new_body = body.format(r="NEW")
        guard = condition.format(r="NEW") if condition else "true"
        op.execute(
            f"CREATE FUNCTION search_doc_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP <> 'INSERT' THEN DELETE FROM search_doc WHERE rowid = {code}::bigint * {SHIFT} + OLD.id; END IF; "
            f"IF TG_OP <> 'DELETE' THEN IF {guard} THEN INSERT INTO search_doc(rowid, body) VALUES "
            f"({code}::bigint * {SHIFT} + NEW.id, to_tsvector('simple'::regconfig, doithoai_fold({new_body}))); "
            "END IF; END IF; RETURN NULL; END $$"
        )
        op.execute(
            f'CREATE TRIGGER search_doc_{table} AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION search_doc_{table}()"
        )
        where = f" WHERE {condition.format(r='t')}" if condition else ""
        op.execute(
            f"INSERT INTO search_doc(rowid, body) SELECT {code}::bigint * {SHIFT} + t.id, "
            f"to_tsvector('simple'::regconfig, doithoai_fold({body.format(r='t')})) FROM \"{table}\" t{where}"
        )


def upgrade() -> None:
    for table in ("petition", "dialogue"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    op.create_table(
        "counter",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_counter")),
    )
    if op.get_bind().dialect.name == "postgresql":
        _pg_upgrade()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in SOURCES:
            op.execute(f'DROP TRIGGER IF EXISTS search_doc_{table} ON "{table}"')
            op.execute(f"DROP FUNCTION IF EXISTS search_doc_{table}()")
        op.execute("DROP TABLE IF EXISTS search_doc")
        op.execute("DROP INDEX IF EXISTS ix_petition_search_tsv")
        op.execute("DROP FUNCTION IF EXISTS doithoai_fold(text)")
        for table, columns in _SORT_COLUMNS.items():
            for column in columns:
                op.execute(f'ALTER TABLE "{table}" ALTER COLUMN {column} TYPE text COLLATE "default"')
    op.drop_table("counter")
    for table in ("dialogue", "petition"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
