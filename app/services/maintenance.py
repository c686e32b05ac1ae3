"""Checks and facts about a database file: integrity, schema version, what it holds."""

from __future__ import annotations

import platform
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path

from app import __version__, paths
from app.storage.migrate import head_revision, schema_status


@dataclass(frozen=True)
class CheckReport:
    path: Path
    integrity: str  # "ok" or SQLite's first complaints
    foreign_keys: int  # rows violating a foreign key
    schema_revision: str | None
    head_revision: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return (
            self.integrity == "ok" and self.foreign_keys == 0 and self.schema_revision == self.head_revision
        )

    def lines(self) -> list[str]:
        state = "tốt" if self.ok else "CÓ VẤN ĐỀ"
        out = [
            f"Tệp dữ liệu: {self.path}",
            f"Toàn vẹn (integrity_check): {self.integrity}",
            f"Khóa ngoại lỗi: {self.foreign_keys}",
            f"Phiên bản cấu trúc: {self.schema_revision or '(chưa có)'} / mới nhất {self.head_revision}",
        ]
        out += [f"  {table}: {count}" for table, count in self.counts.items()]
        out.append(f"Kết luận: {state}")
        return out


COUNTED_TABLES = ("organization", "plan", "dialogue", "petition", "answer", "assignment", "minute_entry")


def check_database(db_path: Path) -> CheckReport:
    """Read-only check: opens the file without migrating or writing anything.

    A damaged file is a finding, not a crash: whatever SQLite says becomes the report.
    """
    head = head_revision()
    try:
        current = schema_status(db_path).current
    except Exception as exc:  # a malformed file fails already when reading its schema
        return CheckReport(
            path=db_path,
            integrity=f"lỗi đọc tệp: {exc}",
            foreign_keys=0,
            schema_revision=None,
            head_revision=head,
        )
    uri = f"file:{db_path.as_posix()}?mode=ro"
    counts: dict[str, int] = {}
    broken = 0
    try:
        connection = sqlite3.connect(uri, uri=True)
        try:
            rows = [row[0] for row in connection.execute("PRAGMA integrity_check").fetchmany(10)]
            broken = len(connection.execute("PRAGMA foreign_key_check").fetchall())
            tables = {
                row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            for table in COUNTED_TABLES:
                if table in tables:
                    counts[table] = connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        rows = [f"lỗi đọc tệp: {exc}"]
    return CheckReport(
        path=db_path,
        integrity="ok" if rows == ["ok"] else "; ".join(rows),
        foreign_keys=broken,
        schema_revision=current,
        head_revision=head,
        counts=counts,
    )


def _distribution_version(name: str) -> str:
    # From the installed metadata, so the About box does not import Alembic or python-docx (with
    # lxml) at start-up; the bundle carries these dist-info folders (build.spec).
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


def info_lines(db_path: Path | None = None) -> list[str]:
    """Paths and versions, for `doithoai info` and the About box."""
    import sqlalchemy

    alembic_version, docx_version, qt_version = (
        _distribution_version(name) for name in ("alembic", "python-docx", "PySide6-Essentials")
    )
    return [
        f"Đối thoại với Nhân dân {__version__}",
        f"Python {platform.python_version()} ({sys.platform})",
        f"SQLite {sqlite3.sqlite_version}, SQLAlchemy {sqlalchemy.__version__}, Alembic {alembic_version}",
        f"python-docx {docx_version}, PySide6 {qt_version}",
        f"Thư mục dữ liệu: {paths.data_dir()}",
        f"Tệp dữ liệu: {db_path or paths.default_db_path()}",
        f"Sao lưu: {paths.backups_dir()}",
        f"Nhật ký: {paths.logs_dir()}",
        f"Tài nguyên: {paths.resource_path()}",
        f"Phiên bản cấu trúc dữ liệu mới nhất: {head_revision()}",
    ]
