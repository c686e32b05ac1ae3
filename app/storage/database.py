"""One open database: its path, engine and session factory."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app import paths
from app.errors import (
    DatabaseDamagedError,
    DatabaseMissingError,
    EmptyDatabaseError,
    NotADatabaseError,
    ReadOnlyDatabaseError,
    StorageError,
)
from app.storage.engine import (
    WRITE_OPTION,
    check_db_location,
    make_engine,
    make_session_factory,
    read_only_reason,
)
from app.storage.migrate import MigrationReport, schema_status, upgrade_database
from app.storage.probe import (
    FileKind,
    FileProbe,
    probe_file,
    read_only_connection,
    read_only_uri,
    wal_missing,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
WRITE_ATTEMPTS = 5


def is_busy(exc: OperationalError) -> bool:
    text = str(exc.orig if exc.orig is not None else exc).lower()
    return "locked" in text or "busy" in text


def damaged(db_path: Path, finding: str) -> DatabaseDamagedError:
    """The typed refusal of a damaged file, naming the newest backup that verifies."""
    from app.storage.backups import newest_good_backup

    backup = newest_good_backup()
    if backup is not None:
        advice = (
            f"Bản sao lưu tốt mới nhất: {backup.phrase()}. Hãy chọn «Khôi phục» để dùng bản này; "
            "tệp hỏng được đổi tên và giữ lại bên cạnh, không bị xóa. Những gì nhập sau lúc sao lưu "
            "cần nhập lại."
        )
    else:
        advice = (
            "Không tìm thấy bản sao lưu nào dùng được. Đừng xóa tệp này; hãy chép nó ra USB và gửi "
            "cán bộ kỹ thuật."
        )
    log.error("database %s refused: %s", db_path.name, finding)
    return DatabaseDamagedError(db_path, finding, advice, backup)


def verify_readable(probe: FileProbe) -> None:
    """Refuse, without writing, an SQLite file that is inconsistent or fails ``quick_check``."""
    if wal_missing(probe.path):
        raise damaged(
            probe.path,
            "thiếu tệp nhật ghi «-wal» đi kèm (chỉ còn tệp «-shm»), những thay đổi gần nhất có thể đã mất",
        )
    from app.storage.backups import quick_check

    try:
        connection = read_only_connection(probe)
        try:
            verdict = quick_check(connection)
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        verdict = str(exc)
    if verdict != "ok":
        raise damaged(probe.path, f"kiểm tra nhanh (quick_check) báo lỗi: {verdict[:300]}")


class Database:
    """The handle the services and the UI share: ``with db.transaction() as session: …``."""

    def __init__(
        self, path: Path, engine: Engine, migration: MigrationReport | None = None, *, read_only: str = ""
    ) -> None:
        self.path = path
        self.engine = engine
        self.sessions: sessionmaker[Session] = make_session_factory(engine)
        self.migration = migration
        # Why the file can only be read, in Vietnamese ("" when it can be written): every write
        # is refused with ReadOnlyDatabaseError and the window says why in a banner.
        self.read_only = read_only

    @classmethod
    def open(cls, path: Path | str | None = None, *, create: bool = False) -> Database:
        """Open and migrate the database at ``path``, or the default one.

        Only three things create a database: the default file on first run (``path`` None; its
        folder is made on demand), ``doithoai demo`` and an explicit «Tạo tệp dữ liệu mới»
        (``create=True``). Any other missing or 0-byte path raises
        :class:`~app.errors.DatabaseMissingError` naming it, and a file that is not SQLite
        :class:`~app.errors.NotADatabaseError`: a typo never silently starts an empty database.
        A folder the user named must already exist.
        """
        db_path = Path(path).expanduser() if path else paths.default_db_path()
        if path is None:
            # On failure check_db_location explains what is wrong, in Vietnamese.
            with contextlib.suppress(OSError):
                db_path.parent.mkdir(parents=True, exist_ok=True)
        check_db_location(db_path)
        probe = probe_file(db_path)
        may_create = create or path is None
        if probe.kind is FileKind.MISSING and not may_create:
            raise DatabaseMissingError(db_path)
        if probe.kind is FileKind.EMPTY and not may_create:
            raise EmptyDatabaseError(db_path)
        if probe.kind is FileKind.NOT_SQLITE:
            raise NotADatabaseError(db_path)
        if probe.kind is FileKind.SQLITE:
            verify_readable(probe)
            reason = read_only_reason(db_path)
            if reason:
                return cls.open_read_only(probe, reason)
        try:
            report = upgrade_database(db_path)
        except sqlite3.DatabaseError as exc:
            raise damaged(db_path, f"lỗi đọc tệp ({exc})") from exc
        return cls(db_path, make_engine(db_path), report)

    @classmethod
    def open_read_only(cls, probe: FileProbe, reason: str) -> Database:
        """A file that cannot be written, opened through SQLite's ``mode=ro``: read, never changed.

        It must be at this program's schema (an upgrade is a write); ``reason`` says why it is
        read-only and what to do.
        """
        db_path = probe.path
        status = schema_status(db_path)
        if status.too_new or not status.up_to_date or status.current is None:
            # upgrade_database's own refusals (too new, not ours) word these best; it writes
            # nothing before them, and an older schema needs an upgrade that cannot be written.
            if status.too_new or (status.current is None and not status.empty):
                upgrade_database(db_path)
            raise StorageError(
                f"{db_path} needs an upgrade but is read-only: {reason}",
                f"Tệp dữ liệu «{db_path}» cần được nâng cấp cho phiên bản này nhưng không ghi được vì "
                f"{reason}.",
            )
        log.warning("database %s opened read-only", db_path.name)
        engine = make_engine(db_path, read_only_uri=read_only_uri(db_path, wal=probe.wal))
        return cls(db_path, engine, MigrationReport(status.current, status.head, None), read_only=reason)

    def refuse_if_read_only(self) -> None:
        if self.read_only:
            raise ReadOnlyDatabaseError(self.path, self.read_only)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back on any error (``BEGIN IMMEDIATE``)."""
        self.refuse_if_read_only()
        with self.sessions.begin() as session:
            session.connection(execution_options={WRITE_OPTION: True})
            yield session

    def write(self, op: Callable[[Session], T], *, attempts: int = WRITE_ATTEMPTS) -> T:
        """Run ``op`` in one transaction, retried with backoff while another program holds the lock.

        Each attempt already waits ``BUSY_TIMEOUT_MS`` for the lock; only "database is locked"
        and "busy" are retried (the unit of work was rolled back, so re-running it is safe).
        """
        self.refuse_if_read_only()
        delay = 0.05
        for attempt in range(1, attempts + 1):
            try:
                with self.transaction() as session:
                    return op(session)
            except OperationalError as exc:
                if attempt == attempts or not is_busy(exc):
                    raise
                log.info("database busy, attempt %d of %d", attempt, attempts)
                time.sleep(delay)
                delay = min(delay * 2, 1.0)
        raise AssertionError("unreachable")

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only unit of work (rolled back at the end, never commits)."""
        with self.sessions() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()
