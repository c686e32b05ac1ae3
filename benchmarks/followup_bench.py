"""Theo dõi giải quyết on the generated history: filter changes and a 500-row results import.

Called by benchmarks/run.py (sections ``followup``); the figures of issue #10:

- filter change on the open Theo dõi screen (ui/views/follow_up.py): the time from choosing a
  filter to its first page on screen, for each filter a user has (status, due, dialogue, year,
  field, unit, thôn), beside the lists' floor, a bare ``SELECT … LIMIT 200``, interleaved. The
  opening of the screen is run.py's "page opens: Theo dõi giải quyết".
- a 500-row results import (app/services/unit_sheets.py): the unit with the most open
  assignments gets its results sheet, 500 of its rows are filled with openpyxl the way a unit
  does (a result, "12/BC-… ngày dd/mm/yyyy", a completion date), and the file is read (preview)
  and applied. Each run applies in a transaction rolled back at the end, so every run sees the
  same petitions; the floor is openpyxl reading the same file (values only), interleaved.
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

IMPORT_ROWS = 500


class _RolledBack(Exception):
    """Raised to undo an applied import after it was timed."""


def _wait(qt: Any, done: Callable[[], bool], timeout: float = 20.0) -> None:
    """Run the event loop until ``done()``, in small slices (no busy spinning)."""
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError("the screen did not show its data")
        loop = QEventLoop()
        QTimer.singleShot(2, loop.quit)
        loop.exec()


def filter_figures(qt: Any, db_path: Path, p: Any, repeat: int) -> list[Any]:
    from benchmarks.run import PAGE, Figure
    from ui.views.follow_up import FollowUpPage

    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)

    def floor() -> object:
        return conn.execute(f"SELECT * FROM petition WHERE deleted_at IS NULL LIMIT {PAGE}").fetchall()

    page = FollowUpPage(qt.context)
    page.resize(1366, 768)
    page.show()
    qt.settle()
    changes: list[tuple[str, Any, Callable[[], None]]] = []

    def by_data(combo: Any, value: object) -> Callable[[], None]:
        return lambda: combo.setCurrentIndex(max(0, combo.findData(value)))

    def by_index(combo: Any, index: int) -> Callable[[], None]:
        return lambda: combo.setCurrentIndex(index)

    changes = [
        ("mọi tình trạng", page.status_filter, by_index(page.status_filter, 1)),
        ("quá hạn", page.due_filter, by_data(page.due_filter, "overdue")),
        ("sắp đến hạn", page.due_filter, by_data(page.due_filter, "near")),
        ("one dialogue", page.dialogue_filter, by_data(page.dialogue_filter, p.dialogue_id)),
        (f"year {p.year}", page.year_filter, by_data(page.year_filter, p.year)),
        ("one field", page.field_filter, by_data(page.field_filter, p.field_id)),
        ("one unit", page.unit_filter, by_data(page.unit_filter, p.unit_id)),
        ("one thôn", page.hamlet_filter, by_data(page.hamlet_filter, p.hamlet_id)),
    ]
    worst: tuple[float, float, str] | None = None
    ours_all: list[float] = []
    floors_all: list[float] = []
    try:
        for label, combo, choose in changes:
            ours: list[float] = []
            floors: list[float] = []
            for n in range(repeat + 1):
                combo.setCurrentIndex(0)  # back to "every …" (untimed)
                qt.settle()
                start = time.perf_counter()
                choose()
                qt.settle()
                page.repaint()
                elapsed = time.perf_counter() - start
                start = time.perf_counter()
                floor()
                bare = time.perf_counter() - start
                if n:  # the first run warms the page cache
                    ours.append(elapsed)
                    floors.append(bare)
            combo.setCurrentIndex(0)
            qt.settle()
            value = statistics.median(ours)
            ours_all += ours
            floors_all += floors
            if worst is None or value > worst[0]:
                worst = (value, statistics.median(floors), label)
    finally:
        conn.close()
        page.close()
        page.deleteLater()
        qt.app.processEvents()
    assert worst is not None
    return [
        Figure(
            f"theo dõi: filter change, worst ({worst[2]})",
            worst[0],
            worst[1],
            "≤ 100 ms",
            limit=0.100,
        ),
        Figure(
            f"theo dõi: filter change, median of {len(changes)} filters",
            statistics.median(ours_all),
            statistics.median(floors_all),
            "≤ 100 ms",
            limit=0.100,
        ),
    ]


def _busiest_unit(db_path: Path) -> tuple[int, int]:
    """The unit with the most open petitions whose latest assignment it leads, and how many."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        row = conn.execute(
            "WITH latest AS (SELECT petition_id, max(id) AS aid FROM assignment GROUP BY petition_id)"
            " SELECT a.lead_unit_id, count(*) FROM latest l JOIN assignment a ON a.id = l.aid"
            " JOIN petition p ON p.id = l.petition_id"
            " WHERE p.deleted_at IS NULL AND p.status IN ('new', 'in_progress') AND a.lead_unit_id IS NOT NULL"
            " GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    return int(row[0]), int(row[1])


