"""Damaged files: `doithoai check` says what is wrong, the program refuses them, nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import AppError, DatabaseDamagedError
from app.storage import backups
from app.storage.database import Database
from tests.app.test_cli import doithoai
from tests.damage import DAMAGES, _good, snapshot

EXPECTED = {
    "zero-bytes": "rỗng",
    "text": "không phải tệp SQLite",
    "truncated": "malformed",
    "garbled-pages": "malformed",
    "wal-missing": "thiếu tệp «-wal»",
    "foreign-sqlite": "chương trình khác",
    "newer-schema": "phiên bản mới hơn",
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_check_names_the_damage_exits_1_and_leaves_the_file_untouched(
    damage: str, tmp_path: Path, data_home: Path
) -> None:
    target = tmp_path / "data.sqlite"
    DAMAGES[damage](target)
    before = snapshot(target)
    checked = doithoai("check", "--db", str(target), home=data_home)
    assert checked.returncode == 1, checked.stdout
    assert "Kết luận: CÓ VẤN ĐỀ" in checked.stdout
    assert EXPECTED[damage] in checked.stdout
    assert "Traceback" not in checked.stdout + checked.stderr
    assert snapshot(target) == before


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_the_program_refuses_a_damaged_file_without_writing_it(damage: str, tmp_path: Path) -> None:
    target = tmp_path / "data.sqlite"
    DAMAGES[damage](target)
    before = snapshot(target)
    with pytest.raises(AppError) as caught:
        Database.open(target).close()
    assert caught.value.user_message and "Traceback" not in caught.value.user_message
    assert snapshot(target) == before


def test_the_refusal_names_the_newest_good_backup_with_its_date_and_content(
    tmp_path: Path, data_home: Path
) -> None:
    good = _good(tmp_path / "good.sqlite", petitions=12)
    older = backups.make_backup(good, label="auto")
    DAMAGES["garbled-pages"](tmp_path / "data.sqlite")
    broken_copy = backups.paths.backups_dir() / "data-20991231-235959-auto.sqlite"
    broken_copy.write_bytes(b"not a database")  # newer by name, but not good: skipped
    with pytest.raises(DatabaseDamagedError) as caught:
        Database.open(tmp_path / "data.sqlite")
    message = caught.value.user_message
    assert older.name in message and "12 ý kiến, kiến nghị" in message and "1 hội nghị" in message
    assert "Khôi phục" in message
    assert isinstance(caught.value.backup, backups.BackupInfo) and caught.value.backup.path == older
