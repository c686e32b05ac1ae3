"""«Chuyển dữ liệu»: copy a whole database into an empty one (SQLite ⇄ PostgreSQL), verified.

Every table of the models' metadata is copied in dependency order, in batches read by primary
key. Each batch is inserted in one target transaction together with its progress row in
``transfer_state``, so a transfer killed at any moment continues from the last committed batch
when run again with the same source. A target that already holds data is refused unless it is
that resumed transfer.

At the end every table is verified: the row count and a content hash on both sides. The hash is
dialect neutral: each row becomes a canonical text (column names sorted, values in one spelling
whatever the driver returns: ISO dates, JSON with sorted keys, enums by value) hashed with
SHA-256, and the row hashes are summed modulo 2**256, so the order rows come back in (which
differs between SQLite and PostgreSQL collations) does not matter.

A column that points into its own table (a petition marked duplicate of a later one) is copied
empty first and filled after the whole table is in, so no row ever points at one not yet copied.
On PostgreSQL the id sequences are moved past the copied ids.
"""

from __future__ import annotations

import enum
import hashlib
import json
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Connection, Engine, Integer, Table, and_, func, or_, select, text
from sqlalchemy.exc import SQLAlchemyError

from app.errors import AppError
from app.storage.engine import WRITE_OPTION
from app.storage.models import Base, TransferState
from app.storage.urls import Target, check_server, server_engine, upgrade_server

log = logging.getLogger(__name__)

BATCH_ROWS = 5000  # rows per target transaction: fewer commits and statements; a kill re-copies at most one
RUN_KEY = "*"  # the transfer_state row about the whole run
HASH_MODULUS = 2**256


# What each table holds, as the progress and the report name it (the English name stays beside it).
TABLE_LABELS = {
    "audit_event": "Nhật ký",
    "field": "Lĩnh vực",
    "hamlet": "Thôn, tổ dân phố",
    "organization": "Cơ quan",
    "setting": "Cài đặt",
    "unit": "Đơn vị",
    "app_user": "Người dùng",
    "leader": "Lãnh đạo",
    "plan": "Kế hoạch",
    "unit_sheet_export": "Phiếu kết quả đã gửi",
    "dialogue": "Hội nghị",
    "attendee": "Thành phần tham dự",
    "conclusion": "Kết luận",
    "dialogue_co_chair": "Đồng chủ trì",
    "issued_document": "Văn bản đã ban hành",
    "petition": "Ý kiến, kiến nghị",
    "answer": "Trả lời",
    "assignment": "Giao xử lý",
    "minute_entry": "Dòng biên bản",
    "resolution_update": "Kết quả giải quyết",
    "assignment_support": "Đơn vị phối hợp",
}


def table_label(name: str) -> str:
    return TABLE_LABELS.get(name, name)


class TransferError(AppError):
    """The transfer was refused or did not verify."""


@dataclass(frozen=True)
class TransferProgress:
    """One step: ``phase`` is "copy" or "verify"; counts are rows (of this table / of all tables)."""

    phase: str
    table: str
    table_index: int  # 1-based
    table_count: int
    table_done: int
    table_total: int
    done: int
    total: int

    def line(self) -> str:
        verb = "Đang chép" if self.phase == "copy" else "Đang kiểm tra"
        share = f"{100 * self.done // self.total}%" if self.total else "100%"
        return (
            f"{verb} bảng {self.table_index}/{self.table_count} «{table_label(self.table)}» ({self.table}): "
            f"{self.table_done}/{self.table_total} dòng (tổng {share})"
        )


Progress = Callable[[TransferProgress], None]


@dataclass(frozen=True)
class TableCheck:
    table: str
    source_rows: int
    target_rows: int
    source_hash: str
    target_hash: str

    @property
    def ok(self) -> bool:
        return self.source_rows == self.target_rows and self.source_hash == self.target_hash


@dataclass(frozen=True)
class TransferReport:
    source: str
    target: str
    tables: tuple[TableCheck, ...]
    copied_rows: int  # rows inserted by this run (0 when it only verified a finished transfer)
    resumed: bool

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.tables)

    @property
    def total_rows(self) -> int:
        return sum(check.target_rows for check in self.tables)

    def lines(self) -> list[str]:
        head = "Tiếp tục lần chuyển trước" if self.resumed else "Chuyển dữ liệu"
        out = [f"{head}: «{self.source}» → «{self.target}».", f"{'Bảng':<28} {'Số dòng':>8}  Kiểm tra"]
        for check in self.tables:
            verdict = "khớp" if check.ok else f"KHÁC (nguồn {check.source_rows}, đích {check.target_rows})"
            out.append(f"{table_label(check.table):<28} {check.target_rows:>8}  {verdict}")
        if self.ok:
            out.append(
                f"Hoàn tất: {len(self.tables)} bảng, {self.total_rows} dòng, số dòng và mã kiểm tra nội dung "
                "của mọi bảng đều khớp."
            )
        return out


