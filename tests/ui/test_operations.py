"""The operations layer: results, errors and change notifications arrive on the GUI thread."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.errors import StorageError, ValidationError
from app.services import catalog
from app.storage.changes import Changes
from ui.context import AppContext
from ui.operations import watch


def on_gui_thread() -> bool:
    return QThread.currentThread() is QApplication.instance().thread()  # type: ignore[union-attr]


def test_a_write_announces_what_it_changed_then_hands_back_its_result(
    qtbot: QtBot, context: AppContext
) -> None:
    seen: list[tuple[str, Any, bool]] = []
    context.ops.changed.connect(lambda c: seen.append(("changed", c, on_gui_thread())))
    with qtbot.waitSignal(context.ops.changed, timeout=5000):
        context.ops.write(
            lambda s: catalog.add_entry(s, "hamlet", "Thôn Nà Pục"),
            on_done=lambda entry: seen.append(("done", entry, on_gui_thread())),
        )
    qtbot.waitUntil(lambda: len(seen) == 2)
    (_, changes, changed_on_gui), (_, entry, done_on_gui) = seen
    assert changed_on_gui and done_on_gui
    assert ("hamlet", entry.id) in changes.ids and entry.name == "Thôn Nà Pục"


def test_a_refused_write_commits_nothing_and_tells_the_caller_in_vietnamese(
    qtbot: QtBot, context: AppContext
) -> None:
    errors: list[tuple[BaseException, bool]] = []
    changed: list[Changes] = []
    context.ops.changed.connect(changed.append)

    def add_then_fail(session: Session) -> None:
        catalog.add_entry(session, "hamlet", "Thôn Bị Hủy")
        catalog.add_entry(session, "hamlet", "   ")  # refused: empty name

    context.ops.write(add_then_fail, on_error=lambda exc: errors.append((exc, on_gui_thread())))
    qtbot.waitUntil(lambda: bool(errors))
    exc, on_gui = errors[0]
    assert on_gui and isinstance(exc, ValidationError)
    assert "không được để trống" in exc.user_message
    assert changed == []
    with context.db.reading() as session:
        assert [e.name for e in catalog.list_entries(session, "hamlet")] == []


def test_a_failure_nobody_handles_reaches_the_main_window_message(qtbot: QtBot, context: AppContext) -> None:
    def locked(_session: Session) -> None:
        raise OperationalError("INSERT …", {}, sqlite3.OperationalError("database is locked"))

    with qtbot.waitSignal(context.tasks.task_failed, timeout=5000) as blocker:
        context.ops.write(locked)
    assert "đang được một chương trình khác ghi" in blocker.args[0]


def test_a_locked_database_becomes_a_typed_error_with_what_to_do(qtbot: QtBot, context: AppContext) -> None:
    errors: list[BaseException] = []

    def locked(_session: Session) -> None:
        raise OperationalError("SELECT …", {}, sqlite3.OperationalError("database is locked"))

    context.ops.read(locked, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], StorageError) and "thử lại" in errors[0].user_message


def test_a_hidden_screen_refreshes_once_when_shown_and_skips_its_own_writes(
    qtbot: QtBot, context: AppContext
) -> None:
    visible, hidden = QLabel("a"), QLabel("b")
    qtbot.addWidget(visible)
    qtbot.addWidget(hidden)
    visible.show()
    calls: dict[str, list[Changes]] = {"visible": [], "hidden": []}
    watch(context.ops, visible, ["hamlet"], calls["visible"].append)
    watch(context.ops, hidden, ["hamlet"], calls["hidden"].append)
    for name in ("Thôn Một", "Thôn Hai"):
        with qtbot.waitSignal(context.ops.changed, timeout=5000):
            context.ops.write(lambda s, n=name: catalog.add_entry(s, "hamlet", n))
    with qtbot.waitSignal(context.ops.changed, timeout=5000):
        context.ops.write(lambda s: catalog.add_entry(s, "unit", "Đội thuế"))  # not watched
    with qtbot.waitSignal(context.ops.changed, timeout=5000):
        context.ops.write(lambda s: catalog.add_entry(s, "hamlet", "Thôn Ba"), origin=visible)
    assert len(calls["visible"]) == 2  # its own write (origin) is skipped
    assert calls["hidden"] == []
    hidden.show()
    assert len(calls["hidden"]) == 1
    assert len(calls["hidden"][0].ids_of("hamlet")) == 3


@pytest.mark.parametrize("label", [None, "Đang lưu…"])
def test_read_and_wait_returns_the_result(context: AppContext, label: str | None) -> None:
    assert context.ops.read_and_wait(lambda s: catalog.list_entries(s, "unit"), label=label) == []


def test_an_edit_someone_else_saved_first_reloads_the_screens_and_shows_both_versions(
    qtbot: QtBot, context: AppContext
) -> None:
    from app.errors import EditConflict

    def stale(_session: Session) -> None:
        raise EditConflict(
            "ý kiến, kiến nghị",
            7,
            expected_version=2,
            current_version=3,
            mine={"content": "Đường ngập khi mưa"},
            theirs={"content": "Đường ngập sâu 0,5 m"},
        )

    with (
        qtbot.waitSignal(context.ops.changed, timeout=5000) as reloaded,
        qtbot.waitSignal(context.tasks.task_failed, timeout=5000) as told,
    ):
        context.ops.write(stale)
    assert reloaded.args[0].ids_of("petition") == {7}
    message = told.args[0]
    assert "đã được người khác sửa" in message
    assert "«Đường ngập khi mưa»" in message and "«Đường ngập sâu 0,5 m»" in message
