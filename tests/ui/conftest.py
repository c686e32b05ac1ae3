"""Qt fixtures: one QApplication (pytest-qt's), our translator, a task manager per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from app.storage.database import Database
from ui.context import AppContext
from ui.main import make_application
from ui.tasks import TaskManager


@pytest.fixture(scope="session")
def qapp(qapp_args):  # type: ignore[no-untyped-def]
    # pytest-qt's qapp fixture, but made through our factory so the Vietnamese translator is in.
    return make_application(list(qapp_args) or ["pytest"])


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
