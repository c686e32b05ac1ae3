"""Python's cycle collector, run on the GUI thread only (installed by ``ui.main.make_application``).

A module of its own, light to import: the application makes it before its first window.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer, Slot

COLLECT_EVERY_MS = 1000


class MainThreadCollector(QObject):
    """Python's cycle collector, run on the GUI thread only.

    Left automatic, it runs in whichever thread happens to allocate: often the database worker.
    A Qt object it frees there is destroyed on the wrong thread. Its destructor takes Qt's
    signal lock, then waits for the GIL, while the GUI thread holds the GIL and waits for that
    lock in a connect(): the program freezes for good. This was seen in a test, building the
    live window while a reload ran. So automatic collection is off, and this timer runs the
    generations as their thresholds are passed, as the automatic collector would.
    """

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect)
        self._timer.start(COLLECT_EVERY_MS)

    @Slot()
    def collect(self) -> int:
        """Collect the generations whose counts passed their thresholds; how many objects were freed."""
        young, middle, old = gc.get_count()
        freed = 0
        if young > self._thresholds[0]:
            freed += gc.collect(0)
            if middle > self._thresholds[1]:
                freed += gc.collect(1)
                if old > self._thresholds[2]:
                    freed += gc.collect(2)
        return freed
