"""What a path holds, found without opening it as a database (so without writing anything).

SQLite writes as soon as a connection is made in the usual way: a 0-byte file becomes a
database, ``PRAGMA journal_mode=WAL`` rewrites another program's file header. Anything that must
leave a file untouched (``doithoai check``, the schema version read before a migration, the
refusal of a foreign file) looks at the first bytes here and reads through
:func:`read_only_connection`.
"""

from __future__ import annotations

import enum
import sqlite3
from dataclasses import dataclass
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
_HEADER_SIZE = 100


class FileKind(enum.Enum):
    MISSING = "missing"
    DIRECTORY = "directory"
    EMPTY = "empty"  # 0 bytes
    NOT_SQLITE = "not_sqlite"  # text, a document, a truncated header
    SQLITE = "sqlite"


@dataclass(frozen=True)
class FileProbe:
    path: Path
    kind: FileKind
    wal: bool = False  # the header says WAL mode (read/write versions 2)
    size: int = 0


def probe_file(path: Path) -> FileProbe:
    """Classify ``path`` by its size and its 100-byte SQLite header (read, never written)."""
    if not path.exists():
        return FileProbe(path, FileKind.MISSING)
    if path.is_dir():
        return FileProbe(path, FileKind.DIRECTORY)
    size = path.stat().st_size
    if size == 0:
        return FileProbe(path, FileKind.EMPTY)
    with path.open("rb") as handle:
        header = handle.read(_HEADER_SIZE)
    if len(header) < _HEADER_SIZE or not header.startswith(SQLITE_MAGIC):
        return FileProbe(path, FileKind.NOT_SQLITE, size=size)
    return FileProbe(path, FileKind.SQLITE, wal=header[18] == 2 and header[19] == 2, size=size)


def read_only_uri(path: Path, *, wal: bool) -> str:
    """The SQLite URI that reads ``path`` without creating or changing any file.

    ``mode=ro`` alone still creates ``-wal``/``-shm`` beside a WAL database; when no ``-wal`` is
    there (no program has it open), ``immutable=1`` reads it without them. With a ``-wal``
    present another connection may be writing, so the file is read the normal read-only way
    (its ``-wal``/``-shm`` exist already; nothing new appears).
    """
    uri = path.resolve().as_uri() + "?mode=ro"
    if wal and not Path(f"{path}-wal").exists():
        uri += "&immutable=1"
    return uri


def read_only_connection(probe: FileProbe) -> sqlite3.Connection:
    """A connection that cannot write to an existing SQLite file (see :func:`read_only_uri`)."""
    if probe.kind is not FileKind.SQLITE:
        raise ValueError(f"{probe.path} is not an SQLite file ({probe.kind.value})")
    return sqlite3.connect(read_only_uri(probe.path, wal=probe.wal), uri=True)


def wal_missing(path: Path) -> bool:
    """A ``-shm`` with no ``-wal`` beside the file: the log of its last commits was lost or deleted.

    SQLite removes both on a clean close; a lone ``-shm`` means a copy or a clean-up tool dropped
    the ``-wal``, and opening the file would silently forget the commits it held.
    """
    return Path(f"{path}-shm").exists() and not Path(f"{path}-wal").exists()