def transfer_tables() -> list[Table]:
    """Every table that travels, parents before children."""
    return [t for t in Base.metadata.sorted_tables if t.info.get("transfer", True)]


# --- canonical content hash -------------------------------------------------------------------


def _canonical(value: Any) -> str:
    if value is None:
        return "\x00"
    if isinstance(value, bool):
        return "b1" if value else "b0"
    if isinstance(value, enum.Enum):
        return "s" + str(value.value)
    if isinstance(value, int):
        return f"i{value}"
    if isinstance(value, float | Decimal):
        return f"f{float(value)!r}"
    if isinstance(value, datetime):
        return "t" + value.isoformat(sep=" ")
    if isinstance(value, date):
        return "d" + value.isoformat()
    if isinstance(value, str):
        return "s" + value
    if isinstance(value, bytes):
        return "x" + value.hex()
    return "j" + json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


# The common types by exact type (bool before int matters: True is an int); _canonical for the rest.
_FAST: dict[type, Callable[[Any], str]] = {
    str: lambda value: "s" + value,
    int: lambda value: f"i{value}",
    bool: lambda value: "b1" if value else "b0",
    type(None): lambda _value: "\x00",
    datetime: lambda value: "t" + value.isoformat(sep=" "),
    date: lambda value: "d" + value.isoformat(),
}


def _digester(columns: Sequence[str]) -> Callable[[Sequence[Any]], int]:
    """``row -> digest`` for rows with these columns: the sorted order and prefixes worked out once."""
    order = sorted(range(len(columns)), key=columns.__getitem__)
    prefixes = [columns[i] + "=" for i in order]
    fast, slow = _FAST.get, _canonical

    def digest(row: Sequence[Any]) -> int:
        parts = []
        for prefix, index in zip(prefixes, order, strict=True):
            value = row[index]
            convert = fast(type(value))
            parts.append(prefix + (convert(value) if convert is not None else slow(value)))
        return int.from_bytes(hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest(), "big")

    return digest


def row_digest(columns: Sequence[str], row: Sequence[Any]) -> int:
    """SHA-256 of one row's canonical text (columns in name order), as an integer (summed into the
    table hash)."""
    return _digester(columns)(row)


def _primary_key(table: Table) -> list[Column[Any]]:
    return list(table.primary_key.columns)


def _after(key_columns: Sequence[Column[Any]], last: Sequence[Any]) -> Any:
    """``(a, b) > (x, y)`` spelled out, which every dialect plans as a range on the primary key."""
    clauses = []
    for index, column in enumerate(key_columns):
        equal = [key_columns[i] == last[i] for i in range(index)]
        clauses.append(and_(*equal, column > last[index]))
    return or_(*clauses)


def _batches(
    conn: Connection, table: Table, last: Sequence[Any] | None, size: int
) -> Iterator[Sequence[Any]]:
    """The table's rows in primary key order, ``size`` at a time, after ``last``."""
    key = _primary_key(table)
    while True:
        query = select(table).order_by(*key).limit(size)
        if last is not None:
            query = query.where(_after(key, last))
        rows = conn.execute(query).all()
        if not rows:
            return
        yield rows
        last = [rows[-1]._mapping[column.name] for column in key]
        if len(rows) < size:
            return


def table_hash(
    conn: Connection, table: Table, *, on_batch: Callable[[int], None] | None = None
) -> tuple[int, str]:
    """(rows, hex content hash) of one table, read in primary key batches."""
    digest = _digester([column.name for column in table.columns])
    total, count = 0, 0
    for rows in _batches(conn, table, None, BATCH_ROWS * 5):
        total = (total + sum(map(digest, rows))) % HASH_MODULUS
        count += len(rows)
        if on_batch is not None:
            on_batch(count)
    return count, f"{total:064x}"


# --- the copy ------------------------------------------------------------------------------------


def _self_references(table: Table) -> list[Column[Any]]:
    return [fk.parent for fk in table.foreign_keys if fk.column.table is table]


def _revision(conn: Connection) -> str | None:
    try:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        return None


def _count(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)


def _write(engine: Engine) -> Connection:
    # BEGIN IMMEDIATE on SQLite (engine.py); an ordinary transaction elsewhere.
    return engine.connect().execution_options(**{WRITE_OPTION: True})


STATE: Table = TransferState.__table__  # type: ignore[assignment]


