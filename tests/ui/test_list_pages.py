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
    page.view.scrollToBottom()  # the view asks for the next page at the bottom
    qtbot.waitUntil(lambda: page.model.rowCount() == 2 * FIRST_PAGE_ROWS, timeout=20000)
    sort, descending = page.model.sort_order  # the order the page keeps from the last visit
    with history_context.db.reading() as session:
        expected = petitions.list_petitions(
            session, petitions.PetitionFilter(), sort=sort, descending=descending, limit=2 * FIRST_PAGE_ROWS
        )
    shown = [row.id for row in page.model.rows()]
    assert shown == [row.id for row in expected]
