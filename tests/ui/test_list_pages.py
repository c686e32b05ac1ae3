"""A long list reads its first page in one go and the rest as the secretary scrolls."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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


def _ids(session_rows: list[petitions.PetitionRow]) -> list[int]:
    return [row.id for row in session_rows]


def test_the_petition_list_shows_a_first_page_then_the_next_as_it_scrolls(
    qtbot: QtBot, history_context: AppContext
) -> None:
    page = PetitionsPage(history_context)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=20000)
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
    page = PetitionsPage(history_context)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=20000)
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
