"""Backups: verified copies under a final name only when complete, rotation, list, restore, CLI."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app import paths
from app.errors import BackupError
from app.storage import backups
from app.storage.lock import DatabaseInUseError, database_lock, try_lock
from tests.app.test_cli import doithoai
from tests.damage import _good


def _petitions(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        count: int = conn.execute("SELECT count(*) FROM petition").fetchone()[0]
    conn.close()
    return count


def test_a_backup_is_verified_standalone_and_listed_with_its_content(tmp_path: Path) -> None:
    source = _good(tmp_path / "data.sqlite", petitions=7)
    made = backups.make_backup(source, label="manual")
    assert made.parent == paths.backups_dir() and made.name.startswith("data-")
    assert not Path(f"{made}-wal").exists()
    assert _petitions(made) == 7
    listed = backups.list_backups()
    assert [info.path for info in listed] == [made]
    assert listed[0].summary == backups.ContentSummary(plans=0, dialogues=1, petitions=7)
    assert listed[0].size == made.stat().st_size
    assert "7 ý kiến, kiến nghị" in listed[0].phrase()


def test_a_failed_backup_leaves_no_file_and_says_so(tmp_path: Path) -> None:
    garbage = tmp_path / "data.sqlite"
    garbage.write_bytes(b"SQLite format 3\x00" + b"\x00" * 84 + b"\xff" * 8000)
    with pytest.raises(BackupError) as caught:
        backups.make_backup(garbage, tmp_path / "out")
    assert "sao lưu" in caught.value.user_message
    assert list((tmp_path / "out").iterdir()) == []


def test_interrupted_copies_never_look_finished_and_are_cleaned(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / ".data-20260101-080000-auto.sqlite.part").write_bytes(b"half")
    assert backups.list_backups(folder) == []
    assert backups.clean_partial(folder) == 1
    assert list(folder.iterdir()) == []


def test_rotation_keeps_daily_weekly_monthly_and_every_manual_copy(tmp_path: Path) -> None:
    source = _good(tmp_path / "data.sqlite", petitions=1)
    folder = tmp_path / "b"
    start = datetime(2026, 1, 1, 8, 0)
    for day in range(120):  # one routine copy a day for four months, two on some days
        backups.make_backup(source, folder, "auto", now=start + timedelta(days=day))
        if day % 10 == 0:
            backups.make_backup(source, folder, "auto", now=start + timedelta(days=day, hours=3))
    manual = backups.make_backup(source, folder, "manual", now=start)
    backups.rotate(folder, {"daily": 3, "weekly": 2, "monthly": 2})
    left = backups.list_backups(folder, summaries=False)
    auto = [info.made_at for info in left if info.label == "auto"]
    last = start + timedelta(days=119)
    assert auto[:3] == [last, last - timedelta(days=1), last - timedelta(days=2)]
    assert len({d.isocalendar()[:2] for d in auto}) >= 2 and len(auto) <= 3 + 2 + 2
    assert manual in [info.path for info in left]


def test_backup_if_due_makes_at_most_one_a_day(tmp_path: Path) -> None:
    source = _good(tmp_path / "data.sqlite", petitions=1)
    now = datetime(2026, 3, 5, 8, 0)
    assert backups.backup_if_due(source, now=now) is not None
    assert backups.backup_if_due(source, now=now + timedelta(hours=5)) is None
    assert backups.backup_if_due(source, now=now + timedelta(days=1, minutes=1)) is not None


def test_backup_on_exit_only_after_changes(tmp_path: Path) -> None:
    source = _good(tmp_path / "data.sqlite", petitions=1)
    assert backups.backup_if_changed(source) is not None
    assert backups.backup_if_changed(source) is None


def test_restore_backs_up_the_current_file_first(tmp_path: Path) -> None:
    source = _good(tmp_path / "data.sqlite", petitions=3)
    copy = backups.make_backup(source, tmp_path / "usb")
    with sqlite3.connect(source) as conn:
        conn.execute("DELETE FROM petition")
    conn.close()
    report = backups.restore_backup(source, copy)
    assert _petitions(source) == 3
    assert report.safety_copy is not None and _petitions(report.safety_copy) == 0


def test_cli_backup_to_a_folder_and_restore(tmp_path: Path, data_home: Path) -> None:
    source = _good(tmp_path / "data.sqlite", petitions=4)
    usb = tmp_path / "usb"
    made = doithoai("backup", "--db", str(source), "--to", str(usb), home=data_home)
    assert made.returncode == 0, made.stderr
    (copy,) = usb.iterdir()
    assert copy.name.startswith("doithoai-luong-phong-") and _petitions(copy) == 4
    with sqlite3.connect(source) as conn:
        conn.execute("DELETE FROM petition")
    conn.close()
    restored = doithoai("restore", "--db", str(source), str(copy), home=data_home)
    assert restored.returncode == 0, restored.stderr
    assert _petitions(source) == 4
    assert "trước khi khôi phục" in restored.stdout


def test_restore_is_refused_while_the_file_is_open_elsewhere(tmp_path: Path, data_home: Path) -> None:
    source = _good(tmp_path / "data.sqlite", petitions=1)
    copy = backups.make_backup(source, tmp_path / "usb")
    held = try_lock(source)
    assert held is not None
    try:
        with pytest.raises(DatabaseInUseError), database_lock(tmp_path / "." / "data.sqlite"):
            pass
        refused = doithoai("restore", "--db", str(source), str(copy), home=data_home)
        assert refused.returncode == 2 and "đang được mở" in refused.stderr
    finally:
        held.release()


def test_rotation_counts_are_a_setting_with_a_vietnamese_refusal(db) -> None:  # type: ignore[no-untyped-def]
    from app.errors import ValidationError
    from app.services import maintenance

    with db.reading() as session:
        assert maintenance.backup_keep(session) == backups.DEFAULT_KEEP
    with db.transaction() as session:
        maintenance.set_backup_keep(session, daily=3, weekly=2, monthly=6)
    with db.reading() as session:
        assert maintenance.backup_keep(session) == {"daily": 3, "weekly": 2, "monthly": 6}
    with pytest.raises(ValidationError) as caught, db.transaction() as session:
        maintenance.set_backup_keep(session, daily=0, weekly=2, monthly=6)
    assert "từ 1 đến 366" in caught.value.user_message


def test_the_full_integrity_check_runs_once_a_week_and_reports_damage(tmp_path: Path) -> None:
    from datetime import date

    from app.services.maintenance import weekly_check
    from tests.damage import DAMAGES

    good = _good(tmp_path / "good.sqlite", petitions=2)
    first = weekly_check(good, today=date(2026, 3, 2))
    assert first is not None and first.ok
    assert weekly_check(good, today=date(2026, 3, 8)) is None
    assert weekly_check(good, today=date(2026, 3, 9)) is not None
    broken = tmp_path / "broken.sqlite"
    DAMAGES["garbled-pages"](broken)
    before = broken.read_bytes()
    report = weekly_check(broken, today=date(2026, 3, 2))
    assert report is not None and not report.ok
    assert broken.read_bytes() == before
