"""Checks and facts about a database file: integrity, schema version, what it holds."""

from __future__ import annotations

import enum
import logging
import platform
import sqlite3
import sys
import threading
import weakref
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import __version__, paths
from app.errors import AppError
from app.storage.migrate import head_revision, revision_graph
from app.storage.probe import FileKind, probe_file, read_only_connection, wal_missing

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.storage.database import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckReport:
    path: Path
    integrity: str  # "ok" or SQLite's first complaints
    foreign_keys: int  # rows violating a foreign key
    schema_revision: str | None
    head_revision: str
    counts: dict[str, int] = field(default_factory=dict)
    problem: str = ""  # the file could not be checked at all: missing, empty, not ours

    @property
    def ok(self) -> bool:
        return (
            not self.problem
            and self.integrity == "ok"
            and self.foreign_keys == 0
            and self.schema_revision == self.head_revision
        )

    def lines(self) -> list[str]:
        state = "tốt" if self.ok else "CÓ VẤN ĐỀ"
        if self.problem:
            return [f"Tệp dữ liệu: {self.path}", f"Vấn đề: {self.problem}", f"Kết luận: {state}"]
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


def _problem(db_path: Path, head: str, finding: str) -> CheckReport:
    return CheckReport(
        path=db_path,
        integrity="chưa kiểm tra",
        foreign_keys=0,
        schema_revision=None,
        head_revision=head,
        problem=finding,
    )


def check_database(db_path: Path) -> CheckReport:
    """Read-only check: every input is left byte-identical, and no file is created beside it.

    The file is classified by its first bytes before anything opens it (missing, 0 bytes, not
    SQLite); an SQLite file is read through a ``mode=ro`` URI (``immutable`` for a WAL database
    that nobody has open, so no ``-wal``/``-shm`` appear), never with the program's PRAGMAs. A
    damaged or foreign file is a finding, not a crash.
    """
    head = head_revision()
    probe = probe_file(db_path)
    if probe.kind is FileKind.MISSING:
        return _problem(db_path, head, "không tìm thấy tệp")
    if probe.kind is FileKind.DIRECTORY:
        return _problem(db_path, head, "đường dẫn là một thư mục, không phải tệp dữ liệu")
    if probe.kind is FileKind.EMPTY:
        return _problem(db_path, head, "tệp rỗng (0 byte), không phải tệp dữ liệu")
    if probe.kind is FileKind.NOT_SQLITE:
        return _problem(db_path, head, "không phải tệp SQLite (có thể là văn bản hoặc tệp khác)")
    if wal_missing(db_path):
        return _problem(
            db_path,
            head,
            "thiếu tệp «-wal» đi kèm (chỉ còn «-shm»): những thay đổi gần nhất có thể đã mất; "
            "đừng mở tệp bằng chương trình, hãy khôi phục bản sao lưu hoặc tìm lại tệp «-wal»",
        )
    counts: dict[str, int] = {}
    broken = 0
    current: str | None = None
    try:
        connection = read_only_connection(probe)
        try:
            tables = {
                row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if "alembic_version" not in tables:
                return _problem(
                    db_path,
                    head,
                    "tệp SQLite của chương trình khác, không phải tệp dữ liệu Đối thoại với Nhân dân",
                )
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            current = row[0] if row else None
            rows = [row[0] for row in connection.execute("PRAGMA integrity_check").fetchmany(10)]
            broken = len(connection.execute("PRAGMA foreign_key_check").fetchall())
            for table in COUNTED_TABLES:
                if table in tables:
                    counts[table] = connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        rows = [f"lỗi đọc tệp: {exc}"]
    if current is not None and current not in revision_graph().revisions:
        return _problem(
            db_path,
            head,
            f"tệp được tạo bởi phiên bản mới hơn của chương trình (cấu trúc {current}); "
            "hãy cài phiên bản mới nhất, không mở tệp bằng phiên bản này",
        )
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


def _described(path: Path) -> str:
    kind = probe_file(path).kind
    notes = {
        FileKind.MISSING: " (không tồn tại)",
        FileKind.EMPTY: " (tệp rỗng, 0 byte)",
        FileKind.NOT_SQLITE: " (không phải tệp SQLite)",
        FileKind.DIRECTORY: " (là một thư mục)",
    }
    return f"{path}{notes.get(kind, '')}"


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
        f"Tệp dữ liệu: {_described(db_path or paths.default_db_path())}",
        f"Sao lưu: {paths.backups_dir()}",
        f"Nhật ký: {paths.logs_dir()}",
        f"Tài nguyên: {paths.resource_path()}",
        f"Phiên bản cấu trúc dữ liệu mới nhất: {head_revision()}",
    ]


