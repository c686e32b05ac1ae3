"""A large file's quick_check runs beside the first screens; nothing is written before it passed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.errors import DatabaseDamagedError
from app.services import maintenance
from app.storage import database
from app.storage.database import Database
from app.storage.models import Petition
from tests.damage import PAGE, _good, garbled_pages, snapshot


@pytest.fixture
def every_file_is_large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(database, "BACKGROUND_CHECK_BYTES", 0)


def test_a_sound_large_file_opens_at_once_and_writes_after_the_check(
    tmp_path: Path, every_file_is_large: None
) -> None:
    target = _good(tmp_path / "big.sqlite", petitions=50)
    db = Database.open(target, check_in_background=True)
    try:
        assert db.verification is not None
        with db.reading() as session:
            assert session.scalar(select(func.count()).select_from(Petition)) == 50
        with db.transaction() as session:  # waits for the verdict, then writes
            session.add(Petition(content="Đề nghị sửa cầu tràn", search_key="de nghi sua cau tran"))
        assert db.verification.done.is_set() and db.verification.error is None
        with db.reading() as session:
            assert session.scalar(select(func.count()).select_from(Petition)) == 51
    finally:
        db.close()


def test_a_damaged_large_file_is_refused_at_the_first_write_and_left_byte_identical(
    tmp_path: Path, every_file_is_large: None
) -> None:
    target = _good(tmp_path / "big.sqlite", petitions=2000)
    data = bytearray(target.read_bytes())
    pages = len(data) // PAGE
    for page in range(pages - 6, pages - 2):  # data pages far from the schema: it opens, then fails
        data[page * PAGE : (page + 1) * PAGE] = bytes((i * 37 + page) % 256 for i in range(PAGE))
    target.write_bytes(bytes(data))
    before = snapshot(target)
    db = maintenance.open_for_window(target)  # the window's path: checked, copied, settled after
    try:
        assert db.verification is not None
        assert not db.verification.passed()
        with pytest.raises(DatabaseDamagedError) as refused, db.transaction() as session:
            session.add(Petition(content="x", search_key="x"))
        assert "quick_check" in refused.value.finding
        assert "bị hỏng" in refused.value.user_message
    finally:
        maintenance.close_after_window(db)
    assert snapshot(target) == before, "neither the upkeep, the settling nor a backup wrote to it"
    backups = list((tmp_path / "home").glob("**/*.sqlite")) if (tmp_path / "home").exists() else []
    assert all("big-" not in p.name for p in backups)


def test_a_small_file_is_still_checked_before_it_opens(tmp_path: Path) -> None:
    target = tmp_path / "small.sqlite"
    garbled_pages(target)
    before = snapshot(target)
    with pytest.raises(DatabaseDamagedError):
        Database.open(target, check_in_background=True)
    assert snapshot(target) == before


def test_the_check_waits_for_the_window_or_the_first_write_and_a_close_before_it_never_hangs(
    tmp_path: Path, every_file_is_large: None
) -> None:
    target = _good(tmp_path / "big.sqlite", petitions=50)
    before = snapshot(target)
    db = Database.open(target, check_in_background=True)
    assert db.verification is not None
    with db.reading() as session:  # the first list reads before the whole file is checked
        assert session.scalar(select(func.count()).select_from(Petition)) == 50
    assert not db.verification.started
    db.close()  # closed before anyone asked for the verdict: the upkeep lets go at once
    assert db.upkeep is not None and not db.upkeep._thread.is_alive()
    assert not db.verification.started
    assert snapshot(target) == before


def test_after_the_first_screen_the_check_and_the_days_copy_run_once(
    tmp_path: Path, every_file_is_large: None, data_home: Path
) -> None:
    target = _good(tmp_path / "big.sqlite", petitions=50)
    db = maintenance.open_for_window(target)
    try:
        assert db.verification is not None and not db.verification.started
        assert not list(data_home.glob("**/big-*.sqlite")), "no copy before the first screen"
        maintenance.after_first_screen(db)
        maintenance.after_first_screen(db)  # asked again (a file switched back to): nothing more
        assert db.verification.passed()
    finally:
        maintenance.close_after_window(db)  # lets the day's copy finish
    copies = [p.name for p in data_home.glob("**/big-*.sqlite")]
    assert sum("-auto" in name for name in copies) == 1, copies
