"""Guards against a broken Qt binding: PySide6 6.12.0 dropped a reference to None on every
Python eventFilter() call, so a long typing session aborted the program ("none_dealloc")."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QLineEdit
app = QApplication([])
class Filter(QObject):
    def eventFilter(self, watched, event):
        return False
edit, keep = QLineEdit(), Filter()
edit.installEventFilter(keep)
before = sys.getrefcount(None)
for i in range(3000):
    edit.setText(str(i))
    app.processEvents()
print(before - sys.getrefcount(None))
"""


def test_event_filters_do_not_leak_references() -> None:
    result = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lost = int(result.stdout.strip().splitlines()[-1])
    assert lost < 100, f"None lost {lost} references in 3000 filtered events"
