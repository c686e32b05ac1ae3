"""A file that cannot be written (read-only file, read-only folder, full disk) opens read-only.

Lists, search and document previews work; every write is refused with a typed Vietnamese error;
the file is left byte-identical and nothing appears beside it.

How this is proved although the tests run as root (who may write any file whatever its mode):
the file is really chmod'ed read-only, and ``app.storage.engine.writable`` — the one place the
program asks — is made to answer as the OS would for a normal user. That the database is then
*really* read-only is shown by SQLite itself: a raw INSERT through the program's own engine fails
with "attempt to write a readonly database", because the engine opens ``mode=ro``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app.errors import ReadOnlyDatabaseError, StorageError
from app.services import petitions, search
from app.services.documents import build_document
from app.storage import engine as engine_module
from app.storage.database import Database
from tests.damage import snapshot


def _demo(path: Path) -> Path:
    from tests.conftest import TODAY

    db = Database.open(path, create=True)
    from app.services.demo import build_demo

    with db.transaction() as session:
        build_demo(session, today=TODAY)
    db.close()
    return path


def _deny_writes(monkeypatch: pytest.MonkeyPatch, *denied: Path) -> None:
    real = engine_module.writable
    monkeypatch.setattr(
        engine_module, "writable", lambda path: False if Path(path) in denied else real(Path(path))
    )


def _listing(path: Path) -> Callable[[], None]:
    def check() -> None:
        db = Database.open(path)
        try:
            assert db.read_only
            with db.reading() as session:
                rows = petitions.list_petitions(session, limit=50)
                assert len(rows) >= 10
                hits = search.search_everything(session, "đường")
                assert hits.groups, "search finds something in the demo data"
                plan_id = session.execute(text("SELECT id FROM plan LIMIT 1")).scalar_one()
                from app.export.preview import document_html

                assert "KẾ HOẠCH" in document_html(build_document(session, "kh", plan_id)).upper()
            with pytest.raises(ReadOnlyDatabaseError) as refused, db.transaction() as session:
                petitions.create_petition(session, petitions.PetitionInput(content="Một kiến nghị mới"))
            assert "chế độ chỉ đọc" in refused.value.user_message
            with pytest.raises(ReadOnlyDatabaseError):
                db.write(lambda s: None)
            # SQLite refuses too, for root as for anybody: the engine opened the file mode=ro.
            with pytest.raises(OperationalError, match="readonly"), db.engine.begin() as conn:
                conn.execute(text("INSERT INTO setting (key, value) VALUES ('x', '1')"))
        finally:
            db.close()

    return check


def test_a_read_only_file_opens_read_only_lists_search_preview_and_refuses_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = _demo(tmp_path / "data.sqlite")
    target.chmod(stat.S_IRUSR | stat.S_IRGRP)
    _deny_writes(monkeypatch, target)
    before = snapshot(target)
    _listing(target)()
    db = Database.open(target)
    assert "chỉ cho phép đọc" in db.read_only and "Read-only" in db.read_only
    db.close()
    assert snapshot(target) == before  # bytes, and no -wal or -shm beside it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.sqlite", "home"]


def test_a_read_only_folder_opens_its_file_read_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    target = _demo(folder / "data.sqlite")
    _deny_writes(monkeypatch, folder)
    before = snapshot(target)
    _listing(target)()
    db = Database.open(target)
    assert "thư mục" in db.read_only and "-wal" in db.read_only
    db.close()
    assert snapshot(target) == before
    assert sorted(p.name for p in folder.iterdir()) == ["data.sqlite"]


def test_a_full_disk_opens_read_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = _demo(tmp_path / "data.sqlite")
    monkeypatch.setattr(engine_module, "free_bytes", lambda _folder: 100 * 1024)
    _listing(target)()
    db = Database.open(target)
    assert "ổ đĩa" in db.read_only and "đầy" in db.read_only
    db.close()
    monkeypatch.undo()
    db = Database.open(target)  # space freed: writable again
    assert db.read_only == ""
    db.write(lambda s: None)
    db.close()


def test_a_read_only_file_of_an_older_schema_is_refused_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from alembic import command

    from app.storage.engine import make_engine
    from app.storage.migrate import alembic_config

    target = tmp_path / "old.sqlite"
    config = alembic_config()
    engine = make_engine(target, foreign_keys=False)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0004")
    engine.dispose()
    _deny_writes(monkeypatch, target)
    before = snapshot(target)
    with pytest.raises(StorageError) as caught:
        Database.open(target)
    assert "cần được nâng cấp" in caught.value.user_message
    assert "chỉ cho phép đọc" in caught.value.user_message
    assert snapshot(target) == before


def test_the_real_permission_check_is_what_the_program_asks(tmp_path: Path) -> None:
    target = tmp_path / "x.sqlite"
    target.write_bytes(b"")
    assert engine_module.writable(target) == os.access(target, os.W_OK)
