"""Backups: made with SQLite's backup API, verified, rotated, listed and restored.

Every copy is written under a hidden temporary name (``.…​.part``), fsynced, ``quick_check``ed,
then renamed: a copy interrupted by a kill or a power cut never carries a valid-looking name, and
one that fails its check is deleted and reported. Rotation keeps the newest copy of each of the
last days, weeks and months (counts in Cài đặt). A restore backs up the current file first (or
sets a damaged one aside under a dated name) and replaces the file by the same temp-and-rename.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from app import paths
from app.domain.text import clock_time, short_date, slug
from app.errors import BackupError, StorageError
from app.storage.probe import FileKind, probe_file, read_only_connection

log = logging.getLogger(__name__)

SUFFIX = ".sqlite"
PART = ".part"
STAMP_FORMAT = "%Y%m%d-%H%M%S"
# <stem>-<YYYYmmdd-HHMMSS>-<label>[-n].sqlite ; the label says why it was made.
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})-(?P<label>[a-z0-9-]+?)(?:-\d+)?\.sqlite$")
DEFAULT_KEEP = {"daily": 7, "weekly": 4, "monthly": 12}
KEEP_SETTING = "backup_keep"
AUTO_LABELS = ("auto", "exit")


@dataclass(frozen=True)
class ContentSummary:
    plans: int
    dialogues: int
    petitions: int

    def phrase(self) -> str:
        return f"{self.plans} kế hoạch, {self.dialogues} hội nghị, {self.petitions} ý kiến, kiến nghị"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    made_at: datetime
    size: int
    label: str
    summary: ContentSummary | None  # None: the copy could not be read (not offered for restore)

    @property
    def good(self) -> bool:
        return self.summary is not None

    def phrase(self) -> str:
        """«tạo lúc 08:05 ngày 05/3/2026, gồm 2 kế hoạch, …» for messages and lists."""
        when = f"{clock_time(self.made_at)} ngày {short_date(self.made_at.date())}"
        held = self.summary.phrase() if self.summary else "không đọc được"
        return f"«{self.path.name}», tạo lúc {when}, gồm {held}"


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    # Makes the rename durable on POSIX; Windows cannot open a folder this way (and needs not).
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def quick_check(connection: sqlite3.Connection) -> str:
    """``ok`` or SQLite's first complaints (a read error is a complaint too)."""
    try:
        rows = [row[0] for row in connection.execute("PRAGMA quick_check").fetchmany(5)]
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return "ok" if rows == ["ok"] else "; ".join(str(row) for row in rows)


def summary_of(path: Path) -> ContentSummary | None:
    """What a database or backup holds, read without writing; None if it is not readable."""
    probe = probe_file(path)
    if probe.kind is not FileKind.SQLITE:
        return None
    try:
        connection = read_only_connection(probe)
        try:
            if quick_check(connection) != "ok":
                return None
            counts = [
                connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                for table in ("plan", "dialogue", "petition")
            ]
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return None
    return ContentSummary(*counts)


def _commune(db_path: Path) -> str:
    probe = probe_file(db_path)
    with contextlib.suppress(sqlite3.DatabaseError, ValueError):
        connection = read_only_connection(probe)
        try:
            row = connection.execute("SELECT place_name FROM organization ORDER BY id LIMIT 1").fetchone()
        finally:
            connection.close()
        if row and row[0]:
            return slug(str(row[0]))
    return ""


def _target_name(db_path: Path, dest_dir: Path, label: str, now: datetime, commune: bool) -> Path:
    stem = db_path.stem
    if commune and (place := _commune(db_path)):
        stem = f"doithoai-{place}"
    base = f"{stem}-{now.strftime(STAMP_FORMAT)}-{label}"
    dest = dest_dir / f"{base}{SUFFIX}"
    counter = 1
    while dest.exists():
        counter += 1
        dest = dest_dir / f"{base}-{counter}{SUFFIX}"
    return dest


def _source_uri(db_path: Path) -> str:
    """How a backup reads its source: ``mode=ro``; for a file nobody can write (opened read-only
    by the program too) also without making a ``-wal``/``-shm`` beside it."""
    from app.storage.engine import read_only_reason
    from app.storage.probe import read_only_uri

    if read_only_reason(db_path):
        probe = probe_file(db_path)
        if probe.kind is FileKind.SQLITE:
            return read_only_uri(db_path, wal=probe.wal)
    return f"{db_path.resolve().as_uri()}?mode=ro"


