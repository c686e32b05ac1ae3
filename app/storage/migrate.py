"""Schema versions: a verified backup, then every Alembic revision in one transaction.

A database made by a newer program is refused untouched; a failed upgrade rolls back completely
(transactional DDL over our own BEGIN, see engine.py) and leaves the backup beside it.

Alembic (with Mako and its DDL modules) costs a noticeable share of the start-up on an old PC, yet
on almost every start the file is already at head. So the revision graph is first read from the
version files' ``revision``/``down_revision`` assignments without importing them; Alembic is
imported only to upgrade, or when that cheap reading is not conclusive (it then decides).
"""

from __future__ import annotations

import ast
import logging
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app import paths
from app.errors import DatabaseTooNewError, MigrationError, NotADatabaseError, StorageError
from app.storage.engine import make_engine
from app.storage.probe import FileKind, probe_file, read_only_connection

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection, Engine

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SchemaStatus:
    current: str | None  # revision stored in the file; None for a new or empty file
    head: str  # newest revision this program knows
    known: bool  # the stored revision is one of ours
    empty: bool  # no tables at all yet

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head

    @property
    def too_new(self) -> bool:
        return self.current is not None and not self.known


@dataclass(frozen=True)
class MigrationReport:
    from_revision: str | None
    to_revision: str
    backup_path: Path | None


def alembic_config(location: Path | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(location or paths.migrations_dir()))
    return config


@dataclass(frozen=True)
class RevisionGraph:
    head: str
    revisions: frozenset[str]


