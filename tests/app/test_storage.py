"""Storage: models round-trip, PRAGMAs, migrations (fresh, upgrade, too new, failing), bad paths."""

from __future__ import annotations

import shutil
import sqlite3
import unicodedata
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app import paths
from app.domain.rules import AnswerOutcome, DialogueState, PetitionStatus
from app.errors import DatabaseTooNewError, MigrationError, StorageError
from app.services import petitions
from app.storage.database import Database
from app.storage.migrate import head_revision, schema_status, upgrade_database
from app.storage.models import (
    Answer,
    Assignment,
    Dialogue,
    Field,
    Hamlet,
    Leader,
    MinuteEntry,
    Organization,
    Petition,
    Unit,
)


def _organization(session) -> Organization:  # type: ignore[no-untyped-def]
    org = Organization(name="ỦY BAN NHÂN DÂN\nXÃ LƯƠNG PHONG", place_name="Lương Phong", issuer_code="UBND")
    session.add(org)
    session.flush()
    return org


def test_models_round_trip_through_the_file(db: Database, tmp_path: Path) -> None:
    with db.transaction() as session:
        org = _organization(session)
        hamlet, field, unit = Hamlet(name="Thôn Đông"), Field(name="Đất đai"), Unit(name="Công an xã")
        leader = Leader(full_name="Trần Quốc Hưng", title="Chủ tịch UBND xã")
        session.add_all([hamlet, field, unit, leader])
        session.flush()
        dialogue = Dialogue(
            organization_id=org.id,
            title="Hội nghị đối thoại năm 2026",
            scheduled_at=datetime(2026, 3, 5, 8, 0),
            chair_id=leader.id,
            state=DialogueState.IN_PROGRESS,
        )
        session.add(dialogue)
        session.flush()
        petition = Petition(
            dialogue_id=dialogue.id,
            petitioner_name="Đặng Văn Lợi",
            hamlet_id=hamlet.id,
            field_id=field.id,
            content="Đường làng xuống cấp",
            status=PetitionStatus.IN_PROGRESS,
            search_key="dang van loi thon dong duong lang xuong cap",
        )
        session.add(petition)
        session.flush()
        session.add(Answer(petition_id=petition.id, content="Xã sẽ sửa", outcome=AnswerOutcome.ASSIGNED))
        session.add(Assignment(petition_id=petition.id, lead_unit_id=unit.id, deadline=date(2026, 4, 5)))
        session.add(
            MinuteEntry(dialogue_id=dialogue.id, position=1, at=datetime(2026, 3, 5, 8, 5), kind="speech")
        )
    db.close()

    reopened = Database.open(db.path)
    with reopened.reading() as session:
        stored = session.scalars(select(Petition)).one()
        assert stored.petitioner_name == "Đặng Văn Lợi"
        assert stored.status is PetitionStatus.IN_PROGRESS
        assert stored.hamlet is not None and stored.hamlet.name == "Thôn Đông"
        assert stored.answers[0].outcome is AnswerOutcome.ASSIGNED
        assert stored.assignments[0].deadline == date(2026, 4, 5)
        assert stored.assignments[0].lead_unit.name == "Công an xã"
        assert stored.dialogue is not None and stored.dialogue.chair is not None
        assert stored.dialogue.chair.full_name == "Trần Quốc Hưng"
        assert stored.dialogue.entries[0].kind.value == "speech"
        # The enum is stored as its English code, readable by any SQLite tool.
        raw = session.execute(text("SELECT status FROM petition")).scalar()
        assert raw == "in_progress"
    reopened.close()


def test_pragmas_are_in_force_on_every_connection(db: Database) -> None:
    for _ in range(2):
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        db.engine.dispose()  # the next loop gets a brand new connection


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(Exception, match="FOREIGN KEY"), db.transaction() as session:
        session.add(Petition(dialogue_id=9999, content="x", search_key="x"))
        session.flush()


def test_text_typed_decomposed_is_stored_nfc(db: Database) -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hòa")
    with db.transaction() as session:
        hamlet = Hamlet(name="Thôn Trung")
        session.add(hamlet)
        session.flush()
        petition_id = petitions.create_petition(
            session,
            petitions.PetitionInput(
                content=unicodedata.normalize("NFD", "Đề nghị sửa đường"),
                petitioner_name=decomposed,
                hamlet_id=hamlet.id,
            ),
        )
    raw = (
        sqlite3.connect(db.path)
        .execute("SELECT petitioner_name, content, search_key FROM petition WHERE id = ?", (petition_id,))
        .fetchone()
    )
    assert raw[0] == "Nguyễn Thị Hòa" and unicodedata.is_normalized("NFC", raw[0])
    assert raw[1] == "Đề nghị sửa đường"
    assert raw[2] == "nguyen thi hoa thon trung de nghi sua duong"