def make_backup(
    db_path: Path,
    dest_dir: Path | None = None,
    label: str = "manual",
    *,
    commune_in_name: bool = False,
    now: datetime | None = None,
) -> Path:
    """Copy ``db_path`` into ``dest_dir`` (default: the backups folder) and verify it; its path.

    Raises :class:`BackupError` (the partial copy deleted) when the copy fails or does not verify.
    """
    folder = dest_dir or paths.backups_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(
            f"cannot create backup folder {folder}: {exc}",
            f"Không tạo được thư mục sao lưu «{folder}». Hãy chọn thư mục khác hoặc kiểm tra quyền ghi.",
        ) from exc
    dest = _target_name(db_path, folder, label, now or datetime.now(), commune_in_name)
    part = dest.with_name(f".{dest.name}{PART}")
    verdict = ""
    try:
        source = sqlite3.connect(_source_uri(db_path), uri=True)
        try:
            target = sqlite3.connect(part)
            try:
                source.backup(target)
                # A backup is a standalone file: no -wal beside it on a USB stick.
                target.execute("PRAGMA journal_mode=DELETE")
                verdict = quick_check(target)
            finally:
                target.close()
        finally:
            source.close()
        if verdict == "ok":
            _fsync_file(part)
            os.replace(part, dest)
            _fsync_dir(folder)
    except (sqlite3.Error, OSError) as exc:
        _discard(part)
        log.error("backup of %s failed: %s", db_path.name, exc)
        raise BackupError(
            f"backup of {db_path} to {dest} failed: {exc}",
            f"Không tạo được bản sao lưu vào «{folder}» ({exc}). Dữ liệu chưa bị thay đổi; hãy kiểm tra "
            "dung lượng ổ đĩa và quyền ghi rồi thử lại.",
        ) from exc
    if verdict != "ok":
        _discard(part)
        log.error("backup copy of %s failed quick_check: %s", db_path.name, verdict)
        raise BackupError(
            f"backup copy failed quick_check: {verdict}",
            "Bản sao lưu vừa tạo không kiểm tra được là toàn vẹn nên đã bị xóa. Tệp dữ liệu có thể đang hỏng: "
            "hãy chạy «doithoai check» và liên hệ cán bộ kỹ thuật.",
        )
    log.info("backup made: %s (%s)", dest.name, label)
    return dest


def _discard(path: Path) -> None:
    for item in (path, Path(f"{path}-journal"), Path(f"{path}-wal"), Path(f"{path}-shm")):
        with contextlib.suppress(OSError):
            item.unlink()


def _made_at(path: Path) -> tuple[datetime, str]:
    match = _NAME.match(path.name)
    if match:
        with contextlib.suppress(ValueError):
            return datetime.strptime(match["stamp"], STAMP_FORMAT), match["label"]
    return datetime.fromtimestamp(path.stat().st_mtime), ""


def list_backups(folder: Path | None = None, *, summaries: bool = True) -> list[BackupInfo]:
    """Finished backups in ``folder``, newest first (temporary ``.part`` files are not backups)."""
    where = folder or paths.backups_dir()
    if not where.is_dir():
        return []
    found: list[BackupInfo] = []
    for item in where.iterdir():
        if item.name.startswith(".") or item.suffix != SUFFIX or not item.is_file():
            continue
        made_at, label = _made_at(item)
        summary = summary_of(item) if summaries else ContentSummary(0, 0, 0)
        found.append(BackupInfo(item, made_at, item.stat().st_size, label, summary))
    return sorted(found, key=lambda info: (info.made_at, info.path.name), reverse=True)


def newest_good_backup(folder: Path | None = None) -> BackupInfo | None:
    for info in list_backups(folder, summaries=False):
        summary = summary_of(info.path)
        if summary is not None:
            return BackupInfo(info.path, info.made_at, info.size, info.label, summary)
    return None


def clean_partial(folder: Path | None = None) -> int:
    """Delete the temporary files of backups that were interrupted; how many were removed."""
    where = folder or paths.backups_dir()
    removed = 0
    if where.is_dir():
        for item in where.iterdir():
            if item.name.startswith(".") and PART in item.name:
                with contextlib.suppress(OSError):
                    item.unlink()
                    removed += 1
    return removed


def rotate(folder: Path | None = None, keep: dict[str, int] | None = None) -> list[Path]:
    """Keep the newest automatic copy of each of the last N days, weeks and months; delete the rest.

    Copies made before a migration or a restore and by hand are never deleted here.
    """
    counts = {**DEFAULT_KEEP, **(keep or {})}
    automatic = [info for info in list_backups(folder, summaries=False) if info.label in AUTO_LABELS]
    kept: set[Path] = set()
    for period, key in (
        ("daily", lambda d: d.date()),
        ("weekly", lambda d: d.isocalendar()[:2]),
        ("monthly", lambda d: (d.year, d.month)),
    ):
        seen: list[object] = []
        for info in automatic:  # newest first: the first of a period is its newest copy
            bucket = key(info.made_at)
            if bucket in seen:
                continue
            if len(seen) >= counts[period]:
                break
            seen.append(bucket)
            kept.add(info.path)
    removed = []
    for info in automatic:
        if info.path not in kept:
            with contextlib.suppress(OSError):
                info.path.unlink()
                removed.append(info.path)
    return removed


