"""The speaker timer: counts down, turns amber then red, can pause and be extended."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal, Slot

AMBER_SECONDS = 30


class SpeakerTimer(QObject):
    """Time left for the current speaker; negative once over time."""

    ticked = Signal(int, str)  # seconds left, tone: "normal" | "amber" | "red"
    running_changed = Signal(bool)

    def __init__(self, seconds: int = 180, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.allowed = seconds
        self.left = seconds
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    @property
    def tone(self) -> str:
        if self.left <= 0:
            return "red"
        if self.left <= AMBER_SECONDS:
            return "amber"
        return "normal"

    @Slot()
    def restart(self) -> None:
        self.left = self.allowed
        self._timer.start()
        self.running_changed.emit(True)
        self.ticked.emit(self.left, self.tone)

    @Slot()
    def toggle_pause(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
        else:
            self._timer.start()
        self.running_changed.emit(self._timer.isActive())

    @Slot()
    def extend(self, seconds: int = 60) -> None:
        self.left += seconds
        self.ticked.emit(self.left, self.tone)

    @Slot()
    def stop(self) -> None:
        self._timer.stop()
        self.running_changed.emit(False)

    @Slot()
    def _tick(self) -> None:
        self.left -= 1
        self.ticked.emit(self.left, self.tone)


def clock_text(seconds: int) -> str:
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    return f"{sign}{seconds // 60:d}:{seconds % 60:02d}"


TONE_STYLES = {
    "normal": "color: #1a3d7c;",
    "amber": "color: #9a6700; background: #fff4ce;",
    "red": "color: white; background: #b00020;",
}