def _states(conn: Connection) -> dict[str, Any]:
    state = STATE
    return {row.table_name: row for row in conn.execute(select(state))}


def _save_state(conn: Connection, name: str, **values: Any) -> None:
    state = STATE
    values["updated_at"] = datetime.now().replace(microsecond=0)
    changed = conn.execute(state.update().where(state.c.table_name == name).values(**values)).rowcount
    if not changed:
        values.setdefault("source", "")
        values.setdefault("copied", 0)
        values.setdefault("done", False)
        conn.execute(state.insert().values(table_name=name, **values))


def _reset_sequences(conn: Connection, tables: Sequence[Table]) -> None:
    """PostgreSQL: next ids start after the copied ones (explicit ids do not move a sequence)."""
    for table in tables:
        key = _primary_key(table)
        if len(key) != 1 or not isinstance(key[0].type, Integer):
            continue
        quoted = conn.dialect.identifier_preparer.quote(table.name)
        sequence = conn.execute(
            text("SELECT pg_get_serial_sequence(:table, :column)"), {"table": quoted, "column": key[0].name}
        ).scalar()
        if sequence is None:
            continue
        column = conn.dialect.identifier_preparer.quote(key[0].name)
        conn.execute(
            text(f"SELECT setval(:sequence, COALESCE((SELECT MAX({column}) FROM {quoted}), 0) + 1, false)"),
            {"sequence": sequence},
        )


def transfer(
    source: Engine,
    target: Engine,
    *,
    source_name: str = "",
    target_name: str = "",
    progress: Progress | None = None,
    batch_rows: int = BATCH_ROWS,
) -> TransferReport:
    """Copy ``source`` into the empty, migrated ``target`` (or continue a transfer), then verify.

    Raises :class:`TransferError` when the target is not empty (and not this transfer resumed),
    the two schemas differ, or the verification finds a table that differs.
    """
    tables = transfer_tables()
    say = progress or (lambda _step: None)
    source_name = source_name or source.url.render_as_string(hide_password=True)
    target_name = target_name or target.url.render_as_string(hide_password=True)

    with source.connect() as src:
        source_revision = _revision(src)
        totals = {table.name: _count(src, table) for table in tables}
    with target.connect() as dst:
        target_revision = _revision(dst)
        if target_revision is None:
            raise TransferError(
                "target database is not migrated",
                f"Cơ sở dữ liệu đích «{target_name}» chưa được khởi tạo cấu trúc. Hãy để lệnh doithoai "
                "transfer tự tạo tệp đích mới, hoặc khởi tạo cơ sở dữ liệu trên máy chủ trước.",
            )
        states = _states(dst)
        filled = [table.name for table in tables if _count(dst, table)]
    if source_revision != target_revision:
        raise TransferError(
            f"schema revisions differ: source {source_revision}, target {target_revision}",
            f"Hai cơ sở dữ liệu khác phiên bản cấu trúc (nguồn {source_revision}, đích {target_revision}). "
            "Hãy mở cả hai bằng cùng một phiên bản chương trình rồi chuyển lại.",
        )
    run = states.get(RUN_KEY)
    resumed = run is not None
    if run is not None and run.source != source_name:
        raise TransferError(
            f"target holds a transfer from {run.source!r}, not {source_name!r}",
            f"Cơ sở dữ liệu đích đang chứa dữ liệu chuyển từ «{run.source}», không phải từ «{source_name}». "
            "Hãy chọn một cơ sở dữ liệu đích trống.",
        )
    if run is None and filled:
        raise TransferError(
            f"target is not empty: {', '.join(filled[:5])}",
            f"Cơ sở dữ liệu đích «{target_name}» đã có dữ liệu (bảng {', '.join(filled[:5])}). Để không ghi "
            "đè hay trộn lẫn dữ liệu, chỉ chuyển vào một cơ sở dữ liệu trống. Hãy tạo một cơ sở dữ liệu "
            "mới (createdb) hoặc chọn một tệp đích chưa có.",
        )

    grand_total = sum(totals.values())
    copied_before = sum(states[t.name].copied for t in tables if t.name in states)
    done_rows = copied_before
    copied_now = 0
    with _write(target) as dst, dst.begin():
        _save_state(dst, RUN_KEY, source=source_name)

    with source.connect() as src:
        for index, table in enumerate(tables, start=1):
            state = states.get(table.name)
            if state is not None and state.done:
                continue
            copied = state.copied if state is not None else 0
            last = state.last_key if state is not None else None
            later = _self_references(table)
            key = _primary_key(table)
            say(
                TransferProgress(
                    "copy", table.name, index, len(tables), copied, totals[table.name], done_rows, grand_total
                )
            )
            for rows in _batches(src, table, last, batch_rows):
                values = [dict(row._mapping) for row in rows]
                for row_values in values:
                    for column in later:
                        row_values[column.name] = None
                last = [rows[-1]._mapping[column.name] for column in key]
                with _write(target) as dst, dst.begin():
                    dst.execute(table.insert(), values)
                    copied += len(values)
                    _save_state(dst, table.name, copied=copied, last_key=_jsonable(last))
                copied_now += len(values)
                done_rows += len(values)
                say(
                    TransferProgress(
                        "copy",
                        table.name,
                        index,
                        len(tables),
                        copied,
                        totals[table.name],
                        done_rows,
                        grand_total,
                    )
                )
            with _write(target) as dst, dst.begin():
                for column in later:
                    _fill_later(src, dst, table, column)
                _save_state(dst, table.name, copied=copied, last_key=_jsonable(last), done=True)

    with _write(target) as dst, dst.begin():
        if target.dialect.name == "postgresql":
            _reset_sequences(dst, tables)

    checks = verify(source, target, progress=say)
    if all(check.ok for check in checks):
        with _write(target) as dst, dst.begin():
            _save_state(dst, RUN_KEY, source=source_name, done=True)
    report = TransferReport(source_name, target_name, tuple(checks), copied_now, resumed)
    log.info(
        "transfer %s rows, %s tables, ok=%s, resumed=%s", report.total_rows, len(checks), report.ok, resumed
    )
    if not report.ok:
        bad = [check.table for check in checks if not check.ok]
        raise TransferError(
            f"verification failed for {', '.join(bad)}",
            "Kiểm tra sau khi chuyển phát hiện dữ liệu không khớp ở bảng "
            f"{', '.join(bad)}. Có thể dữ liệu nguồn đã bị sửa trong lúc chuyển. Đừng dùng cơ sở dữ liệu "
            "đích; hãy xóa nó, tạo lại trống và chuyển lại khi không ai đang nhập liệu.",
        )
    return report


