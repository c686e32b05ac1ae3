"""search indexes per kind, with prefix indexes, so a search costs what it finds

Revision ID: 0015
Revises: 0012
Create Date: 2026-12-02

Revision 0009 put answers, results, minute lines, conclusions, plans, dialogues, leaders and thôn
into one FTS5 table, ``search_fts``, each kind a rowid range. On a 100 000-petition history a
search of one kind still paid for the whole table: a prefix (the word being typed) merged the
doclists of every kind before the rowid range applied, and bm25 counted each word over every
kind, once per kind searched (a query took 100 ms to 3 s). Now each kind has its own table
``search_fts_<kind>`` (rowid = the row's id), and every search table, ``petition_fts`` included,
has prefix indexes for the first one to six letters of each word, so the word being typed is one
doclist read lazily instead of a merge of every word it begins.

The bodies and the đ→d folding are those of 0009 (FTS5's ``unicode61 remove_diacritics 2`` does
tones and case); triggers keep every table right in the same transaction as the change.
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0012"
branch_labels = None
depends_on = None

SHIFT = 2**32
PREFIX = "1 2 3 4 5 6"  # Vietnamese syllables fold to at most 7 letters ("nghieng")
TOKENIZE = "unicode61 remove_diacritics 2"

# source table: (kind name, kind code in 0009, body over NEW./OLD. as {r}, condition or "")
SOURCES: dict[str, tuple[str, int, str, str]] = {
    "answer": ("answer", 1, "coalesce({r}.answerer_name, '') || ' ' || coalesce({r}.content, '')", ""),
    "resolution_update": (
        "update",
        2,
        "coalesce({r}.reply_number, '') || ' ' || coalesce({r}.result, '') || ' ' || coalesce({r}.reason, '')",
        "",
    ),
    "minute_entry": (
        "minute",
        3,
        "coalesce({r}.speaker, '') || ' ' || coalesce({r}.content, '')",
        "{r}.deleted_at IS NULL",
    ),
    "conclusion": ("conclusion", 4, "coalesce({r}.content, '')", ""),
    "plan": ("plan", 5, "coalesce({r}.symbol, '') || ' ' || coalesce({r}.title, '')", ""),
    "dialogue": (
        "dialogue",
        6,
        "coalesce({r}.title, '') || ' ' || coalesce({r}.place, '') || ' ' || coalesce({r}.content, '')",
        "",
    ),
    "leader": ("person", 7, "coalesce({r}.full_name, '') || ' ' || coalesce({r}.title, '')", ""),
    "hamlet": ("hamlet", 8, "coalesce({r}.name, '')", ""),
}
PETITION_TRIGGERS = {
    "petition_fts_insert": "AFTER INSERT ON petition BEGIN "
    "INSERT INTO petition_fts(rowid, search_key) VALUES (new.id, new.search_key); END",
    "petition_fts_delete": "AFTER DELETE ON petition BEGIN "
    "INSERT INTO petition_fts(petition_fts, rowid, search_key) VALUES('delete', old.id, old.search_key); END",
    "petition_fts_update": "AFTER UPDATE OF search_key ON petition BEGIN "
    "INSERT INTO petition_fts(petition_fts, rowid, search_key) VALUES('delete', old.id, old.search_key); "
    "INSERT INTO petition_fts(rowid, search_key) VALUES (new.id, new.search_key); END",
}


def _folded(expression: str) -> str:
    return f"replace(replace({expression}, 'đ', 'd'), 'Đ', 'D')"


def _fts(table: str) -> str:
    return f"search_fts_{SOURCES[table][0]}"


def _body(table: str, row: str) -> str:
    return _folded(SOURCES[table][2].format(r=row))


def _where(table: str, row: str) -> str:
    condition = SOURCES[table][3]
    return f" WHERE {condition.format(r=row)}" if condition else ""


def _drop_petition_index() -> None:
    for trigger in PETITION_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS petition_fts")


def _petition_index(prefix: str | None) -> None:
    option = f", prefix='{prefix}'" if prefix else ""
    op.execute(
        "CREATE VIRTUAL TABLE petition_fts USING fts5("
        f"search_key, content='petition', content_rowid='id', tokenize='{TOKENIZE}'{option})"
    )
    for name, body in PETITION_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    op.execute("INSERT INTO petition_fts(petition_fts) VALUES('rebuild')")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # FTS5 is SQLite's; PostgreSQL searches through its own index (revision 0010)
    # The old single table and its triggers.
    for table in SOURCES:
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS search_fts_{table}_{event}")
    op.execute("DROP TABLE IF EXISTS search_fts")
    for table in SOURCES:
        fts, on = _fts(table), f'"{table}"'
        op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5(body, tokenize='{TOKENIZE}', prefix='{PREFIX}')")
        insert = f"INSERT INTO {fts}(rowid, body) SELECT new.id, {_body(table, 'new')}{_where(table, 'new')};"
        delete = f"DELETE FROM {fts} WHERE rowid = old.id;"
        op.execute(f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {on} BEGIN {insert} END")
        op.execute(f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {on} BEGIN {delete} END")
        op.execute(f"CREATE TRIGGER {fts}_update AFTER UPDATE ON {on} BEGIN {delete} {insert} END")
        quoted = f'"{table}"'
        op.execute(
            f"INSERT INTO {fts}(rowid, body) SELECT {quoted}.id, {_body(table, quoted)} FROM {quoted}"
            f"{_where(table, quoted)}"
        )
        op.execute(f"INSERT INTO {fts}({fts}) VALUES('optimize')")
    _drop_petition_index()
    _petition_index(PREFIX)
    op.execute("INSERT INTO petition_fts(petition_fts) VALUES('optimize')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in SOURCES:
        fts = _fts(table)
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {fts}_{event}")
        op.execute(f"DROP TABLE IF EXISTS {fts}")
    _drop_petition_index()
    _petition_index(None)
    # Revision 0009's single table, rebuilt the way 0009 builds it.
    op.execute(f"CREATE VIRTUAL TABLE search_fts USING fts5(body, tokenize='{TOKENIZE}')")
    for table, (_kind, code, _body_sql, _condition) in SOURCES.items():
        on = f'"{table}"'
        insert = (
            f"INSERT INTO search_fts(rowid, body) SELECT {code} * {SHIFT} + new.id, {_body(table, 'new')}"
            f"{_where(table, 'new')};"
        )
        delete = f"DELETE FROM search_fts WHERE rowid = {code} * {SHIFT} + old.id;"
        op.execute(f"CREATE TRIGGER search_fts_{table}_insert AFTER INSERT ON {on} BEGIN {insert} END")
        op.execute(f"CREATE TRIGGER search_fts_{table}_delete AFTER DELETE ON {on} BEGIN {delete} END")
        op.execute(
            f"CREATE TRIGGER search_fts_{table}_update AFTER UPDATE ON {on} BEGIN {delete} {insert} END"
        )
        op.execute(
            f"INSERT INTO search_fts(rowid, body) SELECT {code} * {SHIFT} + {on}.id, {_body(table, on)} FROM {on}"
            f"{_where(table, on)}"
        )
