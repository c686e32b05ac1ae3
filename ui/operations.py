"""The one way a screen reads or changes data: ``ops.read(op)`` and ``ops.write(op)``.

``op`` is a service call taking a ``Session`` and returning plain data (Anki's ``QueryOp`` and
``CollectionOp``). The layer runs it on the one database thread of ``ui.tasks``, in its own unit of
work, shows progress when it takes long, hands the result or a Vietnamese message back on the GUI
thread, and after every committed write announces what changed through ``changed``: screens
subscribe (``watch``) and refresh only when a kind they show was touched. No file in ``ui/`` opens a
transaction itself.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NoReturn, TypeVar

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QWidget
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.errors import AppError, EditConflict, StorageError
from app.storage.changes import Changes, ChangeTracker
from app.storage.database import Database
from ui.tasks import TaskManager

log = logging.getLogger(__name__)

T = TypeVar("T")
OnDone = Callable[[Any], None]
OnError = Callable[[BaseException], None]


@dataclass(frozen=True)
class _Written:
    result: Any
    changes: Changes


def storage_failure(exc: BaseException) -> BaseException:
    """SQLite's own failures that a user can act on, as typed errors with what to do."""
    if isinstance(exc, OperationalError):
        text = str(exc.orig if exc.orig is not None else exc).lower()
        if "locked" in text or "busy" in text:
            return StorageError(
                f"database busy: {text}",
                "Dữ liệu đang được một chương trình khác ghi. Vui lòng chờ vài giây rồi thử lại.",
            )
        if "disk is full" in text or "disk i/o" in text:
            return StorageError(
                f"disk problem: {text}",
                "Không ghi được dữ liệu vì ổ đĩa đầy hoặc hỏng. Hãy giải phóng dung lượng ổ đĩa "
                "rồi thử lại; những gì đã lưu trước đó vẫn còn nguyên.",
            )
    return exc


class Operations(QObject):
    """Reads and writes of one open database, with one ``changed`` signal for every screen."""

    changed = Signal(object)  # Changes of a committed write

    def __init__(self, db: Database, tasks: TaskManager, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.tasks = tasks

    def read(
        self,
        op: Callable[[Session], T],
        *,
        on_done: Callable[[T], None] | None = None,
        on_error: OnError | None = None,
        label: str | None = None,
        parent: QWidget | None = None,
        owner: QObject | None = None,
    ) -> int:
        """Run ``op`` in a read-only unit of work; ``on_done(result)`` on the GUI thread."""
        db = self.db

        def work() -> T:
            try:
                with db.reading() as session:
                    return op(session)
            except Exception as exc:
                _reraise(exc)

        return self.tasks.run(
            work, on_success=on_done, on_failure=on_error, label=label, parent=parent, owner=owner or parent
        )

    def read_and_wait(self, op: Callable[[Session], T], *, label: str | None = None) -> T:
        """``read`` for start-up steps that must finish before the next: the GUI stays live."""
        from ui.tasks import run_and_wait

        db = self.db

        def work() -> T:
            try:
                with db.reading() as session:
                    return op(session)
            except Exception as exc:
                _reraise(exc)

        result: T = run_and_wait(self.tasks, work, label=label)
        return result

    def write_and_wait(self, op: Callable[[Session], T], *, label: str | None = None) -> T:
        """``write`` whose result the caller needs before going on (start-up, scripts)."""
        from PySide6.QtCore import QEventLoop

        loop = QEventLoop()
        outcome: dict[str, Any] = {}

        def finish(key: str, value: Any) -> None:
            outcome[key] = value
            loop.quit()

        self.write(
            op, on_done=lambda r: finish("result", r), on_error=lambda e: finish("error", e), label=label
        )
        if not outcome:
            loop.exec()
        if "error" in outcome:
            raise outcome["error"]
        result: T = outcome["result"]
        return result

    def write(
        self,
        op: Callable[[Session], T],
        *,
        on_done: Callable[[T], None] | None = None,
        on_error: OnError | None = None,
        label: str | None = None,
        parent: QWidget | None = None,
        owner: QObject | None = None,
        origin: object = None,
    ) -> int:
        """Run ``op`` in one transaction; announce what it changed, then ``on_done(result)``.

        The announcement goes out even when ``owner`` is gone (a closed window's last save still
        changed the lists of the others); only the callbacks are dropped.
        """
        db = self.db

        def unit(session: Session) -> _Written:
            tracker = ChangeTracker(session)
            try:
                result = op(session)
                session.flush()
            finally:
                changes = tracker.stop(origin)
            return _Written(result, changes)

        def work() -> _Written:
            try:
                return db.write(unit)  # waits politely while another program writes
            except Exception as exc:
                _reraise(exc)

        callbacks_owner = owner or parent

        def done(written: _Written) -> None:
            if not written.changes.empty:
                self.changed.emit(written.changes)
            if on_done is not None and _alive(callbacks_owner):
                on_done(written.result)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, EditConflict):
                # Someone else's save stands: every screen showing the record reloads it, so
                # the user sees their version beside the one in the message.
                ids = [(exc.kind, exc.ident)] if isinstance(exc.ident, int) else []
                self.changed.emit(Changes.of(exc.kind, ids=ids))
            if _alive(callbacks_owner):
                if on_error is not None:
                    on_error(exc)
                else:
                    self.tasks.report_failure(exc)

        # The task belongs to this object, which lives as long as the database is open.
        return self.tasks.run(
            work, on_success=done, on_failure=failed, label=label, parent=parent, owner=self
        )

    def job(
        self,
        work: Callable[[Callable[[object], None]], T],
        *,
        on_progress: Callable[[object], None] | None = None,
        on_done: Callable[[T], None] | None = None,
        on_error: OnError | None = None,
        owner: QObject | None = None,
    ) -> int:
        """Run ``work(report)`` on the database thread: work that is not one unit of work (a
        «Chuyển dữ liệu» between two databases, a server check). ``report(step)`` may be called
        from the worker; ``on_progress(step)`` runs on the GUI thread."""
        relay = _ProgressRelay()
        if on_progress is not None:
            relay.progressed.connect(on_progress, Qt.ConnectionType.QueuedConnection)

        def run() -> T:
            try:
                return work(relay.progressed.emit)
            except Exception as exc:
                _reraise(exc)

        def finished(result: T) -> None:
            relay.deleteLater()
            if on_done is not None:
                on_done(result)

        def failed(exc: BaseException) -> None:
            relay.deleteLater()
            if on_error is not None:
                on_error(exc)
            else:
                self.tasks.report_failure(exc)

        return self.tasks.run(run, on_success=finished, on_failure=failed, owner=owner)

    def wait(self, msecs: int = 30000) -> bool:
        return self.tasks.wait(msecs)