def backup_keep(session: Session) -> dict[str, int]:
    """How many daily, weekly and monthly routine backups rotation keeps (Cài đặt)."""
    from app.services.settings import get_setting
    from app.storage.backups import DEFAULT_KEEP, KEEP_SETTING

    stored = get_setting(session, KEEP_SETTING)
    keep = dict(DEFAULT_KEEP)
    if isinstance(stored, dict):
        for key in keep:
            value = stored.get(key)
            if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 366:
                keep[key] = value
    return keep


def set_backup_keep(session: Session, *, daily: int, weekly: int, monthly: int) -> dict[str, int]:
    from app.errors import ValidationError
    from app.services.settings import set_setting
    from app.storage.backups import KEEP_SETTING

    values = {"daily": daily, "weekly": weekly, "monthly": monthly}
    problems = {
        key: "Hãy nhập một số từ 1 đến 366." for key, value in values.items() if not 1 <= value <= 366
    }
    if problems:
        raise ValidationError(problems)
    set_setting(session, KEEP_SETTING, values)  # audited there, old → new
    return values


def data_folder_problem() -> str:
    """Why the data folder cannot take backups, logs and window state ("" when it can).

    Tried for real (a folder made, a small file written and removed) rather than by permission
    bits: a read-only share, a path through a file, a full disk all show the same way.
    """
    import os
    import uuid

    from app.storage.engine import MIN_FREE_BYTES, free_bytes

    folder = paths.data_dir()
    try:
        for sub in (paths.backups_dir(), paths.state_dir(), paths.logs_dir()):
            sub.mkdir(parents=True, exist_ok=True)
            probe = sub / f".probe-{uuid.uuid4().hex[:8]}"
            probe.write_bytes(b"ok")
            os.unlink(probe)
    except OSError as exc:
        log.warning("data folder not writable: %s", type(exc).__name__)
        return (
            f"Không ghi được vào thư mục dữ liệu «{folder}»: bản sao lưu tự động và nhật ký lỗi sẽ "
            "không được lưu. Hãy kiểm tra quyền ghi của thư mục (hoặc chọn thư mục khác qua biến "
            "DOITHOAI_HOME / chế độ portable) rồi mở lại chương trình."
        )
    if free_bytes(folder) < MIN_FREE_BYTES:
        return (
            f"Ổ đĩa chứa thư mục dữ liệu «{folder}» đã đầy: bản sao lưu tự động sẽ không được tạo. "
            "Hãy xóa bớt tệp không cần hoặc dọn Thùng rác."
        )
    return ""


def note_file_event(db_path: Path, action: str, **details: object) -> bool:
    """A line of the Nhật ký for what happened to the file itself (a backup, a restore), written
    by a command that did not open the database: only into a file at the current schema that
    can be written (a backup of an older or read-only file is still made, just not noted)."""
    from app.services import audit
    from app.storage.database import Database
    from app.storage.migrate import schema_status

    try:
        status = schema_status(db_path)
        if not status.up_to_date or status.empty:
            return False
        db = Database.open(db_path)
        try:
            db.write(lambda session: audit.record(session, action, "database", None, **details))
        finally:
            db.close()
    except Exception as exc:  # the copy is made; a line the file cannot take is only logged
        log.warning("no Nhật ký line for %s: %s", action, type(exc).__name__)
        return False
    return True


def open_for_window(db_path: Path | None, *, create: bool = False) -> Database:
    """What the window does before its first screen: open (backup, migrate), the routine copy
    (at most one a day), and settle exports a kill interrupted. A failed routine backup or a
    read-only file is logged and the program still opens.

    On a large file the quick_check, the routine copy and the settling wait until the first
    screen is filled (:func:`after_first_screen`): they read the whole file, and on an old disk
    the first list would wait behind them. Writes wait for the quick_check.
    """
    from app.storage.database import Database

    db = Database.open(db_path, create=create, check_in_background=True)
    if db.verification is None:
        after_open(db)
    return db


# The after_open thread of each large file open in a window (close_after_window lets it finish).
_background: weakref.WeakKeyDictionary[Database, threading.Thread] = weakref.WeakKeyDictionary()
_background_lock = threading.Lock()


def after_first_screen(db: Database) -> None:
    """Start what the window's first screen did not wait for, once (a small file had it at open):
    the large file's quick_check, then its routine copy and the settling of exports."""
    if db.verification is None:
        return
    with _background_lock:
        if db in _background:
            return
        db.verification.start()
        thread = threading.Thread(target=after_open, args=(db,), name="after-open", daemon=True)
        _background[db] = thread
    thread.start()


def after_open(db: Database) -> None:
    """The routine copy and the settling of interrupted exports, once the file passed its check."""
    from app.services.numbering import settle_exports
    from app.storage import backups

    if db.verification is not None and not db.verification.passed():
        return  # the window tells the user; a damaged file is neither copied nor written
    try:
        with db.reading() as session:
            keep = backup_keep(session)
        if db.path is not None:  # a server database is backed up by its administrator (pg_dump)
            backups.backup_if_due(db.path, keep=keep)
    except AppError as exc:
        log.warning("routine backup failed: %s", exc)
    if db.read_only:
        return  # read, never written: nothing to settle
    try:
        db.write(settle_exports)
    except Exception as exc:  # a file that fails to write still opens; nothing settled then
        log.warning("settling exports failed: %s", type(exc).__name__)


