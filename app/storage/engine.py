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
from typing import TYPE_CHECKING, Any

from app.errors import StorageError

if TYPE_CHECKING:  # SQLAlchemy loads with the first engine: the start-up's first page reads without it
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

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


# Below this much free space a write would fail half-way (the -wal grows first): open read-only.
MIN_FREE_BYTES = 4 * 1024 * 1024


def writable(path: Path) -> bool:
    """The current user may write ``path`` (a file or a folder); one place, so tests can stand in
    for a read-only disk even when they run as root (who may write everything)."""
    return os.access(path, os.W_OK)


def free_bytes(folder: Path) -> int:
    """Free space for this user on the disk of ``folder`` (a huge number when it cannot be read)."""
    import shutil

    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return 2**62


def read_only_reason(db_path: Path) -> str:
    """Why an existing database can only be read ("" when it can be written), in Vietnamese.

    SQLite writes the file itself and, in WAL mode, a ``-wal`` and ``-shm`` beside it: a file
    marked read-only, a folder where those cannot be made, or a disk too full for them all mean
    the program opens the file to read only (lists, search, previews) and refuses every write.
    """
    folder = db_path.parent
    if not writable(db_path):
        return (
            f"tệp «{db_path.name}» chỉ cho phép đọc (thuộc tính Read-only hoặc thiếu quyền ghi). "
            "Hãy bỏ thuộc tính chỉ đọc của tệp (chuột phải → Properties), hoặc chép tệp sang thư mục "
            "của bạn"
        )
    if not writable(folder):
        return (
            f"thư mục «{folder}» chỉ cho phép đọc (chương trình cần tạo tệp phụ «-wal» bên cạnh tệp dữ "
            "liệu). Hãy chép tệp dữ liệu sang một thư mục có quyền ghi, ví dụ Tài liệu (Documents)"
        )
    if free_bytes(folder) < MIN_FREE_BYTES:
        return (
            f"ổ đĩa chứa «{folder}» đã đầy (còn dưới {MIN_FREE_BYTES // (1024 * 1024)} MB). Hãy xóa bớt "
            "tệp không cần hoặc dọn Thùng rác để giải phóng dung lượng"
        )
    return ""


def check_db_location(db_path: Path) -> None:
    """Raise a StorageError a user can act on if ``db_path`` cannot hold a database.

    A file that exists but cannot be written is not refused here: it opens read-only
    (:func:`read_only_reason`).
    """
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
        if not os.access(db_path, os.R_OK):
            raise StorageError(
                f"{db_path} is not readable",
                f"Không đọc được tệp dữ liệu «{db_path}» (thiếu quyền đọc). Hãy kiểm tra quyền truy cập "
                "hoặc chép tệp sang thư mục của bạn.",
            )
        return
    if not folder.exists():
        raise StorageError(
            f"folder {folder} does not exist",
            f"Thư mục «{folder}» không tồn tại. Hãy tạo thư mục hoặc chọn đường dẫn khác.",
        )
    if not writable(folder):
        raise StorageError(
            f"folder {folder} is read-only",
            f"Thư mục «{folder}» chỉ cho phép đọc, không thể tạo tệp dữ liệu trong đó. "
            "Hãy chọn một thư mục có quyền ghi.",
        )


def make_engine(
    db_path: Path, *, foreign_keys: bool = True, read_only_uri: str | None = None, **kwargs: Any
) -> Engine:
    """An engine on ``db_path`` with the PRAGMAs in force on every connection.

    ``foreign_keys=False`` is only for migrations: SQLite cannot switch the PRAGMA inside a
    transaction, and batch table rebuilds must run with it off (checked afterwards instead).
    ``read_only_uri`` (from :func:`app.storage.probe.read_only_uri`) opens every connection
    through SQLite's ``mode=ro``: SQLite itself refuses any write, whoever runs the program.
    """
    from sqlalchemy import create_engine, event

    # hide_parameters: a logged traceback names the statement, never a citizen's name or phone.
    kwargs.setdefault("hide_parameters", True)
    if read_only_uri is not None:
        uri = read_only_uri
        kwargs.setdefault("creator", lambda: sqlite3.connect(uri, uri=True, check_same_thread=False))
    engine = create_engine(f"sqlite:///{db_path}", **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN
        cursor = dbapi_connection.cursor()
        try:
            if read_only_uri is not None:
                # journal_mode and synchronous are the writer's business; query_only is a second
                # lock on the door.
                for pragma in ("PRAGMA foreign_keys=ON", f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}"):
                    cursor.execute(pragma)
                cursor.execute("PRAGMA query_only=ON")
                return
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
    from sqlalchemy.orm import sessionmaker

    # expire_on_commit=False: plain data read in a unit of work stays readable after it.
    return sessionmaker(engine, expire_on_commit=False)