class _ProgressRelay(QObject):
    """Carries progress steps from the worker to the GUI thread (a queued signal)."""

    progressed = Signal(object)


def _reraise(exc: Exception) -> NoReturn:
    converted = storage_failure(exc)
    if converted is exc:
        raise exc
    raise converted from exc


def _alive(owner: QObject | None) -> bool:
    return owner is None or shiboken6.isValid(owner)


class _ShowWatcher(QObject):
    """Runs a stale screen's refresh when it is shown again."""

    def __init__(self, widget: QWidget, refresh: Callable[[Changes], None]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._refresh = refresh
        self.stale: Changes | None = None
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Show and self.stale is not None:
            stale, self.stale = self.stale, None
            self._refresh(stale)
        return False

    def changed(self, changes: Changes) -> None:
        if not shiboken6.isValid(self._widget):
            return
        if self._widget.isVisible():
            self._refresh(changes)
        else:
            # Hidden screens refresh once, when they come back, not on every change meanwhile.
            self.stale = changes if self.stale is None else _merge(self.stale, changes)


def _merge(a: Changes, b: Changes) -> Changes:
    return Changes(a.kinds | b.kinds, a.ids | b.ids, b.origin)


def watch(
    ops: Operations,
    widget: QWidget,
    kinds: Iterable[str],
    refresh: Callable[[Changes], None],
    *,
    skip_own: bool = True,
) -> None:
    """Call ``refresh(changes)`` when a committed write touches one of ``kinds``.

    A visible ``widget`` refreshes at once; a hidden one on its next show. Writes whose ``origin``
    is ``widget`` itself are skipped with ``skip_own`` (the screen already shows what it saved).
    """
    wanted = frozenset(kinds)
    watcher = _ShowWatcher(widget, refresh)

    def on_changed(changes: Changes) -> None:
        if not (changes.kinds & wanted):
            return
        if skip_own and changes.origin is widget:
            return
        watcher.changed(changes)

    ops.changed.connect(on_changed)
    # Disconnect with the widget, so a closed screen is never called back.
    watcher.destroyed.connect(lambda *_: _disconnect(ops, on_changed))


def _disconnect(ops: Operations, slot: Callable[[Changes], None]) -> None:
    if shiboken6.isValid(ops):
        with contextlib.suppress(RuntimeError, TypeError):
            ops.changed.disconnect(slot)


__all__ = ["AppError", "Changes", "Operations", "storage_failure", "watch"]
