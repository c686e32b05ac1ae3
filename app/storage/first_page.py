"""The Hội nghị list's first page read through plain sqlite3, before SQLAlchemy is imported.

SQLAlchemy and the models take two to three times a bare window's start-up to import; the first
list would wait for them. So the statements of that list (``dialogue_list_statements`` in
``app.services.dialogues``) are compiled once by :func:`app.services.maintenance.keep_first_page`
and kept in the state folder, keyed by program version and schema head, with what each column
holds. At the next start :func:`quick_first_page` runs the kept SQL on a read-only connection and
builds the rows through the list's own mapping (``app.domain.dialogue_list.read_dialogue_list``).

It answers None, and the window takes the normal path, for anything out of the ordinary: no kept
statements or ones of another version or schema, a file that is missing, not SQLite, inconsistent,
read-only, at another schema (a migration runs first, after its backup), damaged (a small file is
quick_checked first, as ``Database.open`` would; a large one is checked beside the first screen, as
always), one with users (a sign-in comes first) or not set up yet. Nothing here writes the file.
"""

from __future__ import annotations

import importlib
import json
import logging
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from app import __version__, paths
from app.domain.dialogue_list import DialogueRow, read_dialogue_list

log = logging.getLogger(__name__)

KEPT_FILE = "first-page.json"
# Guards kept beside the list's statements: a file with any user asks for a sign-in first, one
# without an organisation opens on the first-run setup.
USERS, ORGANIZATIONS = "users", "organizations"


def kept_path() -> Path:
    return paths.state_dir() / KEPT_FILE


def kept_key(head: str, order: tuple[str, bool]) -> dict[str, Any]:
    """Program version, schema head, and the list's order (the one the page asks for first)."""
    return {"version": __version__, "head": head, "order": [order[0], order[1]]}


@dataclass(frozen=True)
class QuickPage:
    rows: list[DialogueRow]
    # (size, mtime_ns) of a small file whose quick_check passed here: Database.open need not
    # read it all again while it is unchanged.
    checked: tuple[int, int] | None


def file_stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def _enum_converter(spec: dict[str, Any]) -> Callable[[Any], Any]:
    module, _, name = spec["enum"].partition(":")
    enum_cls = getattr(importlib.import_module(module), name)
    members = {stored: enum_cls[member] for stored, member in spec["members"].items()}
    return lambda value: None if value is None else members[value]


def _converter(kind: Any) -> Callable[[Any], Any] | None:
    """What turns a stored value into what SQLAlchemy's column type would have returned."""
    if kind == "raw":
        return None
    if kind == "datetime":
        return lambda value: None if value is None else datetime.fromisoformat(value)
    if kind == "date":
        return lambda value: None if value is None else date.fromisoformat(value)
    if kind == "json":
        return lambda value: None if value is None else json.loads(value)
    if kind == "bool":
        return lambda value: None if value is None else bool(value)
    if isinstance(kind, dict) and "enum" in kind:
        return _enum_converter(kind)
    raise ValueError(f"unknown kept column kind {kind!r}")


def _runner(
    connection: sqlite3.Connection, queries: dict[str, Any]
) -> Callable[[str], list[tuple[Any, ...]]]:
    def run(name: str) -> list[tuple[Any, ...]]:
        query = queries[name]
        converters = [_converter(kind) for kind in query["columns"]]
        rows = connection.execute(query["sql"]).fetchall()
        if any(converters):
            return [
                tuple(
                    value if convert is None else convert(value)
                    for convert, value in zip(converters, row, strict=True)
                )
                for row in rows
            ]
        return rows

    return run


def load_kept(head: str, order: tuple[str, bool]) -> dict[str, Any] | None:
    """The kept statements when they were compiled by this version for this schema head and order."""
    try:
        kept = json.loads(kept_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(kept, dict) or kept.get("key") != kept_key(head, order):
        return None
    queries = kept.get("queries")
    return queries if isinstance(queries, dict) else None


def quick_first_page(
    db_path: Path, *, order: tuple[str, bool] = ("default", False), today: date | None = None
) -> QuickPage | None:
    """The Hội nghị list of ``db_path`` in ``order`` (sort key, descending), or None when the
    normal path must decide."""
    from app.storage.database import BACKGROUND_CHECK_BYTES, verify_readable
    from app.storage.engine import check_db_location, read_only_reason
    from app.storage.migrate import schema_status
    from app.storage.probe import FileKind, probe_file, read_only_connection

    try:
        probe = probe_file(db_path)
        if probe.kind is not FileKind.SQLITE:
            return None
        check_db_location(db_path)
        if read_only_reason(db_path):
            return None
        status = schema_status(db_path)
        if not status.up_to_date:
            return None
        queries = load_kept(status.head, order)
        if queries is None:
            return None
        checked = None
        if probe.size <= BACKGROUND_CHECK_BYTES:
            stamp = file_stamp(db_path)
            verify_readable(probe)  # as Database.open would, before anything is read
            checked = stamp
        else:
            from app.storage.database import verify_consistent

            verify_consistent(probe)
        connection = read_only_connection(probe)
        try:
            run = _runner(connection, queries)
            if run(USERS)[0][0] or not run(ORGANIZATIONS)[0][0]:
                return None
            rows = read_dialogue_list(run, today or date.today())
        finally:
            connection.close()
    except Exception as exc:  # any surprise: the normal path opens the file and says what is wrong
        log.info("first page not read quickly: %s", type(exc).__name__)
        return None
    return QuickPage(rows, checked)


def kept_queries_text(queries: dict[str, Sequence[Any]], head: str, order: tuple[str, bool]) -> str:
    return json.dumps(
        {"key": kept_key(head, order), "queries": queries}, ensure_ascii=False, indent=1, sort_keys=True
    )
