"""petition full-text index over the folded search key

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21

Live minutes show, while the secretary types, petitions raised at earlier dialogues that look
alike. FTS5 over ``petition.search_key`` (already folded: no tones, đ→d, lower case) finds them
in milliseconds in a database of 100 000 petitions. Triggers keep the index in step.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # FTS5 is SQLite's; PostgreSQL gets its own index in revision 0010
    op.execute(
        "CREATE VIRTUAL TABLE petition_fts USING fts5("
        "search_key, content='petition', content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER petition_fts_insert AFTER INSERT ON petition BEGIN "
        "INSERT INTO petition_fts(rowid, search_key) VALUES (new.id, new.search_key); END"
    )
    op.execute(
        "CREATE TRIGGER petition_fts_delete AFTER DELETE ON petition BEGIN "
        "INSERT INTO petition_fts(petition_fts, rowid, search_key) VALUES('delete', old.id, old.search_key); END"
    )
    op.execute(
        "CREATE TRIGGER petition_fts_update AFTER UPDATE OF search_key ON petition BEGIN "
        "INSERT INTO petition_fts(petition_fts, rowid, search_key) VALUES('delete', old.id, old.search_key); "
        "INSERT INTO petition_fts(rowid, search_key) VALUES (new.id, new.search_key); END"
    )
    # Petitions typed before this revision get indexed too.
    op.execute("INSERT INTO petition_fts(petition_fts) VALUES('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in ("petition_fts_insert", "petition_fts_delete", "petition_fts_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS petition_fts")
