"""Damaged database files, made the ways real files get damaged (shared by app and ui tests)."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

from app.storage.database import Database

PAGE = 4096


def _good(path: Path, petitions: int = 400) -> Path:
    from app.storage.models import Dialogue, Organization, Petition

    db = Database.open(path, create=True)
    with db.transaction() as session:
        org = Organization(
            name="ỦY BAN NHÂN DÂN\nXÃ LƯƠNG PHONG", place_name="Lương Phong", issuer_code="UBND"
        )
        session.add(org)
        session.flush()
        dialogue = Dialogue(organization_id=org.id, title="Hội nghị đối thoại năm 2026")
        session.add(dialogue)
        session.flush()
        session.add_all(
            Petition(
                dialogue_id=dialogue.id,
                petitioner_name=f"Công dân {n}",
                content=f"Kiến nghị số {n} " + "đường làng xuống cấp " * 20,
                search_key=f"kien nghi {n}",
            )
            for n in range(petitions)
        )
    db.close()
    return path


def zero_bytes(path: Path) -> None:
    path.write_bytes(b"")


def text_file(path: Path) -> None:
    path.write_text("Biên bản hội nghị — không phải tệp dữ liệu\n", encoding="utf-8")


def truncated(path: Path) -> None:
    _good(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def garbled_pages(path: Path) -> None:
    _good(path)
    data = bytearray(path.read_bytes())
    pages = len(data) // PAGE
    for page in range(pages // 3, pages // 3 + 4):  # petition pages, past the schema
        start = page * PAGE
        data[start : start + PAGE] = bytes((i * 37 + page) % 256 for i in range(PAGE))
    path.write_bytes(bytes(data))


def wal_without_log(path: Path) -> None:
    """Committed edits live in -wal; a copy tool kept the -shm and dropped the -wal."""
    _good(path)
    holder = sqlite3.connect(path)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("PRAGMA wal_autocheckpoint=0")
    holder.execute("UPDATE petition SET content = 'sửa sau cùng' WHERE id = 1")
    holder.commit()
    shutil.copy(f"{path}-shm", path.with_name("saved-shm"))
    shutil.copy(path, path.with_name("saved-db"))
    holder.close()
    shutil.copy(path.with_name("saved-db"), path)
    shutil.copy(path.with_name("saved-shm"), f"{path}-shm")
    path.with_name("saved-db").unlink()
    path.with_name("saved-shm").unlink()
    Path(f"{path}-wal").unlink(missing_ok=True)


def foreign_sqlite(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
        conn.execute("INSERT INTO contacts VALUES ('A', '0900')")
    conn.close()


def newer_schema(path: Path) -> None:
    _good(path, petitions=3)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()


DAMAGES: dict[str, Callable[[Path], None]] = {
    "zero-bytes": zero_bytes,
    "text": text_file,
    "truncated": truncated,
    "garbled-pages": garbled_pages,
    "wal-missing": wal_without_log,
    "foreign-sqlite": foreign_sqlite,
    "newer-schema": newer_schema,
}


def snapshot(path: Path) -> dict[str, bytes]:
    """Every file of the database (main, -wal, -shm, -journal) by name, with its bytes."""
    return {p.name: p.read_bytes() for p in sorted(path.parent.glob(f"{path.name}*"))}
