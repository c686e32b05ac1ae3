"""Python's cycle collector runs on the GUI thread only (ui.collector.MainThreadCollector)."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication


class _Node(QObject):
    pass


def test_a_qt_object_in_a_cycle_is_freed_on_the_gui_thread_not_by_a_busy_worker(qapp: QApplication) -> None:
    """Freed by a collection on the database worker, a Qt object's destructor froze the program
    (a deadlock between Qt's signal lock and the GIL, seen building the live window)."""
    assert not gc.isenabled()  # the application turned automatic collection off
    freed_on_gui_thread: list[bool] = []

    def orphan() -> None:
        node = _Node()
        node.me = node  # type: ignore[attr-defined]  # a cycle: only the collector frees it
        weakref.finalize(
            node, lambda: freed_on_gui_thread.append(threading.current_thread() is threading.main_thread())
        )

    orphan()
    # A worker allocating enough to pass the young generation's threshold many times over.
    worker = threading.Thread(target=lambda: [[[] for _ in range(50)] for _ in range(2000)])
    worker.start()
    worker.join()
    assert freed_on_gui_thread == []

    kept = [[] for _ in range(gc.get_threshold()[0] + 1)]  # the young generation is due
    assert qapp._collector.collect() > 0  # type: ignore[attr-defined]  # what its timer runs
    assert freed_on_gui_thread == [True]
    del kept
