"""The command line, run as a user would run it: a real process, real files."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def doithoai(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DOITHOAI_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
    )


def test_help_lists_the_subcommands(data_home: Path) -> None:
    result = doithoai("--help", home=data_home)
    assert result.returncode == 0
    for command in ("demo", "check", "info", "gui"):
        assert command in result.stdout


def test_demo_then_check_reports_a_healthy_file(tmp_path: Path, data_home: Path) -> None:
    target = tmp_path / "demo.sqlite"
    made = doithoai("demo", "--db", str(target), home=data_home)
    assert made.returncode == 0, made.stderr
    assert "ý kiến, kiến nghị" in made.stdout
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM petition").fetchone()[0] >= 20

    checked = doithoai("check", "--db", str(target), home=data_home)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Toàn vẹn (integrity_check): ok" in checked.stdout
    assert "Kết luận: tốt" in checked.stdout

    again = doithoai("demo", "--db", str(target), home=data_home)
    assert again.returncode == 1
    assert "đã có dữ liệu" in again.stderr


def test_check_fails_on_a_damaged_file(tmp_path: Path, data_home: Path) -> None:
    target = tmp_path / "demo.sqlite"
    assert doithoai("demo", "--db", str(target), home=data_home).returncode == 0
    with sqlite3.connect(target) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(target.read_bytes())
    # Overwrite a page in the middle (not the header) so SQLite opens the file but finds damage.
    middle = (len(data) // page_size // 2) * page_size
    data[middle : middle + page_size] = b"\xff" * page_size
    target.write_bytes(bytes(data))
    checked = doithoai("check", "--db", str(target), home=data_home)
    assert checked.returncode == 1
    assert "Kết luận: CÓ VẤN ĐỀ" in checked.stdout


def test_default_database_lives_in_doithoai_home(data_home: Path) -> None:
    made = doithoai("demo", home=data_home)
    assert made.returncode == 0, made.stderr
    assert (data_home / "doithoai.sqlite").is_file()
    info = doithoai("info", home=data_home)
    assert info.returncode == 0
    assert f"Thư mục dữ liệu: {data_home}" in info.stdout


def test_bad_database_path_is_a_clear_message_not_a_traceback(tmp_path: Path, data_home: Path) -> None:
    result = doithoai("demo", "--db", str(tmp_path / "missing" / "x.sqlite"), home=data_home)
    assert result.returncode == 2
    assert "không tồn tại" in result.stderr
    assert "Traceback" not in result.stderr


def test_export_writes_a_word_document_and_public_version_hides_names(
    tmp_path: Path, data_home: Path
) -> None:
    from docx import Document

    target = tmp_path / "demo.sqlite"
    assert doithoai("demo", "--db", str(target), home=data_home).returncode == 0
    with sqlite3.connect(target) as conn:
        held = conn.execute(
            "SELECT id FROM dialogue WHERE state = 'closed' AND started_at IS NOT NULL "
            "ORDER BY started_at DESC"
        ).fetchone()[0]
    full, public = tmp_path / "tb.docx", tmp_path / "tb-public.docx"
    made = doithoai(
        "export", "--kind", "tb", "--id", str(held), "--out", str(full), "--db", str(target), home=data_home
    )
    assert made.returncode == 0, made.stderr
    made = doithoai(
        "export",
        "--kind",
        "tb",
        "--id",
        str(held),
        "--out",
        str(public),
        "--public",
        "--db",
        str(target),
        home=data_home,
    )
    assert made.returncode == 0, made.stderr

    def text(path: Path) -> str:
        document = Document(str(path))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)

    assert "THÔNG BÁO" in text(full)
    assert "Đặng Văn Lợi" in text(full)
    assert "Đặng Văn Lợi" not in text(public)
    assert "Thôn Lãm Làng" in text(public) or "thôn Lãm Làng" in text(public)


def test_export_of_a_missing_dialogue_says_so(tmp_path: Path, data_home: Path) -> None:
    target = tmp_path / "demo.sqlite"
    assert doithoai("demo", "--db", str(target), home=data_home).returncode == 0
    result = doithoai(
        "export",
        "--kind",
        "bb",
        "--id",
        "999",
        "--out",
        str(tmp_path / "x.docx"),
        "--db",
        str(target),
        home=data_home,
    )
    assert result.returncode == 2
    assert "Không tìm thấy hội nghị" in result.stderr
    assert not (tmp_path / "x.docx").exists()


def test_export_refuses_a_public_version_of_a_kind_that_has_none(tmp_path: Path, data_home: Path) -> None:
    target = tmp_path / "demo.sqlite"
    assert doithoai("demo", "--db", str(target), home=data_home).returncode == 0
    result = doithoai(
        "export", "--kind", "bb", "--id", "1", "--out", str(tmp_path / "bb.docx"), "--public",
        "--db", str(target), home=data_home,
    )  # fmt: skip
    assert result.returncode == 2
    assert "Biên bản không có bản công khai" in result.stderr
    assert not (tmp_path / "bb.docx").exists()
