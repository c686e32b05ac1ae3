"""one full-text index over everything else a user searches for

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-02

Petitions keep ``petition_fts`` (revision 0002). ``search_fts`` indexes the rest: answers,
follow-up results, minute lines, conclusions, plans, dialogues, leaders and thôn. The rowid says
what a row is: ``kind * 2**32 + id`` (kinds in ``app.services.search.KIND_CODES``), so a search
of one kind is a rowid range FTS5 reads directly, with ORDER BY rank LIMIT inside FTS5.

Triggers keep it right in the same transaction as every change. SQL cannot call the Python
folding, so the body is the text with đ/Đ turned into d and FTS5's ``unicode61
remove_diacritics 2`` does the rest (tones, case): the same words as ``search_key``.
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

SHIFT = 2**32

# table: (kind code, body expression over NEW./OLD. as {r}, condition for being indexed or "")
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


def _folded(expression: str) -> str:
    return f"replace(replace({expression}, 'đ', 'd'), 'Đ', 'D')"


def _body(table: str, row: str) -> str:
    return _folded(SOURCES[table][1].format(r=row))


def _insert(table: str, row: str) -> str:
    code, _body_sql, condition = SOURCES[table]
    where = f" WHERE {condition.format(r=row)}" if condition else ""
    return (
        f"INSERT INTO search_fts(rowid, body) SELECT {code} * {SHIFT} + {row}.id, {_body(table, row)}{where};"
    )


def _delete(table: str, row: str) -> str:
    return f"DELETE FROM search_fts WHERE rowid = {SOURCES[table][0]} * {SHIFT} + {row}.id;"


def _backfill(table: str) -> str:
    code, _body_sql, condition = SOURCES[table]
    where = f" WHERE {condition.format(r=table)}" if condition else ""
    return (
        f'INSERT INTO search_fts(rowid, body) SELECT {code} * {SHIFT} + "{table}".id, '
        f'{_body(table, chr(34) + table + chr(34))} FROM "{table}"{where}'
    )


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # FTS5 is SQLite's; PostgreSQL gets its own index in revision 0010
    op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(body, tokenize='unicode61 remove_diacritics 2')")
    for table in SOURCES:
        on = f'"{table}"'
        op.execute(
            f"CREATE TRIGGER search_fts_{table}_insert AFTER INSERT ON {on} BEGIN {_insert(table, 'new')} END"
        )
        op.execute(
            f"CREATE TRIGGER search_fts_{table}_delete AFTER DELETE ON {on} BEGIN {_delete(table, 'old')} END"
        )
        op.execute(
            f"CREATE TRIGGER search_fts_{table}_update AFTER UPDATE ON {on} BEGIN "
            f"{_delete(table, 'old')} {_insert(table, 'new')} END"
        )
        op.execute(_backfill(table))  # what was typed before this revision is found too


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in SOURCES:
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS search_fts_{table}_{event}")
    op.execute("DROP TABLE IF EXISTS search_fts")
