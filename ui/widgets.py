"""Small widgets shared by screens: a form field with its error line, banners, page headers."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.domain.text import nfc

ERROR_STYLE = "color: #b00020;"
INVALID_EDIT_STYLE = "border: 1px solid #b00020;"


class NfcLineEdit(QLineEdit):
    """A line edit whose text is NFC however it was typed or pasted.

    The Windows Vietnamese keyboard and PDF pastes produce combining marks; normalising once the
    user leaves the field (not on every key) keeps the cursor where the typist expects it.
    """

    def text_nfc(self) -> str:
        return nfc(self.text())

    def focusOutEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        normalised = nfc(self.text())
        if normalised != self.text():
            self.setText(normalised)
        super().focusOutEvent(event)


class FieldError(QLabel):
    """The red line under a field that says what is wrong, in place."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(ERROR_STYLE)
        self.setWordWrap(True)
        self.hide()

    def show_message(self, message: str | None) -> None:
        if message:
            self.setText(message)
            self.show()
        else:
            self.clear()
            self.hide()


class Banner(QFrame):
    """A quiet coloured note at the top of a page ("chưa xây dựng", "đã khôi phục", …)."""

    COLORS = {
        "info": ("#e8f0fe", "#1a3d7c"),
        "warning": ("#fff4ce", "#6b4e00"),
        "error": ("#fde7e9", "#8a1020"),
    }

    def __init__(self, text: str, kind: str = "info", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        background, foreground = self.COLORS[kind]
        self.setStyleSheet(
            f"QFrame {{ background: {background}; border-radius: 4px; }} QLabel {{ color: {foreground}; }}"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label)


def page_title(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    font.setBold(True)
    label.setFont(font)
    return label
