"""The leak guard of every UI test really catches a timer left running."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from tests.ui.leaks import TimerTracker


def test_a_timer_left_running_is_reported_with_where_it_started(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    tracker = TimerTracker(monkeypatch)
    stopped, running = QTimer(), QTimer()
    stopped.start(60_000)
    stopped.stop()
    running.start(60_000)
    QTimer.singleShot(60_000, lambda: None)
    leaks = tracker.dangling()
    assert len(leaks) == 2
    assert all("test_leaks.py" in where for where in leaks)
    assert not running.isActive()  # the guard stops what it reports, so later tests are safe


def test_a_finished_single_shot_is_not_a_leak(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> None:
    tracker = TimerTracker(monkeypatch)
    fired: list[bool] = []
    QTimer.singleShot(0, lambda: fired.append(True))
    while not fired:
        qapp.processEvents()
    assert tracker.dangling() == []
