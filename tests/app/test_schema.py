"""The models and the migrations describe the same schema; revision 0003 fills its keys and indexes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.domain.text import collation_key, person_collation_key
from app.storage.engine import make_engine
from app.storage.migrate import upgrade_database
from app.storage.models import Base

# Alembic cannot compare expression indexes (``dialogue_id DESC``, ``coalesce(...)``): it reports them
# as removed and added again although both sides define them alike. Everything else must match exactly.
_DESC_INDEXES = {
    "ix_petition_status_dialogue",
    "ix_petition_dialogue_position",
    "ix_petition_organization_dialogue",
    "ix_dialogue_moment",
}


def _include(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    return not (type_ == "table" and name is not None and name.startswith(("petition_fts", "search_fts")))


# SQLAlchemy does not reflect SQLite expression indexes, so neither can Alembic compare them:
# ix_dialogue_moment is compared by name below.
@pytest.mark.filterwarnings(
    "ignore:Skipped unsupported reflection of expression-based index ix_dialogue_moment"
)
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_migrated_schema_matches_the_models(tmp_path: Path) -> None:
    target = tmp_path / "fresh.sqlite"
    upgrade_database(target, backup_dir=tmp_path / "backups")
    engine = make_engine(target)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"include_object": _include, "compare_type": True}
            )
            diffs = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    unexplained = [
        d for d in diffs if not (d[0] in ("add_index", "remove_index") and d[1].name in _DESC_INDEXES)
    ]
    assert unexplained == []
    with sqlite3.connect(target) as conn:
        sql = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'").fetchall())
    conn.close()
    assert "dialogue_id DESC" in sql["ix_petition_status_dialogue"]
    assert "coalesce(started_at, scheduled_at)" in sql["ix_dialogue_moment"]
    for index in (
        "ix_minute_entry_petition_id",
        "ix_assignment_petition_deadline",
        "ix_petition_content_sort",
    ):
        assert index in sql


def test_revision_0003_backfills_keys_with_the_same_functions(tmp_path: Path) -> None:
    target = tmp_path / "old.sqlite"
    upgrade_database(target, target="0002", backup_dir=tmp_path / "backups")
    with sqlite3.connect(target) as conn:
        conn.execute("INSERT INTO hamlet (id, name, active, position) VALUES (1, 'Thôn Ấp Đông', 1, 1)")
        conn.execute(
            "INSERT INTO petition (id, content, search_key, position, source, kind, raised_at_meeting,"
            " petitioner_name, petitioner_phone, petitioner_address, petitioner_org, is_group, is_anonymous,"
            " status, forwarded_to, hamlet_id) VALUES (1, 'Đường làng hỏng', 'dang van loi thon ap dong duong"
            " lang hong', 0, 'at_meeting', 'proposal', 1, 'Đặng Văn Lợi', '', '', '', 0, 0, 'new', '', 1)"
        )
    conn.close()
    upgrade_database(target, backup_dir=tmp_path / "backups")
    with sqlite3.connect(target) as conn:
        row = conn.execute("SELECT petitioner_sort, content_sort, hamlet_text FROM petition").fetchone()
        assert row == (person_collation_key("Đặng Văn Lợi"), collation_key("Đường làng hỏng"), "")
        assert conn.execute("SELECT sort_key FROM hamlet").fetchone()[0] == collation_key("Thôn Ấp Đông")
        assert (
            conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'petition_fts%'"
            ).fetchone()[0]
            == 3
        )
        # The FTS5 index still follows the petition (no table was rebuilt under its triggers).
        conn.execute("UPDATE petition SET search_key = 'sua cong' WHERE id = 1")
        assert conn.execute("SELECT rowid FROM petition_fts WHERE petition_fts MATCH 'cong'").fetchall() == [
            (1,)
        ]
    conn.close()