def test_fresh_file_is_created_at_head_without_backup(tmp_path: Path) -> None:
    target = tmp_path / "new.sqlite"
    report = upgrade_database(target, backup_dir=tmp_path / "backups")
    assert report.from_revision is None and report.to_revision == head_revision()
    assert report.backup_path is None
    assert schema_status(target).up_to_date


def test_upgrade_from_previous_revision_keeps_data_and_backs_up(tmp_path: Path) -> None:
    target = tmp_path / "old.sqlite"
    upgrade_database(target, target="0001", backup_dir=tmp_path / "backups")
    assert schema_status(target).current == "0001"
    with sqlite3.connect(target) as conn:
        conn.execute(
            "INSERT INTO petition (id, content, search_key, position, source, kind, raised_at_meeting,"
            " petitioner_name, petitioner_phone, petitioner_address, petitioner_org, is_group, is_anonymous,"
            " status, forwarded_to) VALUES (1, 'Đường làng', 'duong lang', 0, 'at_meeting', 'proposal', 1,"
            " 'Đặng Văn Lợi', '', '', '', 0, 0, 'new', '')"
        )
    report = upgrade_database(target, backup_dir=tmp_path / "backups")
    assert (report.from_revision, report.to_revision) == ("0001", head_revision())
    assert report.backup_path is not None and report.backup_path.exists()
    with sqlite3.connect(report.backup_path) as backup:
        assert backup.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        assert backup.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT petitioner_name FROM petition").fetchone()[0] == "Đặng Văn Lợi"
        # Revision 0002 indexed the petition that was already there.
        hits = conn.execute("SELECT rowid FROM petition_fts WHERE petition_fts MATCH 'duong'").fetchall()
        assert hits == [(1,)]


def test_database_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    target = tmp_path / "newer.sqlite"
    upgrade_database(target)
    with sqlite3.connect(target) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    before = target.read_bytes()
    with pytest.raises(DatabaseTooNewError) as caught:
        Database.open(target)
    assert "phiên bản mới hơn" in caught.value.user_message
    assert target.read_bytes() == before


def test_failed_migration_rolls_back_completely(tmp_path: Path) -> None:
    # A copy of our migrations plus a revision that changes things and then fails half-way.
    location = tmp_path / "migrations"
    shutil.copytree(paths.migrations_dir(), location, ignore=shutil.ignore_patterns("__pycache__"))
    (location / "versions" / "0099_broken.py").write_text(
        'revision = "0099"\ndown_revision = "'
        + head_revision()
        + '"\nbranch_labels = None\ndepends_on = None\n'
        "from alembic import op\nimport sqlalchemy as sa\n"
        "def upgrade():\n"
        "    op.create_table('half_done', sa.Column('id', sa.Integer, primary_key=True))\n"
        "    with op.batch_alter_table('petition') as batch:\n"
        "        batch.add_column(sa.Column('extra', sa.Text))\n"
        "    op.execute(\"UPDATE petition SET content = 'changed'\")\n"
        "    raise RuntimeError('simulated failure in the middle of an upgrade')\n"
        "def downgrade():\n    pass\n",
        encoding="utf-8",
    )
    target = tmp_path / "data.sqlite"
    db = Database.open(target, create=True)
    with db.transaction() as session:
        session.add(Petition(content="Đường làng", search_key="duong lang"))
    db.close()

    def snapshot() -> tuple[list[str], list[tuple[str]], str]:
        with sqlite3.connect(target) as conn:
            schema = sorted(row[0] or "" for row in conn.execute("SELECT sql FROM sqlite_master"))
            contents = conn.execute("SELECT content FROM petition").fetchall()
            version = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        return schema, contents, version

    before = snapshot()
    with pytest.raises(MigrationError) as caught:
        upgrade_database(target, location=location, backup_dir=tmp_path / "backups")
    assert "hoàn tác" in caught.value.user_message
    assert snapshot() == before
    assert list((tmp_path / "backups").glob("*.sqlite")), "the verified backup stays for the user"


def test_missing_folder_gives_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError) as caught:
        Database.open(tmp_path / "no-such-folder" / "x.sqlite")
    assert "không tồn tại" in caught.value.user_message
    assert not (tmp_path / "no-such-folder").exists()


def test_read_only_folder_gives_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access
    # Tests may run as root, which ignores permission bits; report the folder read-only instead.
    monkeypatch.setattr(
        "app.storage.engine.os.access",
        lambda path, mode: False if Path(path) == locked and mode & os.W_OK else real_access(path, mode),
    )
    with pytest.raises(StorageError) as caught:
        Database.open(locked / "x.sqlite")
    assert "chỉ cho phép đọc" in caught.value.user_message
    assert not (locked / "x.sqlite").exists()


def test_a_file_that_is_not_ours_is_refused(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.sqlite"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE something (x)")
    with pytest.raises(MigrationError) as caught:
        Database.open(foreign)
    assert "không phải tệp dữ liệu" in caught.value.user_message
