"""The one way to run slow work off the GUI thread.

Database work runs on a single worker thread (SQLite has one writer; one thread keeps writes in
order). Results and errors come back as queued signals to this object, which lives on the GUI
thread, so callbacks may touch widgets. Anything that runs longer than half a second with a
``label`` shows a busy indicator. Nothing here touches a widget from the worker.
"""

from __future__ import annotations

import itertools
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QEventLoop, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.errors import AppError

log = logging.getLogger(__name__)

PROGRESS_DELAY_MS = 500


@dataclass
class _Pending:
    on_success: Callable[[Any], None] | None
    on_failure: Callable[[BaseException], None] | None
    label: str | None
    parent: QWidget | None
    owner: QObject | None = None
    progress: QProgressDialog | None = None
    timer: QTimer | None = None


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits through it."""

    finished = Signal(int, object)
    failed = Signal(int, object, str)


class _Job(QRunnable):
    def __init__(self, task_id: int, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._id, self._fn, self._relay = task_id, fn, relay

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:
            self._relay.failed.emit(self._id, exc, traceback.format_exc())
        else:
            self._relay.finished.emit(self._id, result)


class TaskManager(QObject):
    """``tasks.run(fn, on_success=…, on_failure=…, label="Đang xuất …")``."""

    busy_changed = Signal(bool)
    task_failed = Signal(str)  # Vietnamese message of a failure nobody handled

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self._relay.failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)
        self._pending: dict[int, _Pending] = {}
        self._ids = itertools.count(1)

    def run(
        self,
        fn: Callable[[], Any],
        *,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        label: str | None = None,
        parent: QWidget | None = None,
        owner: QObject | None = None,
    ) -> int:
        """Run ``fn`` on the worker; callbacks run on the GUI thread.

        ``owner`` (default: ``parent``) is the object the callbacks belong to: if it is deleted
        before the result arrives (a page closed while it loaded), the callbacks are dropped.
        """
        task_id = next(self._ids)
        pending = _Pending(on_success, on_failure, label, parent, owner or parent)
        if label:
            pending.timer = QTimer(self)
            pending.timer.setSingleShot(True)
            pending.timer.timeout.connect(lambda: self._show_progress(task_id))
            pending.timer.start(PROGRESS_DELAY_MS)
        was_idle = not self._pending
        self._pending[task_id] = pending
        if was_idle:
            self.busy_changed.emit(True)
        self._pool.start(_Job(task_id, fn, self._relay))
        return task_id

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def wait(self, msecs: int = 30000) -> bool:
        """Block until the worker is idle (shutdown and tests); queued results still need the loop."""
        return self._pool.waitForDone(msecs)

    def report_failure(self, exc: BaseException) -> None:
        """Tell the user about a failure no screen handles (the main window shows it)."""
        self.task_failed.emit(user_message(exc))

    def _show_progress(self, task_id: int) -> None:
        pending = self._pending.get(task_id)
        if pending is None or pending.label is None:
            return
        if pending.parent is not None and not shiboken6.isValid(pending.parent):
            pending.parent = None
        dialog = QProgressDialog(pending.label, "", 0, 0, pending.parent)
        dialog.setWindowTitle("Vui lòng chờ")
        dialog.setCancelButton(None)  # the work cannot be interrupted half-way safely
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.show()
        pending.progress = dialog

    def _finish(self, task_id: int) -> _Pending | None:
        pending = self._pending.pop(task_id, None)
        if pending is None:
            return None
        if pending.timer is not None:
            pending.timer.stop()
            pending.timer.deleteLater()
        if pending.progress is not None:
            pending.progress.close()
            pending.progress.deleteLater()
        if not self._pending:
            self.busy_changed.emit(False)
        return pending

    @staticmethod
    def _owner_gone(pending: _Pending) -> bool:
        return pending.owner is not None and not shiboken6.isValid(pending.owner)

    @Slot(int, object)
    def _on_finished(self, task_id: int, result: object) -> None:
        pending = self._finish(task_id)
        if pending and pending.on_success and not self._owner_gone(pending):
            pending.on_success(result)

    @Slot(int, object, str)
    def _on_failed(self, task_id: int, exc: object, trace: str) -> None:
        pending = self._finish(task_id)
        assert isinstance(exc, BaseException)
        if isinstance(exc, AppError):
            log.warning("task failed: %s", exc)
        else:
            log.error("task failed unexpectedly:\n%s", trace)
        if pending and self._owner_gone(pending):
            return
        if pending and pending.on_failure:
            pending.on_failure(exc)
        else:
            self.task_failed.emit(user_message(exc))


def run_and_wait(
    tasks: TaskManager, fn: Callable[[], Any], *, label: str | None = None, parent: QWidget | None = None
) -> Any:
    """Run ``fn`` on the worker while the GUI stays live (start-up steps that must finish first).

    The window keeps painting and, past half a second, shows ``label`` with a busy bar; the result
    is returned, or the worker's exception raised here.
    """
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def done(result: Any) -> None:
        outcome["result"] = result
        loop.quit()

    def failed(exc: BaseException) -> None:
        outcome["error"] = exc
        loop.quit()

    tasks.run(fn, on_success=done, on_failure=failed, label=label, parent=parent)
    if not outcome:
        loop.exec()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def user_message(exc: BaseException) -> str:
    """What to tell the user about ``exc``: its Vietnamese text, or a generic one that says what to do."""
    if isinstance(exc, AppError):
        return exc.user_message
    return AppError.default_user_message
