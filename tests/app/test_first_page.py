"""The Hội nghị list's first page read before SQLAlchemy (app.storage.first_page): the same rows as
the service, and None (the normal path) whenever the file needs anything first."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from app.services import users
from app.services.dialogues import list_dialogues
from app.services.maintenance import keep_first_page
from app.storage import engine as engine_module
from app.storage import first_page
from app.storage.database import Database
from app.storage.first_page import kept_path, quick_first_page
from tests.app.test_read_only_mode import _demo
from tests.conftest import TODAY
from tests.damage import DAMAGES, snapshot


def _service_rows(path: Path) -> list:  # type: ignore[type-arg]
    db = Database.open(path)
    try:
        with db.reading() as session:
            return list_dialogues(session, today=TODAY)
    finally:
        db.close()


def test_the_quick_first_page_is_the_services_first_page_and_writes_nothing(tmp_path: Path) -> None:
    path = _demo(tmp_path / "data.sqlite")
    expected = _service_rows(path)
    assert quick_first_page(path, today=TODAY) is None  # nothing kept yet: the normal path
    assert keep_first_page()
    before = snapshot(path)
    page = quick_first_page(path, today=TODAY)
    assert page is not None
    assert expected and page.rows == expected  # same rows, same order, same tones and texts
    assert [row.notice_text for row in page.rows] == [row.notice_text for row in expected]
    assert page.checked is not None  # a small file: its quick_check passed before the read
    assert snapshot(path) == before


def test_statements_kept_by_another_version_or_for_another_schema_are_not_used(tmp_path: Path) -> None:
    path = _demo(tmp_path / "data.sqlite")
    assert keep_first_page()
    kept = json.loads(kept_path().read_text(encoding="utf-8"))
    other_order = {**kept["key"], "order": ["date", True]}
    for key in ({**kept["key"], "version": "0.0.0"}, {**kept["key"], "head": "0001"}, other_order):
        kept_path().write_text(json.dumps({**kept, "key": key}), encoding="utf-8")
        assert quick_first_page(path, today=TODAY) is None
    kept_path().write_text("{not json", encoding="utf-8")
    assert quick_first_page(path, today=TODAY) is None
    assert keep_first_page()  # the next normal start keeps them again
    assert quick_first_page(path, today=TODAY) is not None


def test_a_file_needing_migration_is_left_to_the_normal_path(tmp_path: Path) -> None:
    path = _demo(tmp_path / "data.sqlite")
    assert keep_first_page()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0022'")
    conn.close()
    before = snapshot(path)
    assert quick_first_page(path, today=TODAY) is None
    assert snapshot(path) == before  # no backup, no migration, nothing written here


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_or_foreign_file_is_left_to_the_normal_path(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "data.sqlite"
    _demo(tmp_path / "good.sqlite")
    assert keep_first_page()
    DAMAGES[damage](path)
    before = snapshot(path)
    assert quick_first_page(path, today=TODAY) is None
    assert snapshot(path) == before


def test_a_file_with_users_or_not_set_up_or_read_only_is_left_to_the_normal_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _demo(tmp_path / "data.sqlite")
    assert keep_first_page()
    monkeypatch.setattr(engine_module, "writable", lambda p: Path(p) != path)
    assert quick_first_page(path, today=TODAY) is None  # read-only: opened with its banner
    monkeypatch.undo()
    db = Database.open(path)
    with db.transaction() as session:
        users.add_user(session, "admin", "mat-khau-dai-123", full_name="Quản trị viên", role=users.Role.ADMIN)
    db.close()
    assert quick_first_page(path, today=TODAY) is None  # a sign-in comes first
    empty = tmp_path / "new.sqlite"
    Database.open(empty, create=True).close()
    assert quick_first_page(empty, today=TODAY) is None  # the first-run setup comes first


def test_a_large_file_is_read_before_its_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.storage import database

    path = _demo(tmp_path / "data.sqlite")
    assert keep_first_page()
    monkeypatch.setattr(database, "BACKGROUND_CHECK_BYTES", 0)
    page = quick_first_page(path, today=TODAY)
    assert page is not None and page.checked is None  # checked beside the first screen, as always
    assert page.rows == _service_rows(path)
    assert first_page.KEPT_FILE in {p.name for p in kept_path().parent.iterdir()}


def test_the_order_the_page_asks_for_first_is_kept_and_read(tmp_path: Path) -> None:
    path = _demo(tmp_path / "data.sqlite")
    assert keep_first_page(("date", True))
    assert quick_first_page(path, today=TODAY) is None  # kept for another order
    page = quick_first_page(path, order=("date", True), today=TODAY)
    db = Database.open(path)
    with db.reading() as session:
        expected = list_dialogues(session, sort="date", descending=True, today=TODAY)
    db.close()
    assert page is not None and page.rows == expected
    assert [row.id for row in expected] != [row.id for row in _service_rows(path)]  # a real change
