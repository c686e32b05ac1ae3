"""the full-text indexes never merge inside a writer's COMMIT

Revision ID: 0023
Revises: 0019
Create Date: 2026-12-02

The upkeep thread (app/storage/upkeep.py) merges the FTS5 segments in the typing pauses; the
indexes themselves must not merge inline (``automerge=0``, ``crisismerge`` only a high bound).
The thread used to write these settings when it first woke, so even a run that only reads (an
import's dry run, a search) changed the file. Stored once here, with the schema, the thread
only checks them. SQLite only: PostgreSQL has no FTS5 tables.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "0023"
down_revision = "0019"
branch_labels = None
depends_on = None

SETTINGS = {"automerge": 0, "crisismerge": 128}  # frozen copy of upkeep.CRISIS_MERGE at 0023


def _fts_tables() -> list[str]:
    rows = op.get_bind().execute(
        text(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE % USING fts5%'"
        )
    )
    return sorted(name for (name,) in rows)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in _fts_tables():
        for key, value in SETTINGS.items():
            op.execute(
                text(f"INSERT INTO {name}({name}, rank) VALUES (:key, :value)").bindparams(
                    key=key, value=value
                )
            )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in _fts_tables():  # FTS5's own defaults
        op.execute(text(f"INSERT INTO {name}({name}, rank) VALUES ('automerge', 4)"))
        op.execute(text(f"INSERT INTO {name}({name}, rank) VALUES ('crisismerge', 16)"))