# The files Alembic itself loads from versions/ (alembic.script.base._only_source_rev_file).
_REVISION_FILE = re.compile(r"(?!\.\#|__init__)(.*\.py)$")
# A module-level ``revision = "0002"`` or ``down_revision: str | None = "0001"`` on one line.
_ASSIGNMENT = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+?)\s*(?:#.*)?$", re.MULTILINE)


def _read_revision_graph(location: Path) -> RevisionGraph | None:
    """The graph from the version files' one-line literal assignments; None when Alembic must decide.

    None for anything unusual (no files, an unreadable file, a missing or repeated id, a value
    that is not a one-line literal, branches or merges leaving more or fewer than one head), so
    the fast path never guesses.
    """
    links: dict[str, tuple[str, ...]] = {}
    try:
        files = [item for item in (location / "versions").iterdir() if _REVISION_FILE.match(item.name)]
        for file in files:
            found: dict[str, list[object]] = {}
            for name, value in _ASSIGNMENT.findall(file.read_text(encoding="utf-8")):
                found.setdefault(name, []).append(ast.literal_eval(value))
            revisions, downs = found.get("revision", []), found.get("down_revision", [])
            if len(revisions) != 1 or len(downs) != 1:
                return None
            revision, down = revisions[0], downs[0]
            if not isinstance(revision, str) or revision in links:
                return None
            if down is None:
                links[revision] = ()
            elif isinstance(down, str):
                links[revision] = (down,)
            elif isinstance(down, tuple | list) and all(isinstance(item, str) for item in down):
                links[revision] = tuple(down)
            else:
                return None
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return None
    pointed_to = {down for downs in links.values() for down in downs}
    if not links or not pointed_to <= links.keys():
        return None
    heads = links.keys() - pointed_to
    if len(heads) != 1:
        return None
    return RevisionGraph(head=heads.pop(), revisions=frozenset(links))


def alembic_revision_graph(location: Path) -> RevisionGraph:
    """Alembic's own reading of the scripts (imports Alembic; the self-test compares the two)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(location))
    head = script.get_current_head()
    assert head is not None, "the migrations folder has no revisions"
    return RevisionGraph(head=head, revisions=frozenset(rev.revision for rev in script.walk_revisions()))


def revision_graph(location: Path | None = None) -> RevisionGraph:
    folder = location or paths.migrations_dir()
    return _read_revision_graph(folder) or alembic_revision_graph(folder)


def head_revision(location: Path | None = None) -> str:
    return revision_graph(location).head


def schema_status(db_path: Path, location: Path | None = None) -> SchemaStatus:
    """The stored revision, read through a read-only connection (nothing is created or changed).

    A missing or 0-byte file is a new, empty database; a file that is not SQLite is refused.
    """
    graph = revision_graph(location)
    probe = probe_file(db_path)
    if probe.kind in (FileKind.MISSING, FileKind.EMPTY):
        return SchemaStatus(current=None, head=graph.head, known=True, empty=True)
    if probe.kind is not FileKind.SQLITE:
        raise NotADatabaseError(db_path)
    try:
        connection = read_only_connection(probe)
        try:
            tables = {
                row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            current = None
            if "alembic_version" in tables:
                row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
                current = row[0] if row else None
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise StorageError(
            f"cannot read the schema of {db_path}: {exc}",
            f"Không đọc được tệp dữ liệu «{db_path}» ({exc}). Hãy chạy «doithoai check» để kiểm tra tệp.",
        ) from exc
    known = current is None or current in graph.revisions
    return SchemaStatus(current=current, head=graph.head, known=known, empty=not tables)


def backup_database(db_path: Path, dest_dir: Path, label: str = "backup") -> Path:
    """A verified copy made the one way (temp name, fsync, quick_check, rename): see backups.py."""
    from app.storage.backups import make_backup

    return make_backup(db_path, dest_dir, label)


def upgrade_database(
    db_path: Path,
    *,
    location: Path | None = None,
    backup_dir: Path | None = None,
    target: str = "head",
) -> MigrationReport:
    """Bring ``db_path`` to ``target``; back it up first when it already holds data."""
    status = schema_status(db_path, location)
    if status.too_new:
        raise DatabaseTooNewError(
            f"database revision {status.current} is newer than this program (head {status.head})",
            "Tệp dữ liệu này được tạo bởi phiên bản mới hơn của chương trình. Để không làm hỏng dữ liệu, "
            "chương trình không mở tệp này. Hãy cài phiên bản mới nhất rồi mở lại.",
        )
    if status.up_to_date and target == "head":
        return MigrationReport(status.current, status.head, None)
    if not status.empty and status.current is None:
        raise MigrationError(
            f"{db_path} holds tables but no schema version; not a database of this program",
            f"Tệp «{db_path.name}» không phải tệp dữ liệu của chương trình Đối thoại với Nhân dân. "
            "Hãy chọn đúng tệp dữ liệu.",
        )

    backup_path = None
    if not status.empty:
        backup_path = backup_database(
            db_path, backup_dir or paths.backups_dir(), label=f"before-{status.head}"
        )
        log.info("backup before migration: %s", backup_path)

    from alembic import command

    config = alembic_config(location)
    engine = make_engine(db_path, foreign_keys=False)
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, target)
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise MigrationError(f"foreign key check failed after upgrade: {broken[:5]}")
    except DatabaseTooNewError:
        raise
    except Exception as exc:
        log.exception("migration of %s failed", db_path)
        where = f" Bản sao lưu: «{backup_path}»." if backup_path else ""
        raise MigrationError(
            f"migration of {db_path} from {status.current} failed: {exc}",
            "Nâng cấp dữ liệu không thành công; mọi thay đổi đã được hoàn tác và tệp dữ liệu giữ nguyên."
            + where
            + " Hãy gửi tệp nhật ký cho cán bộ kỹ thuật.",
        ) from exc
    finally:
        engine.dispose()
    return MigrationReport(status.current, status.head if target == "head" else target, backup_path)


# --- a server database (PostgreSQL) -------------------------------------------------------------
# The same revisions through the same Alembic environment; no file backup (the server's own
# pg_dump is the administrator's tool) and no PRAGMA check. An advisory lock serialises two PCs
# starting the upgrade at once: the second waits, then finds the schema at head.

MIGRATION_LOCK_KEY = 0x646F6974  # "doit"


def server_schema_status(conn: Connection, location: Path | None = None) -> SchemaStatus:
    """The stored revision of a server database, read over ``conn`` (nothing is changed)."""
    from sqlalchemy import inspect, text

    graph = revision_graph(location)
    tables = set(inspect(conn).get_table_names())
    current = None
    if "alembic_version" in tables:
        current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    known = current is None or current in graph.revisions
    return SchemaStatus(current=current, head=graph.head, known=known, empty=not tables)


def upgrade_server(
    engine: Engine, where: str, *, location: Path | None = None, allow_upgrade: bool = True
) -> MigrationReport:
    """Bring a server database to head in one transaction, or refuse it with a typed problem."""
    from sqlalchemy import text

    from app.storage.server import NotOurDatabase, SchemaTooNew, SchemaTooOld

    with engine.connect() as conn:
        status = server_schema_status(conn, location)
    if status.too_new:
        raise SchemaTooNew(
            f"{where} is at revision {status.current}, newer than this program (head {status.head})",
            where,
            status.current,
            status.head,
        )
    if status.up_to_date:
        return MigrationReport(status.current, status.head, None)
    if not status.empty and status.current is None:
        raise NotOurDatabase(f"{where} holds tables but no schema version of this program", where)
    if not allow_upgrade and status.current is not None:
        raise SchemaTooOld(
            f"{where} is at revision {status.current}; this program needs {status.head}",
            where,
            status.current,
            status.head,
        )

    from alembic import command

    config = alembic_config(location)
    try:
        with engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
            again = server_schema_status(conn, location)
            if again.up_to_date:  # another PC upgraded while this one waited for the lock
                return MigrationReport(status.current, status.head, None)
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except Exception as exc:
        log.exception("migration of %s failed", where)
        from app.storage.server import NoPrivilege

        if getattr(getattr(exc, "orig", None), "sqlstate", None) == "42501":
            raise NoPrivilege(f"cannot create the schema in {where}: {exc}", where) from exc
        raise MigrationError(
            f"migration of {where} from {status.current} failed: {exc}",
            "Nâng cấp dữ liệu trên máy chủ không thành công; mọi thay đổi đã được hoàn tác. "
            "Hãy gửi tệp nhật ký cho cán bộ kỹ thuật.",
        ) from exc
    return MigrationReport(status.current, status.head, None)
