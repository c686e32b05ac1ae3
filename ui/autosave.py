"""Autosave: every change reaches the disk without a Save button.

Rule used across the program: committed at most ``idle_ms`` after typing stops, at least every
``max_ms`` during continuous typing (``app.domain.rules``), and at once on ``flush()`` (focus change,
switching records, closing). The snapshot of what to save is taken on the GUI thread; the write
is an ``ops.write`` (``save(session, snapshot)``) on the database thread, so typing never waits
for the disk, and the other screens hear of the change like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel, QWidget
from sqlalchemy.orm import Session

from app.domain.rules import AUTOSAVE_IDLE_MS as IDLE_MS
from app.domain.rules import AUTOSAVE_MAX_MS as MAX_MS
from app.domain.rules import AUTOSAVE_RETRY_MS as RETRY_MS
from app.errors import EditConflict
from ui.operations import Operations
from ui.tasks import user_message


class Autosaver(QObject):
    saved = Signal(object)  # datetime of the commit
    failed = Signal(str)  # Vietnamese message; the changes stay pending and are retried
    # Another PC saved the record after this form read it (app.errors.EditConflict): nothing was
    # written and nothing is retried, since retrying would overwrite their save; the form shows
    # the message (both versions) and reloads the record.
    conflicted = Signal(object)

    def __init__(
        self,
        ops: Operations,
        snapshot: Callable[[], Any],
        save: Callable[[Session, Any], Any],
        *,
        idle_ms: int = IDLE_MS,
        max_ms: int = MAX_MS,
        parent: QObject | None = None,
        origin: object = None,
    ) -> None:
        super().__init__(parent)
        self._ops, self._snapshot, self._save = ops, snapshot, save
        self._origin = origin  # the screen that saves: it already shows what it saved
        self._dirty = False
        self._in_flight = 0
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(idle_ms)
        self._idle.timeout.connect(self.flush)
        self._max = QTimer(self)
        self._max.setSingleShot(True)
        self._max.setInterval(max_ms)
        self._max.timeout.connect(self.flush)
        # A failed save keeps its changes and is tried again until it succeeds; meanwhile the
        # indicator says "Chưa lưu được".
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(RETRY_MS)
        self._retry.timeout.connect(self.flush)
        self.last_result: Any = None

    @property
    def pending(self) -> bool:
        """Changes not yet committed (typed but not flushed, or being written)."""
        return self._dirty or self._in_flight > 0

    @Slot()
    def touch(self) -> None:
        """Call on every edit."""
        self._dirty = True
        self._idle.start()
        if not self._max.isActive():
            self._max.start()

    @Slot()
    def flush(self) -> None:
        self._idle.stop()
        self._max.stop()
        self._retry.stop()
        if not self._dirty:
            return
        self._dirty = False
        data = self._snapshot()
        self._in_flight += 1
        save = self._save
        # No owner: a save must land even if the editor is gone; only its callbacks are skipped.
        self._ops.write(
            lambda session: save(session, data),
            on_done=self._safe_done,
            on_error=self._safe_failed,
            origin=self._origin,
        )

    def flush_and_wait(self, msecs: int = 10000) -> None:
        """Flush and block until written (closing a window, ending the session)."""
        self.flush()
        self._ops.wait(msecs)

    def _safe_done(self, result: Any) -> None:
        if shiboken6.isValid(self):
            self._done(result)

    def _safe_failed(self, exc: BaseException) -> None:
        if shiboken6.isValid(self):
            self._failed(exc)

    def _done(self, result: Any) -> None:
        self._in_flight -= 1
        self.last_result = result
        self.saved.emit(datetime.now())

    def _failed(self, exc: BaseException) -> None:
        self._in_flight -= 1
        if isinstance(exc, EditConflict):
            self._dirty = False
            self.failed.emit(user_message(exc))
            self.conflicted.emit(exc)
            return
        self._dirty = True  # keep the changes; the retry timer (or the next edit) saves them
        self._retry.start()
        self.failed.emit(user_message(exc))


class SaveIndicator(QLabel):
    """ "Đã lưu 08:15:02" in the corner; a red note when a save failed."""

    def __init__(self, saver: Autosaver, parent: QWidget | None = None) -> None:
        super().__init__("Chưa có thay đổi", parent)
        self.setStyleSheet("color: #6b7280;")
        saver.saved.connect(self.show_saved)
        saver.failed.connect(self.show_failed)

    @Slot(object)
    def show_saved(self, when: datetime) -> None:
        self.setStyleSheet("color: #1a7f37;")
        self.setText(f"Đã lưu {when:%H:%M:%S}")

    @Slot(str)
    def show_failed(self, message: str) -> None:
        self.setStyleSheet("color: #b00020; font-weight: 600;")
        self.setText(f"Chưa lưu được: {message}")
