"""each full-text index merged once more, above the level the commits write to

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03

Revisions 0002 and 0015 built the FTS5 indexes with 'rebuild' and 'optimize'. An index that
fits FTS5's buffer comes out as one segment, which 'optimize' leaves on level 0, where every
later commit adds a small segment of its own. The upkeep's small merges (app/storage/upkeep.py)
then took the whole index along with the new segments, 16 pages a step, and before they were
through the crisis merge finished the job inside an autosave's COMMIT: 1.6 s on a
100 000-petition file. Writing one row again (the same words) and optimizing puts the merged
index above level 0 (app.services.search.settle_index_levels, frozen here). SQLite only.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    names = bind.execute(
        text(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE % USING fts5%'"
        )
    )
    for name in sorted(n for (n,) in names):
        table = f'"{name}"'
        column = bind.execute(text(f"SELECT name FROM pragma_table_info('{name}') LIMIT 1")).scalar()
        if column is not None:
            op.execute(
                f'UPDATE {table} SET "{column}" = "{column}" WHERE rowid = (SELECT max(rowid) FROM {table})'
            )
        op.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")


def downgrade() -> None:
    pass  # the same index, only laid out differently
