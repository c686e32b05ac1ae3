"""The window's size against the screen: one rule for the main window and the live minutes.

Kept apart from ui.widgets (line edits, completers and the Vietnamese text rules) so the main
window can appear before those load.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# A title bar and the window frame, which availableGeometry does not take off (Windows 10/11 at
# 100 %: about 31 px of title, 8 px of frame each side; Qt scales them with the screen).
FRAME_ALLOWANCE = QSize(16, 40)


def fit_to_screen(window: QWidget, preferred: QSize) -> None:
    """Size ``window`` to ``preferred`` or less, so it opens whole inside the screen's free area.

    The free area is the screen minus the taskbar (``QScreen.availableGeometry``), in logical
    pixels: at 150 % scaling a 1366×768 laptop offers about 910×485 of them.
    """
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        window.resize(preferred)
        return
    free = screen.availableGeometry()
    width = max(min(preferred.width(), free.width() - FRAME_ALLOWANCE.width()), 200)
    height = max(min(preferred.height(), free.height() - FRAME_ALLOWANCE.height()), 200)
    window.setMinimumSize(window.minimumSize().boundedTo(QSize(width, height)))
    window.resize(width, height)
    left = free.left() + max(0, (free.width() - width - FRAME_ALLOWANCE.width()) // 2)
    top = free.top() + max(0, (free.height() - height - FRAME_ALLOWANCE.height()) // 2)
    window.move(left, top)
