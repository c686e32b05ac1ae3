"""Qt fixtures: one QApplication (pytest-qt's), our translator, a task manager per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from app.storage.database import Database
from tests.ui.leaks import TimerTracker, assert_no_leaks
from ui.context import AppContext
from ui.main import make_application
from ui.tasks import TaskManager


@pytest.fixture(scope="session")
def qapp(qapp_args):  # type: ignore[no-untyped-def]
    # pytest-qt's qapp fixture, but made through our factory so the Vietnamese translator is in.
    return make_application(list(qapp_args) or ["pytest"])


@pytest.fixture(autouse=True)
def no_leaks(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> Iterator[TimerTracker]:
    """Every UI test ends with no timer running and no worker busy (tests/ui/leaks.py)."""
    tracker = TimerTracker(monkeypatch)
    yield tracker
    assert_no_leaks(tracker)


@pytest.fixture
def context(qapp: QApplication, db: Database) -> Iterator[AppContext]:
    tasks = TaskManager()
    yield AppContext(db=db, tasks=tasks)
    assert tasks.wait(10000), "a task was still running when the test ended"
    QApplication.processEvents()  # deliver queued results while this test's widgets still exist


@pytest.fixture
def demo_context(qapp: QApplication, demo_db: Database) -> Iterator[AppContext]:
    tasks = TaskManager()
    yield AppContext(db=demo_db, tasks=tasks)
    assert tasks.wait(10000), "a task was still running when the test ended"
    QApplication.processEvents()
