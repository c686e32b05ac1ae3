"""Small widgets shared by screens: a form field with its error line, banners, page headers."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFrame,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.text import nfc, search_key

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


class TypeToPickCombo(QComboBox):
    """A pick list the typist can type into: its number, or any part of a name, tones optional.

    Qt's own combo box only jumps by first letters, with tones, so "giao" finds nothing in
    "Giao thông – thủy lợi" typed as "giao" and "dat" never finds "Đất đai". Here every word
    typed must appear in the item (folded by the one search key of ``app.domain.text``); a lone
    number picks the item with that number. Leaving the field settles on the best match, or
    goes back to the item chosen before: the text is never left half-typed.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._matches = QStringListModel(self)
        completer = QCompleter(self._matches, self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompleter(completer)
        edit = self.lineEdit()
        assert edit is not None
        edit.textEdited.connect(self._filter)
        edit.editingFinished.connect(self.settle)
        completer.activated.connect(self._pick_text)

    def matches(self, typed: str) -> list[int]:
        """Indexes of the items ``typed`` selects, best first."""
        words = search_key(typed).split()
        if not words:
            return []
        found = []
        for index in range(self.count()):
            text = self.itemText(index)
            number, _dot, name = text.partition(". ")
            if len(words) == 1 and words[0].isdigit():
                if name and number == words[0]:
                    return [index]
                continue
            key = search_key(name if name and number.isdigit() else text)
            if all(word in key for word in words):
                # Items whose name starts with the first word come first ("giao" → Giao thông).
                found.append((not key.startswith(words[0]), index))
        return [index for _rank, index in sorted(found)]

    @Slot(str)
    def _filter(self, typed: str) -> None:
        self._matches.setStringList([self.itemText(i) for i in self.matches(typed)])
        completer = self.completer()
        if completer is not None and self._matches.rowCount():
            completer.complete()

    @Slot(str)
    def _pick_text(self, text: str) -> None:
        index = self.findText(text)
        if index >= 0:
            self.setCurrentIndex(index)

    @Slot()
    def settle(self) -> None:
        """Choose the item the typed text means, or restore the current one."""
        typed = self.currentText()
        exact = self.findText(typed)
        if exact >= 0:
            self.setCurrentIndex(exact)
            return
        found = self.matches(typed)
        if found:
            self.setCurrentIndex(found[0])
        else:
            self.setEditText(self.itemText(self.currentIndex()))


def scrolling(widget: QWidget) -> QScrollArea:
    """``widget`` in a frameless vertical scroll area: a small screen scrolls, never cuts."""
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    # Never narrower than its content: with no horizontal scrollbar it would be cut on the right.
    area.setMinimumWidth(widget.minimumSizeHint().width() + area.verticalScrollBar().sizeHint().width())
    return area
