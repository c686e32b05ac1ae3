"""A long list reads its first page in one go and the rest as the secretary scrolls."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.services import petitions
from benchmarks import history, run
from tests.conftest import TODAY
from ui.context import AppContext
from ui.models.table import FIRST_PAGE_ROWS
from ui.tasks import TaskManager
from ui.views.petitions import PetitionsPage


@pytest.fixture
def history_context(qapp: QApplication, tmp_path: Path) -> Iterator[AppContext]:
    db = history.open_database(tmp_path / "history.sqlite")
    history.write_in_bulk(db, history.make_plan(400, 1, seed=5, today=TODAY))
    tasks = TaskManager()
    yield AppContext(db=db, tasks=tasks)
    assert tasks.wait(10000)
    QApplication.processEvents()
    db.close()


def _shown_petitions(qtbot: QtBot, context: AppContext) -> PetitionsPage:
    """The Ý kiến page at 1366×768 with its first page of rows in."""
    page = PetitionsPage(context)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 and not page.model.loading, timeout=20000)
    return page


def _ids(session_rows: list[petitions.PetitionRow]) -> list[int]:
    return [row.id for row in session_rows]


def test_the_petition_list_shows_a_first_page_then_the_next_as_it_scrolls(
    qtbot: QtBot, history_context: AppContext
) -> None:
    page = _shown_petitions(qtbot, history_context)
    assert page.model.rowCount() == FIRST_PAGE_ROWS == run.PAGE  # the benchmark times this page
    assert page.model.canFetchMore()
    assert page.count.text() == f"{FIRST_PAGE_ROWS} ý kiến (cuộn xuống để xem thêm)"
    # The service's order, no header sorted: Qt's sorting switch sorted by the first column,
    # descending, as it was turned on.
    assert page.model.sort_order == ("default", False)
    assert page.view.horizontalHeader().sortIndicatorSection() not in range(page.model.columnCount())
    page.view.scrollToBottom()  # the view asks for the next page at the bottom
    qtbot.waitUntil(lambda: page.model.rowCount() == 2 * FIRST_PAGE_ROWS, timeout=20000)
    with history_context.db.reading() as session:
        expected = petitions.list_petitions(session, petitions.PetitionFilter(), limit=2 * FIRST_PAGE_ROWS)
    assert [row.id for row in page.model.rows()] == _ids(expected)


def test_a_search_lists_the_best_matches_first(qtbot: QtBot, history_context: AppContext) -> None:
    page = _shown_petitions(qtbot, history_context)
    with history_context.db.reading() as session:
        ranked = petitions.list_petitions(session, petitions.PetitionFilter(query="kenh muong"), limit=10)
    assert ranked, "the generated history has petitions about kênh mương"
    page.search.setText("kenh muong")
    qtbot.waitUntil(lambda: [row.id for row in page.model.rows()[:10]] == _ids(ranked), timeout=20000)


def test_columns_are_fitted_to_the_widths_qt_itself_measures(
    qtbot: QtBot, history_context: AppContext
) -> None:
    """The fit finds each column's widest text by its advance and measures that cell alone: the
    widths must be those of Qt's own measuring of every cell (its margins, its grid line)."""
    from PySide6.QtWidgets import QHeaderView

    from ui.views.common import make_table_view
    from ui.views.follow_up import FollowUpPage

    for page in (PetitionsPage(history_context), FollowUpPage(history_context)):
        qtbot.addWidget(page)
        page.resize(1366, 768)
        page.show()
        qtbot.waitUntil(lambda page=page: page.model.rowCount() == FIRST_PAGE_ROWS, timeout=20000)
        fresh = make_table_view(page.model)  # Qt's measure on a view never fitted
        fresh.horizontalHeader().setStretchLastSection(False)  # the last column measured, not stretched
        qtbot.addWidget(fresh)
        fresh.resize(page.view.size())
        fresh.show()
        stretch = page.columns._stretch
        expected = {}
        for column in range(page.model.columnCount()):
            if column == stretch:
                continue
            fresh.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            fresh.resizeColumnToContents(column)
            expected[column] = min(fresh.columnWidth(column), page.columns._caps.get(column, 10_000))
        assert page.columns._natural == expected
        assert len(set(expected.values())) > 2  # the columns differ: the measure is not a constant


def test_a_new_filter_replaces_the_rows_in_one_go_without_emptying_the_list(
    qtbot: QtBot, history_context: AppContext
) -> None:
    """The rows shown stay until the filtered ones are in: the list does not flash empty, its
    scroll bar does not go and come back, and it is reset once (one paint, one column fit)."""
    from PySide6.QtCore import QEvent, QObject

    from ui.views.follow_up import FollowUpPage

    page = FollowUpPage(history_context)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitUntil(
        lambda: page.model.rowCount() == FIRST_PAGE_ROWS and not page.model.loading, timeout=20000
    )
    qtbot.waitUntil(lambda: page.hamlet_filter.count() > 1, timeout=20000)
    seen: list[int] = []
    page.model.modelReset.connect(lambda: seen.append(page.model.rowCount()))
    page.model.rowsRemoved.connect(lambda *_: seen.append(-1))

    class Paints(QObject):
        count = 0

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.count += 1

            return False

    paints = Paints()
    page.view.viewport().installEventFilter(paints)
    shown = [row.id for row in page.model.rows()]

    def choose(combo: Any, index: int) -> None:
        seen.clear()
        paints.count = 0
        combo.setCurrentIndex(index)
        assert page.model.rowCount() > 0  # still the rows shown, while it reads
        assert page.count.text() == "Đang tải…"
        qtbot.waitUntil(lambda: not page.model.loading and not history_context.tasks.busy, timeout=20000)
        QApplication.processEvents()

    # Every state instead of the open ones: another full page, in one reset and one paint.
    choose(page.status_filter, 1)
    assert seen == [FIRST_PAGE_ROWS]
    assert [row.id for row in page.model.rows()] != shown
    # Drawn with the new rows once (the old code: emptied, drawn, filled, drawn, and the
    # scroll bar's going and coming drew it twice more).
    assert paints.count <= 2
    # A thôn with a few rows: still one reset, straight from a full page to its rows.
    choose(page.hamlet_filter, 1)
    hamlet = page.hamlet_filter.currentText()
    assert len(seen) == 1 and 0 < seen[0] < FIRST_PAGE_ROWS
    assert all(row.hamlet == hamlet for row in page.model.rows())


def test_the_row_picked_stays_picked_when_the_list_is_filled_again(
    qtbot: QtBot, history_context: AppContext
) -> None:
    """A reload after any write (here or on another PC) reset the list and lost the row picked."""
    page = _shown_petitions(qtbot, history_context)
    page.view.setCurrentIndex(page.model.index(7, 2))
    picked = page.model.row_at(7).id
    resets: list[int] = []
    page.model.modelReset.connect(lambda: resets.append(1))
    page.model.reload()
    qtbot.waitUntil(lambda: bool(resets) and not page.model.loading, timeout=20000)
    current = page.view.currentIndex()
    assert current.isValid() and (page.model.row_at(current.row()).id, current.column()) == (picked, 2)
    assert page.view.selectionModel().isRowSelected(current.row())