def backup_if_due(
    db_path: Path,
    folder: Path | None = None,
    *,
    max_age: timedelta = timedelta(days=1),
    keep: dict[str, int] | None = None,
    label: str = "auto",
    now: datetime | None = None,
) -> Path | None:
    """The routine backup: when the newest one is older than ``max_age``; then rotate."""
    moment = now or datetime.now()
    clean_partial(folder)
    if probe_file(db_path).kind is not FileKind.SQLITE:
        return None
    newest = next(iter(list_backups(folder, summaries=False)), None)
    if newest is not None and moment - newest.made_at < max_age:
        return None
    made = make_backup(db_path, folder, label, now=moment)
    rotate(folder, keep)
    return made


def backup_if_changed(
    db_path: Path, folder: Path | None = None, *, keep: dict[str, int] | None = None
) -> Path | None:
    """The backup on exit: only when the file (or its -wal) changed after the newest backup."""
    if probe_file(db_path).kind is not FileKind.SQLITE:
        return None
    newest = next(iter(list_backups(folder, summaries=False)), None)
    changed = max((p.stat().st_mtime for p in (db_path, Path(f"{db_path}-wal")) if p.exists()), default=0.0)
    if newest is not None and changed <= newest.path.stat().st_mtime:
        return None
    made = make_backup(db_path, folder, "exit")
    rotate(folder, keep)
    return made


@dataclass(frozen=True)
class RestoreReport:
    restored_from: Path
    safety_copy: Path | None  # the current file backed up first
    set_aside: Path | None  # the damaged file, renamed, when it could not be backed up


def set_aside(db_path: Path, now: datetime | None = None) -> Path:
    """Rename a damaged file (with its -wal/-shm) to a dated name beside it; the new path."""
    stamp = (now or datetime.now()).strftime(STAMP_FORMAT)
    target = db_path.with_name(f"{db_path.stem}-hong-{stamp}{db_path.suffix or SUFFIX}")
    os.replace(db_path, target)
    for extra in ("-wal", "-shm", "-journal"):
        side = Path(f"{db_path}{extra}")
        if side.exists():
            os.replace(side, Path(f"{target}{extra}"))
    log.warning("damaged database set aside as %s", target.name)
    return target


def restore_backup(
    db_path: Path, backup: Path, folder: Path | None = None, *, damaged: bool = False
) -> RestoreReport:
    """Replace ``db_path`` by the verified copy ``backup``; the database must be closed.

    The current file is backed up first; a ``damaged`` one (or one that cannot be copied) is
    set aside under a dated name instead, never deleted.
    """
    if summary_of(backup) is None:
        raise BackupError(
            f"backup {backup} is not a readable database",
            f"Bản sao lưu «{backup.name}» không đọc được hoặc bị hỏng, nên không khôi phục từ bản này. "
            "Hãy chọn một bản sao lưu khác.",
        )
    safety: Path | None = None
    aside: Path | None = None
    if db_path.exists():
        if not damaged:
            try:
                safety = make_backup(db_path, folder, "before-restore")
            except BackupError:
                damaged = True
        if damaged:
            aside = set_aside(db_path)
    part = db_path.with_name(f".{db_path.name}.restore{PART}")
    try:
        source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
        try:
            target = sqlite3.connect(part)
            try:
                source.backup(target)
                verdict = quick_check(target)
            finally:
                target.close()
        finally:
            source.close()
        if verdict != "ok":
            raise sqlite3.DatabaseError(verdict)
        _fsync_file(part)
        for extra in ("-wal", "-shm"):  # the old file's log must never be replayed onto the copy
            with contextlib.suppress(FileNotFoundError):
                Path(f"{db_path}{extra}").unlink()
        os.replace(part, db_path)
        _fsync_dir(db_path.parent)
    except (sqlite3.Error, OSError) as exc:
        _discard(part)
        raise StorageError(
            f"restore of {backup} into {db_path} failed: {exc}",
            f"Khôi phục không thành công ({exc}). Tệp dữ liệu trước đó vẫn được giữ"
            + (
                f" trong bản sao «{safety.name}»."
                if safety
                else f" dưới tên «{aside.name}»."
                if aside
                else "."
            )
            + " Hãy kiểm tra dung lượng ổ đĩa rồi thử lại.",
        ) from exc
    log.info("restored %s from %s", db_path.name, backup.name)
    return RestoreReport(backup, safety, aside)
