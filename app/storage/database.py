"""One open database: its path (or server URL), engine and session factory.

Two kinds: the local SQLite file (``Database.open(path)``, the default) and a PostgreSQL server
(``Database.open_url("postgresql+psycopg://user@host:5432/db", password=...)``, see
``app.storage.server``). ``open_url`` connects, refuses a database made by a newer program
(``SchemaTooNew``) or not ours, upgrades an older one (or refuses it with ``SchemaTooOld`` when
``allow_upgrade=False``), and raises a ``ConnectionProblem`` subclass for a server that is down,
a wrong or missing password, an unknown user or database. A plain path given to ``open_url``
opens the SQLite file as ``open`` does. Services never see the difference: they take a Session.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from app import paths
from app.errors import (
    DatabaseDamagedError,
    DatabaseMissingError,
    EditConflict,
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

if TYPE_CHECKING:  # SQLAlchemy loads with the engine: the first page at start-up reads without it
    from sqlalchemy import Engine
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session, sessionmaker

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


def verify_consistent(probe: FileProbe) -> None:
    """Refuse a file whose -wal was lost while its -shm remains (cheap: no page is read)."""
    if wal_missing(probe.path):
        raise damaged(
            probe.path,
            "thiếu tệp nhật ghi «-wal» đi kèm (chỉ còn tệp «-shm»), những thay đổi gần nhất có thể đã mất",
        )


def verify_pages(probe: FileProbe) -> None:
    """Refuse, without writing, an SQLite file that fails ``quick_check`` (reads every page)."""
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


def verify_readable(probe: FileProbe) -> None:
    """Refuse, without writing, an SQLite file that is inconsistent or fails ``quick_check``."""
    verify_consistent(probe)
    verify_pages(probe)


# quick_check reads the whole file: ~0.1 s for a year of one commune, 1 s or more (several on an
# old disk) for a 20-year history of 100 000 petitions (~470 MB). Past this size it runs beside
# the first screens instead of before them; every write waits for its verdict.
BACKGROUND_CHECK_BYTES = 64 * 2**20


class Verification:
    """``quick_check`` of a file already open for reading; writes wait for the verdict.

    Reading screens may show what the file holds meanwhile; nothing is written to it before it
    passed, so a damaged file is still never written. A failure is kept and raised by
    :meth:`wait` to every writer (and told to the user by the window).

    A ``deferred`` check starts when :meth:`start` is called (the window does once its first
    list is on screen: on an old disk the check reads the whole file and would slow that list
    down) or when anything needs the verdict, whichever comes first.
    """

    def __init__(self, probe: FileProbe, *, deferred: bool = False) -> None:
        self.done = threading.Event()
        self.error: DatabaseDamagedError | None = None
        self._probe = probe
        # Set with the verdict, or when the database closes before anyone started the check.
        self._settled = threading.Event()
        self._starting = threading.Lock()
        self._thread: threading.Thread | None = None
        if not deferred:
            self.start()

    def start(self) -> None:
        """Begin the check (once; later calls do nothing)."""
        with self._starting:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, name="quick-check", daemon=True)
            self._thread.start()

    @property
    def started(self) -> bool:
        return self._thread is not None

    def _run(self) -> None:
        try:
            verify_pages(self._probe)
        except DatabaseDamagedError as exc:
            self.error = exc
        except Exception as exc:  # an unreadable file is damaged too, never a crash of the thread
            self.error = damaged(self._probe.path, f"lỗi đọc tệp ({type(exc).__name__})")
        finally:
            self.done.set()
            self._settled.set()

    def passed(self) -> bool:
        """Block until the verdict (starting the check if nobody did); True when the file is sound."""
        self.start()
        self.done.wait()
        return self.error is None

    def settled(self) -> bool:
        """Block until whoever starts the check has its verdict; True when the file is sound.

        False, without a verdict, once the database is closed first: the upkeep waits on this
        and must neither start the check itself nor keep the program from closing.
        """
        self._settled.wait()
        return self.done.is_set() and self.error is None

    def release(self) -> None:
        """The database closes: nobody waits any longer for a check that never started."""
        self._settled.set()

    def wait(self) -> None:
        """Block until the verdict; raise the refusal when the file failed."""
        if not self.passed():
            assert self.error is not None
            raise DatabaseDamagedError(
                self.error.path, self.error.finding, self.error.advice, self.error.backup
            )


def _conflict_of(exc: Exception) -> EditConflict:
    """The EditConflict of a flush whose ``UPDATE … WHERE version = ?`` matched no row."""
    import re

    found = re.search(r"table '(\w+)'", str(exc))
    table = found.group(1) if found else ""
    label = {"dialogue": "hội nghị", "petition": "ý kiến, kiến nghị"}.get(table, table or "bản ghi")
    return EditConflict(label, "?", expected_version=None, current_version=None, kind=table or "petition")


def _up_to_date(db_path: Path) -> bool:
    try:
        return schema_status(db_path).up_to_date
    except Exception:  # the synchronous path then says precisely what is wrong
        return False


class Database:
    """The handle the services and the UI share: ``with db.transaction() as session: …``.

    ``path`` is the SQLite file, None on a server; ``location`` is what to show either way.
    """

    def __init__(
        self,
        path: Path | None,
        engine: Engine,
        migration: MigrationReport | None = None,
        verification: Verification | None = None,
        *,
        read_only: str = "",
        location: str | None = None,
    ) -> None:
        self.path = path
        self.engine = engine
        self.sessions: sessionmaker[Session] = make_session_factory(engine)
        self.migration = migration
        self.location = location if location is not None else str(path)
        # Why the file can only be read, in Vietnamese ("" when it can be written): every write
        # is refused with ReadOnlyDatabaseError and the window says why in a banner.
        self.read_only = read_only
        self.verification = verification
        # Index merges and checkpoints write: never on a read-only file, after a large file's check.
        from app.storage.upkeep import Upkeep

        self.upkeep: Upkeep | None = (
            Upkeep(path, engine, ready=verification.settled if verification else None)
            if path is not None and not read_only and engine.dialect.name == "sqlite"
            else None
        )

    @property
    def on_server(self) -> bool:
        """True on PostgreSQL: no file, no file backups, other PCs may write at the same time."""
        return self.engine.dialect.name != "sqlite"

    @classmethod
    def open_url(
        cls, url: str, password: str | None = None, *, allow_upgrade: bool = True, create: bool = False
    ) -> Database:
        """Open a server database (``postgresql+psycopg://user@host:port/db``), or a file path.

        Raises a :class:`~app.storage.server.ConnectionProblem` subclass naming what is wrong.
        An empty server database gets the schema (an administrator created it for the program).
        """
        from sqlalchemy.exc import DBAPIError

        from app.storage import server
        from app.storage.migrate import upgrade_server

        if not server.is_server_url(url):
            path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else url
            return cls.open(path, create=create)
        parsed = server.server_url(url, password)
        where = server.display_url(parsed)
        engine = server.make_server_engine(parsed)
        try:
            try:
                with engine.connect() as conn:
                    conn.exec_driver_sql("SELECT 1")
                report = upgrade_server(engine, where, allow_upgrade=allow_upgrade)
            except DBAPIError as exc:
                problem = server.classify(exc, where)
                log.warning("server database refused: %s", problem)
                raise problem from exc
        except BaseException:
            engine.dispose()
            raise
        log.info("opened server database %s", where)
        return cls(None, engine, report, location=where)

    @classmethod
    def open(
        cls, path: Path | str | None = None, *, create: bool = False, check_in_background: bool = False
    ) -> Database:
        """Open and migrate the database at ``path``, or the default one.

        Only three things create a database: the default file on first run (``path`` None; its
        folder is made on demand), ``doithoai demo`` and an explicit «Tạo tệp dữ liệu mới»
        (``create=True``). Any other missing or 0-byte path raises
        :class:`~app.errors.DatabaseMissingError` naming it, and a file that is not SQLite
        :class:`~app.errors.NotADatabaseError`: a typo never silently starts an empty database.
        A folder the user named must already exist.

        ``check_in_background``: a large file at the current schema opens before its quick_check,
        which starts with ``verification.start()`` or the first write (see :class:`Verification`).
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
        verification = None
        if probe.kind is FileKind.SQLITE:
            verify_consistent(probe)
            reason = read_only_reason(db_path)
            if (
                check_in_background
                and not reason
                and probe.size > BACKGROUND_CHECK_BYTES
                and _up_to_date(db_path)
            ):
                # No migration to run: nothing writes first.
                verification = Verification(probe, deferred=True)
            else:
                verify_pages(probe)
            if reason:
                return cls.open_read_only(probe, reason)
        try:
            report = upgrade_database(db_path)
        except sqlite3.DatabaseError as exc:
            raise damaged(db_path, f"lỗi đọc tệp ({exc})") from exc
        return cls(db_path, make_engine(db_path), report, verification)

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
        """One unit of work: commits on success, rolls back on any error (``BEGIN IMMEDIATE``).

        While a large file's quick_check still runs, this waits for it (and refuses a damaged file).
        A versioned record (petition, dialogue) that another PC saved between this unit of work
        reading and writing it raises :class:`~app.errors.EditConflict`; nothing is written.
        """
        from sqlalchemy.orm.exc import StaleDataError

        self.refuse_if_read_only()
        if self.verification is not None:
            self.verification.wait()
        try:
            with self.sessions.begin() as session:
                session.connection(execution_options={WRITE_OPTION: True})
                yield session
        except StaleDataError as exc:
            raise _conflict_of(exc) from exc

    def write(self, op: Callable[[Session], T], *, attempts: int = WRITE_ATTEMPTS) -> T:
        """Run ``op`` in one transaction, retried with backoff while another program holds the lock.

        Each attempt already waits ``BUSY_TIMEOUT_MS`` for the lock; only "database is locked"
        and "busy" are retried (the unit of work was rolled back, so re-running it is safe). On
        a server, a serialization failure or a deadlock is retried the same way.
        """
        from sqlalchemy.exc import DBAPIError, OperationalError

        from app.storage.server import is_retryable

        self.refuse_if_read_only()
        delay = 0.05
        for attempt in range(1, attempts + 1):
            try:
                with self.transaction() as session:
                    return op(session)
            except DBAPIError as exc:
                retry = is_retryable(exc) or (isinstance(exc, OperationalError) and is_busy(exc))
                if attempt == attempts or not retry:
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
        if self.verification is not None:
            self.verification.release()
        if self.upkeep is not None:
            self.upkeep.stop()
        self.engine.dispose()