def close_after_window(db: Database) -> None:
    """Close the database and make the copy on exit, only after changes; never stops the exit."""
    from app.storage import backups

    with _background_lock:
        started = _background.pop(db, None)
    if started is not None:
        started.join()  # a routine copy under way ends whole rather than cut short by the exit
    try:
        if db.verification is not None and not db.verification.passed():
            db.close()
            return  # a damaged file is not copied over the good backups
        with db.reading() as session:
            keep = backup_keep(session)
        db.close()
        if db.path is not None:
            backups.backup_if_changed(db.path, keep=keep)
    except Exception as exc:
        log.warning("backup on exit failed: %s", type(exc).__name__)
    db.close()


INTEGRITY_EVERY_DAYS = 7


def _integrity_stamp(db_path: Path) -> Path:
    import hashlib

    digest = hashlib.sha1(str(db_path.expanduser().resolve()).encode("utf-8")).hexdigest()[:12]
    return paths.state_dir() / f"integrity-{digest}.txt"


def weekly_check(db_path: Path, *, today: date | None = None) -> CheckReport | None:
    """The full integrity_check once a week (read-only); the report when it was run, else None.

    The date of the last check is kept in the state folder; a folder that cannot be written only
    means the check runs again next time.
    """
    import contextlib
    import logging

    day = today or date.today()
    stamp = _integrity_stamp(db_path)
    with contextlib.suppress(OSError, ValueError):
        last = date.fromisoformat(stamp.read_text(encoding="utf-8").strip())
        if (day - last).days < INTEGRITY_EVERY_DAYS:
            return None
    report = check_database(db_path)
    log = logging.getLogger(__name__)
    if report.ok:
        log.info("weekly integrity check ok")
    else:
        log.error("weekly integrity check found problems: %s", report.integrity[:200] or report.problem)
    with contextlib.suppress(OSError):
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(day.isoformat(), encoding="utf-8")
    return report


def _kept_kind(column_type: Any) -> Any:
    """What a column holds, for app.storage.first_page's converters (ValueError: not keepable)."""
    from sqlalchemy import JSON, Boolean, Date, DateTime, Enum, Integer, String

    if isinstance(column_type, Enum) and column_type.enum_class is not None:
        cls = column_type.enum_class
        lookup = column_type._object_lookup  # stored string → member, as SQLAlchemy reads it
        members = {
            stored: member.name
            for stored, member in lookup.items()
            if stored is not None and isinstance(member, enum.Enum)
        }
        return {"enum": f"{cls.__module__}:{cls.__qualname__}", "members": members}
    if isinstance(column_type, DateTime):
        return "datetime"
    if isinstance(column_type, Date):
        return "date"
    if isinstance(column_type, JSON):
        return "json"
    if isinstance(column_type, Boolean):
        return "bool"
    if type(column_type) in (Integer, String) or isinstance(column_type, String | Integer):
        return "raw"
    raise ValueError(f"no kept form for a {type(column_type).__name__} column")


def kept_first_page(order: tuple[str, bool] = ("default", False)) -> dict[str, Any]:
    """The Hội nghị list's statements in ``order`` compiled for SQLite, with what each column holds."""
    from sqlalchemy import func, select
    from sqlalchemy.dialects import sqlite

    from app.services.dialogues import dialogue_list_statements
    from app.storage.first_page import ORGANIZATIONS, USERS
    from app.storage.models import AppUser, Organization

    statements: dict[str, Any] = dict(dialogue_list_statements(*order))
    statements[USERS] = select(func.count()).select_from(AppUser)
    statements[ORGANIZATIONS] = select(func.count()).select_from(Organization)
    dialect = sqlite.dialect()
    return {
        name: {
            "sql": str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True})),
            "columns": [_kept_kind(column.type) for column in statement.selected_columns],
        }
        for name, statement in statements.items()
    }


def keep_first_page(order: tuple[str, bool] = ("default", False)) -> bool:
    """Keep the first page's statements, in the ``order`` (sort key, descending) the page asked
    for, for the next start (rewritten only when they changed);
    True when the kept file is current. A state folder that cannot be written only means the next
    start takes the normal path."""
    from app.storage.first_page import kept_path, kept_queries_text

    try:
        text = kept_queries_text(kept_first_page(order), head_revision(), order)
        target = kept_path()
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            return True
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(target)
    except (OSError, ValueError) as exc:
        log.warning("first page statements not kept: %s", type(exc).__name__)
        return False
    return True
