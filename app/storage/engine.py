"""The SQLite engine: PRAGMAs on every connection and honest transactions.

pysqlite's own transaction handling starts transactions late and never for DDL, which would let a
failed migration half-apply. We take it over (SQLAlchemy's "Serializable isolation / Savepoints /
Transactional DDL" recipe): the driver runs in autocommit mode and SQLAlchemy emits BEGIN itself.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from app.errors import StorageError

BUSY_TIMEOUT_MS = 5000
WRITE_OPTION = "doithoai_write"  # execution option of a connection that begins a write

# synchronous=FULL: with WAL, NORMAL may lose the last commits on power loss; the minutes typed
# in the last second are exactly what a power cut must not take away.
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
)


NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smbfs", "smb3", "fuse.sshfs", "afpfs", "ncpfs", "9p"}
)


def network_share(path: Path, mounts: str | None = None) -> str:
    """The kind of network share ``path`` lies on ("" for a local disk).

    Windows: a UNC path or a mapped network drive; elsewhere the file system of the longest
    mount point in ``/proc/mounts`` (``mounts`` replaces it in tests).
    """
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return "UNC"
    if sys.platform == "win32":
        import ctypes

        drive = os.path.splitdrive(os.path.abspath(text))[0]
        if drive and ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == 4:  # type: ignore[attr-defined]
            return "network drive"
        return ""
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
    resolved = str(path.expanduser().absolute())
    best, kind = "", ""
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        inside = resolved == point or resolved.startswith(point.rstrip("/") + "/")
        if inside and len(point) > len(best):
            best, kind = point, parts[2]
    return kind if kind in NETWORK_FILESYSTEMS else ""


def check_db_location(db_path: Path) -> None:
    """Raise a StorageError a user can act on if ``db_path`` cannot hold a database."""
    folder = db_path.parent
    share = network_share(db_path)
    if share:
        raise StorageError(
            f"{db_path} is on a network share ({share})",
            f"Tệp dữ liệu «{db_path}» nằm trên ổ mạng dùng chung. Ghi dữ liệu qua ổ mạng không an toàn "
            "(có thể hỏng tệp khi hai máy cùng ghi hoặc khi mạng chập chờn), nên chương trình không mở. "
            "Hãy chép tệp về ổ đĩa của máy này (ví dụ bằng «doithoai backup» rồi «doithoai restore»).",
        )
    if db_path.exists():
        if db_path.is_dir():
            raise StorageError(
                f"{db_path} is a directory",
                f"Đường dẫn «{db_path}» là một thư mục, không phải tệp dữ liệu. Hãy chọn một tệp .sqlite.",
            )
        if not os.access(db_path, os.R_OK | os.W_OK):
            raise StorageError(
                f"{db_path} is not readable and writable",
                f"Không thể đọc/ghi tệp dữ liệu «{db_path}». Hãy kiểm tra quyền truy cập "
                "hoặc chép tệp sang thư mục của bạn.",
            )
        if not os.access(folder, os.W_OK):
            raise StorageError(
                f"folder {folder} is read-only",
                f"Thư mục «{folder}» chỉ cho phép đọc, chương trình không thể ghi dữ liệu vào đó. "
                "Hãy chép tệp dữ liệu sang một thư mục có quyền ghi.",
            )
        return
    if not folder.exists():
        raise StorageError(
            f"folder {folder} does not exist",
            f"Thư mục «{folder}» không tồn tại. Hãy tạo thư mục hoặc chọn đường dẫn khác.",
        )
    if not os.access(folder, os.W_OK):
        raise StorageError(
            f"folder {folder} is read-only",
            f"Thư mục «{folder}» chỉ cho phép đọc, không thể tạo tệp dữ liệu trong đó. "
            "Hãy chọn một thư mục có quyền ghi.",
        )


def make_engine(db_path: Path, *, foreign_keys: bool = True, **kwargs: Any) -> Engine:
    """An engine on ``db_path`` with the PRAGMAs in force on every connection.

    ``foreign_keys=False`` is only for migrations: SQLite cannot switch the PRAGMA inside a
    transaction, and batch table rebuilds must run with it off (checked afterwards instead).
    """
    # hide_parameters: a logged traceback names the statement, never a citizen's name or phone.
    kwargs.setdefault("hide_parameters", True)
    engine = create_engine(f"sqlite:///{db_path}", **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN
        cursor = dbapi_connection.cursor()
        try:
            for pragma in PRAGMAS:
                if pragma == "PRAGMA foreign_keys=ON" and not foreign_keys:
                    cursor.execute("PRAGMA foreign_keys=OFF")
                else:
                    cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A write unit of work takes the write lock up front (and waits for it through the busy
        # timeout): a deferred BEGIN that upgrades later fails at once with "database is locked"
        # when another writer went first. Reads stay deferred and never block a writer.
        if conn.get_execution_options().get(WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: plain data read in a unit of work stays readable after it.
    return sessionmaker(engine, expire_on_commit=False)