def fill_like_a_unit(source: Path, target: Path, rows: int, today: date) -> int:
    """Write results into ``rows`` rows of an exported sheet the way a unit does; returns how many."""
    from openpyxl import load_workbook

    from app.services.unit_sheets import COLUMNS, FIRST_ROW, SHEET_TITLE

    col = {c.key: n for n, c in enumerate(COLUMNS, 1)}
    book = load_workbook(source)
    sheet = book[SHEET_TITLE]
    filled = 0
    for row in range(FIRST_ROW, sheet.max_row + 1):
        if filled == rows:
            break
        if sheet.cell(row, col["id"]).value is None:
            continue
        filled += 1
        sheet.cell(
            row, col["result"]
        ).value = (
            f"Đơn vị đã kiểm tra thực tế, làm việc với hộ gia đình và giải quyết dứt điểm (lần {filled})."
        )
        sheet.cell(
            row, col["reply"]
        ).value = f"{filled}/BC-ĐV ngày {today.day:02d}/{today.month}/{today.year}"
        sheet.cell(row, col["completed"]).value = today.strftime("%d/%m/%Y")  # typed as text, as units do
    book.save(target)
    return filled


def import_figures(db: Any, db_path: Path, work: Path, repeat: int) -> list[Any]:
    from openpyxl import load_workbook

    from app.services import unit_sheets
    from benchmarks.run import Figure

    unit_id, open_count = _busiest_unit(db_path)
    today = date.today()
    exported = work / "ket-qua-xuat.xlsx"
    filled_path = work / "ket-qua-don-vi.xlsx"
    with db.transaction() as session:
        unit_sheets.export_unit_sheet(session, unit_id, exported, today=today)
    filled = fill_like_a_unit(exported, filled_path, IMPORT_ROWS, today)

    def floor() -> None:
        book = load_workbook(filled_path, data_only=True)
        for _row in book.worksheets[0].iter_rows(values_only=True):
            pass

    previews: list[float] = []
    applies: list[float] = []
    totals: list[float] = []
    floors: list[float] = []
    applied = 0
    for n in range(max(3, repeat // 2) + 1):
        start = time.perf_counter()
        with db.reading() as session:
            preview = unit_sheets.read_results(session, filled_path)
        read = time.perf_counter() - start
        try:
            with db.transaction() as session:
                start = time.perf_counter()
                applied = unit_sheets.apply_results(session, preview, preview.applicable_rows)
                session.flush()
                apply = time.perf_counter() - start
                raise _RolledBack
        except _RolledBack:
            pass
        start = time.perf_counter()
        floor()
        bare = time.perf_counter() - start
        if n:
            previews.append(read)
            applies.append(apply)
            totals.append(read + apply)
            floors.append(bare)
    note = "" if applied == filled else f"only {applied} of {filled} rows applicable"
    label = f"{filled} of {open_count} rows"
    return [
        Figure(
            f"theo dõi: results import, preview + apply ({label})",
            statistics.median(totals),
            statistics.median(floors),
            "≤ 2 s",
            limit=2.0,
            unit="s",
            note=note,
        ),
        Figure(
            "theo dõi: results import, preview (read + check)",
            statistics.median(previews),
            statistics.median(floors),
            "–",
            unit="s",
        ),
        Figure(
            "theo dõi: results import, apply (one transaction)",
            statistics.median(applies),
            None,
            "–",
            unit="s",
        ),
    ]
