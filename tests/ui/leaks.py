"""Fail a UI test that leaves a QTimer running or a worker thread busy (as napari's fixtures do).

A timer left running fires into the next test, where its widget may be half gone: the classic
source of crashes that move around the suite. Every ``QTimer.start`` and ``QTimer.singleShot`` is
recorded with the line that called it; after the test's windows are closed and deleted, any
recorded timer still alive and active is a leak.
"""

from __future__ import annotations

import traceback
import weakref
from collections.abc import Callable
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication

from ui.tasks import TaskManager


def _caller() -> str:
    # The first frame outside this module and Qt's wrappers: where the test or the product started it.
    for frame in reversed(traceback.extract_stack()[:-2]):
        if frame.filename != __file__:
            return f"{frame.filename}:{frame.lineno} ({frame.name})"
    return "?"


class TimerTracker:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._started: weakref.WeakKeyDictionary[QTimer, str] = weakref.WeakKeyDictionary()
        self._single_shots: list[tuple[QTimer, str]] = []
        base_start = QTimer.start
        tracker = self

        def start(timer: QTimer, *args: Any) -> None:
            tracker._started[timer] = _caller()
            base_start(timer, *args)

        def single_shot(*args: Any) -> None:
            # QTimer.singleShot(msec, callable) / (msec, receiver, slot) / (msec, type, ...) forms.
            msec, rest = args[0], args[1:]
            timer = QTimer()
            timer.setSingleShot(True)
            target: Callable[..., Any] = (
                rest[-1] if not isinstance(rest[-1], str) else getattr(rest[0], rest[-1])
            )
            timer.timeout.connect(target)
            tracker._single_shots.append((timer, _caller()))
            base_start(timer, msec)

        monkeypatch.setattr(QTimer, "start", start)
        monkeypatch.setattr(QTimer, "singleShot", staticmethod(single_shot))

        # Every task manager made during the test: its worker must be idle at the end.
        self.task_managers: weakref.WeakSet[TaskManager] = weakref.WeakSet()
        base_init = TaskManager.__init__

        def init(manager: TaskManager, *args: Any, **kwargs: Any) -> None:
            base_init(manager, *args, **kwargs)
            tracker.task_managers.add(manager)

        monkeypatch.setattr(TaskManager, "__init__", init)

    def dangling(self) -> list[str]:
        found = []
        for timer, where in [*self._started.items(), *self._single_shots]:
            if shiboken6.isValid(timer) and timer.isActive():
                found.append(where)
                timer.stop()
        return found


def close_all_windows() -> None:
    """Close and delete every top-level window, as the user quitting would."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    for widget in app.topLevelWidgets():
        if shiboken6.isValid(widget) and widget.isVisible():
            widget.close()
        if shiboken6.isValid(widget):
            widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()


def assert_no_leaks(tracker: TimerTracker) -> None:
    close_all_windows()
    busy = not QThreadPool.globalInstance().waitForDone(5000)
    for manager in list(tracker.task_managers):
        if shiboken6.isValid(manager) and not manager.wait(5000):
            busy = True
    leaks = tracker.dangling()
    message = []
    if leaks:
        message.append("QTimer(s) still running after the test; started at:\n  " + "\n  ".join(leaks))
    if busy:
        message.append("a QThreadPool worker was still busy after the test")
    assert not message, "\n".join(message)
