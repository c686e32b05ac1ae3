"""Màn hình trình chiếu: the current speaker, the topic and the timer in large type."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.views.live.timer import TONE_STYLES, clock_text


class ProjectorWindow(QWidget):
    """A second window for the hall's projector; F11 toggles full screen, Esc leaves it."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Màn hình trình chiếu")
        self.setStyleSheet("background: #0f2740; color: white;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 30, 40, 30)
        self.title = self._label(title, 26, bold=True)
        self.speaker = self._label("", 54, bold=True)
        self.topic = self._label("", 34)
        self.timer = self._label("", 110, bold=True)
        self.timer.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for widget in (self.title, self.speaker, self.topic):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.timer)
        self.resize(1024, 640)
        QShortcut(QKeySequence("F11"), self, activated=self.toggle_full_screen)
        QShortcut(QKeySequence("Esc"), self, activated=self.showNormal)

    def _label(self, text: str, points: int, *, bold: bool = False) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        font = label.font()
        font.setPointSize(points)
        font.setBold(bold)
        label.setFont(font)
        return label

    @Slot(str, str)
    def show_speaker(self, speaker: str, topic: str) -> None:
        self.speaker.setText(speaker or "")
        self.topic.setText(topic or "")

    @Slot(int, str)
    def show_time(self, seconds: int, tone: str) -> None:
        self.timer.setText(clock_text(seconds))
        self.timer.setStyleSheet(TONE_STYLES[tone].replace("#1a3d7c", "white"))

    @Slot()
    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()