def _jsonable(key: Sequence[Any] | None) -> list[Any] | None:
    if key is None:
        return None
    return [value.isoformat() if isinstance(value, date | datetime) else value for value in key]


def _fill_later(src: Connection, dst: Connection, table: Table, column: Column[Any]) -> None:
    """Set a self-referencing column once every row of its table is in.

    Columns with an ``onupdate`` (updated_at) are written with their source values too, or the
    UPDATE would stamp them with the time of the transfer.
    """
    key = _primary_key(table)
    stamped = [c for c in table.columns if c.onupdate is not None and c is not column]
    rows = src.execute(select(*key, column, *stamped).where(column.is_not(None))).all()
    for row in rows:
        where = and_(*(k == row._mapping[k.name] for k in key))
        values = {c.name: row._mapping[c.name] for c in (column, *stamped)}
        dst.execute(table.update().where(where).values(values))


def verify(source: Engine, target: Engine, *, progress: Progress | None = None) -> list[TableCheck]:
    """Row counts and content hashes of every table on both sides."""
    tables = transfer_tables()
    say = progress or (lambda _step: None)
    checks = []
    with source.connect() as src, target.connect() as dst:
        totals = {table.name: _count(src, table) for table in tables}
        grand_total, before = sum(totals.values()), 0
        for index, table in enumerate(tables, start=1):
            total = totals[table.name]

            def step(
                done: int, table: Table = table, index: int = index, total: int = total, before: int = before
            ) -> None:
                say(
                    TransferProgress(
                        "verify", table.name, index, len(tables), done, total, before + done, grand_total
                    )
                )

            source_rows, source_hash = table_hash(src, table)
            target_rows, target_hash = table_hash(dst, table, on_batch=step)
            before += total
            checks.append(TableCheck(table.name, source_rows, target_rows, source_hash, target_hash))
    return checks


# --- the two ends, as the command line and the window name them ---------------------------------


def open_source(target: Target, password: str | None = None) -> Engine:
    """An engine on an existing database to copy from (an SQLite file is migrated to head first)."""
    if target.path is not None:
        from app.storage.database import Database

        database = Database.open(target.path)  # refuses a missing, foreign or damaged file
        return database.engine
    check_server(target, password, require_data=True)
    return server_engine(target, password)


def open_destination(target: Target, password: str | None = None) -> Engine:
    """An engine on the database to copy into: a new SQLite file is created, an empty server migrated."""
    if target.path is not None:
        from app.storage.database import Database

        database = Database.open(target.path, create=not target.path.exists())
        return database.engine
    report = check_server(target, password, require_data=False)
    engine = server_engine(target, password)
    if report.empty or report.revision != report.head:
        upgrade_server(engine)
    return engine
