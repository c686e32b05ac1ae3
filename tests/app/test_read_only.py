"""Read-only means read-only: check, export and info never write what they only read."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import date
from pathlib import Path

import pytest

from app.errors import DatabaseMissingError, EmptyDatabaseError, NotADatabaseError
from app.services.maintenance import check_database
from app.storage.database import Database
from tests.app.test_cli import doithoai


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of the folder: its bytes and its modification time (ns)."""
    return {item.name: (item.read_bytes(), item.stat().st_mtime_ns) for item in sorted(folder.iterdir())}


def _inputs(folder: Path) -> dict[str, Path]:
    folder.mkdir()
    empty = folder / "empty.sqlite"
    empty.write_bytes(b"")
    text = folder / "notes.sqlite"
    text.write_text("Biên bản hội nghị, không phải dữ liệu\n", encoding="utf-8")
    foreign = folder / "other-program.db"
    with sqlite3.connect(foreign) as conn:  # rollback-journal mode, as most programs leave it
        conn.execute("CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO customer (name) VALUES ('Nguyễn Văn A')")
    conn.close()
    ours = folder / "ours.sqlite"
    Database.open(ours, create=True).close()  # WAL mode, closed cleanly: no -wal, no -shm left
    locked = folder / "locked.sqlite"
    Database.open(locked, create=True).close()
    locked.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return {"empty": empty, "text": text, "foreign": foreign, "ours": ours, "locked": locked}


def test_check_leaves_every_input_byte_identical_and_creates_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "inputs"
    inputs = _inputs(folder)
    before = _snapshot(folder)
    reports = {name: check_database(path) for name, path in inputs.items()}
    missing = check_database(folder / "no-such.sqlite")
    assert _snapshot(folder) == before  # bytes, mtimes, and no new file (-wal, -shm, journal)

    assert "rỗng (0 byte)" in reports["empty"].problem and not reports["empty"].ok
    assert "không phải tệp SQLite" in reports["text"].problem
    assert "chương trình khác" in reports["foreign"].problem
    assert "không tìm thấy" in missing.problem
    assert reports["ours"].ok and reports["locked"].ok
    with sqlite3.connect(f"file:{inputs['foreign']}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # not switched to WAL


def test_the_check_command_reports_bad_files_with_exit_1_and_writes_nothing(
    tmp_path: Path, data_home: Path
) -> None:
    folder = tmp_path / "inputs"
    inputs = _inputs(folder)
    before = _snapshot(folder)
    for name in ("empty", "text", "foreign"):
        result = doithoai("check", "--db", str(inputs[name]), home=data_home)
        assert result.returncode == 1, name
        assert "Kết luận: CÓ VẤN ĐỀ" in result.stdout and "Traceback" not in result.stderr
    assert doithoai("check", "--db", str(inputs["locked"]), home=data_home).returncode == 0
    assert doithoai("check", "--db", str(folder / "gone.sqlite"), home=data_home).returncode == 1
    assert _snapshot(folder) == before


def test_open_creates_only_when_asked(tmp_path: Path) -> None:
    missing = tmp_path / "typo.sqlite"
    with pytest.raises(DatabaseMissingError) as caught:
        Database.open(missing)
    assert str(missing) in caught.value.user_message and not missing.exists()
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    with pytest.raises(EmptyDatabaseError) as empty_error:
        Database.open(empty)
    assert str(empty) in empty_error.value.user_message and empty.read_bytes() == b""
    text = tmp_path / "notes.sqlite"
    text.write_text("không phải dữ liệu", encoding="utf-8")
    with pytest.raises(NotADatabaseError):
        Database.open(text)
    assert text.read_text(encoding="utf-8") == "không phải dữ liệu"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.sqlite", "home", "notes.sqlite"]
    # «Tạo tệp dữ liệu mới», demo: an explicit create.
    Database.open(missing, create=True).close()
    Database.open(empty, create=True).close()
    assert missing.stat().st_size > 0 and empty.stat().st_size > 0
    # The default database is created on first run.
    default = Database.open()
    assert default.path.is_file() and default.path.is_relative_to(Path(os.environ["DOITHOAI_HOME"]))
    default.close()


def test_export_and_info_with_a_missing_path_create_nothing(tmp_path: Path, data_home: Path) -> None:
    missing = tmp_path / "missing.sqlite"
    result = doithoai(
        "export",
        "--kind",
        "tb",
        "--id",
        "1",
        "--out",
        str(tmp_path / "x.docx"),
        "--db",
        str(missing),
        home=data_home,
    )
    assert result.returncode == 2 and "không tồn tại" in result.stderr
    info = doithoai("info", "--db", str(missing), home=data_home)
    assert info.returncode == 1 and "không tồn tại" in info.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]
    assert not any(data_home.glob("*.sqlite"))


def test_export_with_a_date_changes_no_plan(tmp_path: Path, data_home: Path) -> None:
    target = tmp_path / "demo.sqlite"
    assert doithoai("demo", "--db", str(target), home=data_home).returncode == 0

    def rows(sql: str) -> list[tuple[object, ...]]:
        with sqlite3.connect(target) as conn:
            found = conn.execute(sql).fetchall()
        conn.close()
        return found

    plan_id = rows("SELECT id FROM plan ORDER BY id DESC LIMIT 1")[0][0]
    dialogue_id = rows(f"SELECT id FROM dialogue WHERE plan_id = {plan_id} LIMIT 1")[0][0]
    before = rows("SELECT * FROM plan"), rows("SELECT * FROM dialogue"), rows("SELECT * FROM petition")
    issued_sql = (
        "SELECT kind, number, issued_on FROM issued_document WHERE number IS NOT NULL ORDER BY number"
    )
    issued_before = rows(issued_sql)  # the demo's own Thông báo of earlier years
    # The Thông báo kết luận may not be dated before its meeting (18/10/2026): it gets a later date.
    dates = {"kh": date(2026, 2, 3), "gm": date(2026, 2, 3), "tb": date(2026, 10, 20)}
    for kind, ident in (("kh", plan_id), ("gm", dialogue_id), ("tb", dialogue_id)):
        out = tmp_path / f"{kind}.docx"
        made = doithoai(
            "export", "--kind", kind, "--id", str(ident), "--out", str(out), "--date", dates[kind].isoformat(),
            "--number", "7" if kind == "kh" else "8" if kind == "gm" else "9", "--db", str(target), home=data_home,
        )  # fmt: skip
        assert made.returncode == 0, made.stderr
    assert (
        rows("SELECT * FROM plan"),
        rows("SELECT * FROM dialogue"),
        rows("SELECT * FROM petition"),
    ) == before
    issued = [row for row in rows(issued_sql) if row not in issued_before]
    assert issued == [("kh", 7, "2026-02-03"), ("gm", 8, "2026-02-03"), ("tb", 9, "2026-10-20")]


def test_opening_another_programs_file_is_refused_untouched(tmp_path: Path) -> None:
    from app.errors import MigrationError

    folder = tmp_path / "inputs"
    inputs = _inputs(folder)
    before = _snapshot(folder)
    with pytest.raises(MigrationError) as caught:
        Database.open(inputs["foreign"])
    assert "không phải tệp dữ liệu" in caught.value.user_message
    assert _snapshot(folder) == before  # not switched to WAL, no -wal/-shm beside it
