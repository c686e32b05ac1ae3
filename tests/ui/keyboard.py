"""Typing Vietnamese into widgets in tests.

QTest's keyClicks only knows ASCII (it aborts on "Ủ"); a real keyboard (UniKey, the Windows
Vietnamese keyboard) delivers key events whose text is the composed character. We send exactly
that: one key press/release per character carrying its text.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget


def type_text(widget: QWidget, text: str) -> None:
    widget.setFocus()
    for char in text:
        key = (
            ord(char.upper())
            if char.isascii() and char.isalnum()
            else (Qt.Key.Key_Space if char == " " else 0)
        )
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char))
    QApplication.processEvents()
