"""One writer program per database file: an OS file lock keyed on the file's resolved path.

The window holds it while open; the command line takes it for every command that writes, so a
restore or an import never runs under an open window. The OS releases the lock when the process
dies (a power cut or a kill leaves no stale lock to clear by hand).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from app import paths
from app.errors import StorageError


class DatabaseInUseError(StorageError):
    """Another window or command holds the database file."""

    def __init__(self, db_path: Path) -> None:
        super().__init__(
            f"database {db_path} is in use by another process",
            f"Tệp dữ liệu «{db_path}» đang được mở ở một cửa sổ hoặc lệnh khác của chương trình. "
            "Hãy dùng cửa sổ đó, hoặc đóng nó rồi thử lại.",
        )


def lock_path(db_path: Path) -> Path:
    digest = hashlib.sha1(str(db_path.expanduser().resolve()).encode("utf-8")).hexdigest()[:12]
    return paths.state_dir() / f"instance-{digest}.lock"


class DatabaseLock:
    """A held lock; ``release()`` (or process exit) frees it."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle: IO[bytes] | None = handle

    def release(self) -> None:
        if self._handle is not None:
            _unlock(self._handle)
            self._handle.close()
            self._handle = None


def _try_lock(handle: IO[bytes]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(handle: IO[bytes]) -> None:
    with contextlib.suppress(OSError):
        if sys.platform == "win32":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def try_lock(db_path: Path) -> DatabaseLock | None:
    """The lock of ``db_path``, or None when another process holds it.

    A data folder where no lock file can be made (read-only) gives a lock that guards nothing
    rather than stopping the program: SQLite's own locking still protects every write.
    """
    target = lock_path(db_path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle = target.open("a+b")
    except OSError:
        return DatabaseLock(open(os.devnull, "rb"))
    if not _try_lock(handle):
        handle.close()
        return None
    return DatabaseLock(handle)


@contextlib.contextmanager
def database_lock(db_path: Path) -> Iterator[DatabaseLock]:
    """Hold the lock of ``db_path`` for a command that writes; DatabaseInUseError if taken."""
    lock = try_lock(db_path)
    if lock is None:
        raise DatabaseInUseError(db_path)
    try:
        yield lock
    finally:
        lock.release()
