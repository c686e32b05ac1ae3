"""Small widgets of the plan screens: typed dates, editable combos, labels, the form saver."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QObject, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QLabel,
    QWidget,
)
from sqlalchemy.orm import Session

from app.domain import text
from app.errors import ValidationError
from app.services import catalog
from app.services.catalog import LeaderEntry
from ui.autosave import Autosaver
from ui.widgets import NfcLineEdit

BLANK_DATE = QDate(2000, 1, 1)  # the minimum of an OptionalDateEdit stands for "no date"


# --- small building blocks ----------------------------------------------------------------------


class FormSaver(Autosaver):
    """The app-wide autosave, plus the field → message map when the service refuses a save."""

    rejected = Signal(object)  # dict[str, str]

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            # Same bookkeeping as Autosaver._failed, with a message that points at the fields.
            self._in_flight -= 1
            self._dirty = True
            self.failed.emit("có ô chưa hợp lệ (chữ đỏ); sửa xong sẽ tự lưu.")
            self.rejected.emit(exc.problems)
            return
        super()._failed(exc)

    def discard(self) -> None:
        """Forget changes that cannot be saved (the user chose to leave them)."""
        self._idle.stop()
        self._max.stop()
        self._retry.stop()
        self._dirty = False


class TypedSeparators:
    """Typing ``18/03/2024`` works: a separator right after a section filled itself is skipped.

    Qt moves to the next section once two digits are typed, and then also treats the typed
    ``/`` as "next section", landing one section too far.
    """

    _advanced = False

    def focusNextPrevChild(self, next: bool) -> bool:
        # Tab leaves the field (QDateTimeEdit would step through day, month, year first);
        # sections fill in as they are typed, and ←/→ move between them.
        return QWidget.focusNextPrevChild(self, next)  # type: ignore[arg-type]

    def typed_key(self, event: QKeyEvent, forward: Any) -> None:
        edit: QDateTimeEdit = self  # type: ignore[assignment]
        if event.text() in ("/", ".", "-", ":", " ") and self._advanced:
            self._advanced = False
            return
        before = edit.currentSection()
        forward(event)
        self._advanced = event.text().isdigit() and edit.currentSection() != before


class OptionalDateEdit(TypedSeparators, QDateEdit):
    """A date that may stay blank ("(để trống)"); Ctrl+Delete empties it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDisplayFormat("dd/MM/yyyy")
        self.setCalendarPopup(True)
        self.setMinimumDate(BLANK_DATE)
        self.setSpecialValueText("(để trống)")
        self.setDate(BLANK_DATE)
        self.setToolTip("Gõ ngày/tháng/năm hoặc bấm mũi tên để chọn; Ctrl+Delete để trống")

    def value(self) -> date | None:
        qdate = self.date()
        return None if qdate == BLANK_DATE else date(qdate.year(), qdate.month(), qdate.day())

    def set_value(self, value: date | None) -> None:
        self.setDate(QDate(value.year, value.month, value.day) if value else BLANK_DATE)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Delete and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.setDate(BLANK_DATE)
            return
        if self.date() == BLANK_DATE and event.text().isdigit():
            # Typing into a blank date starts from today, so the sections are there to type in.
            self.setDate(QDate.currentDate())
            self.setSelectedSection(QDateTimeEdit.Section.DaySection)
        self.typed_key(event, super().keyPressEvent)


class DateTimeEdit(TypedSeparators, QDateTimeEdit):
    """``08:00  23/09/2026``, typed as it reads."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self.typed_key(event, super().keyPressEvent)


class ComboKeys(QObject):
    """Alt+Up/Down and Ctrl+Enter on a combo box mean the same as in the lists around it."""

    move_requested = Signal(int)
    next_requested = Signal()

    def eventFilter(self, watched: QObject, event: Any) -> bool:
        if isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            mods = event.modifiers()
            if mods & Qt.KeyboardModifier.AltModifier and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self.move_requested.emit(-1 if event.key() == Qt.Key.Key_Up else 1)
                return True
            if mods & Qt.KeyboardModifier.ControlModifier and event.key() in (
                Qt.Key.Key_Return,
                Qt.Key.Key_Enter,
            ):
                self.next_requested.emit()
                return True
        return False


def editable_combo(parent: QWidget | None = None) -> QComboBox:
    combo = QComboBox(parent)
    combo.setEditable(True)
    combo.setLineEdit(NfcLineEdit())
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(20)
    return combo


def combo_text(combo: QComboBox) -> str:
    return text.clean(combo.currentText())


def set_combo_text(combo: QComboBox, value: str) -> None:
    with QSignalBlocker(combo):
        combo.setEditText(value)


def _text_color(label: QLabel, color: str) -> None:
    # A palette, not a style sheet: the plan form holds dozens of these, and a style sheet per
    # widget makes each one slower to build and to lay out.
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(color))
    label.setPalette(palette)


def section_label(caption: str) -> QLabel:
    label = QLabel(caption)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.1)
    label.setFont(font)
    _text_color(label, "#1f3b57")
    label.setContentsMargins(0, 10, 0, 0)
    return label


def hint_label(caption: str) -> QLabel:
    label = QLabel(caption)
    label.setWordWrap(True)
    _text_color(label, "#6b7280")
    return label


@dataclass(frozen=True)
class Choices:
    """What the pick lists offer: active units and leaders of Danh mục."""

    units: tuple[str, ...] = ()
    leaders: tuple[LeaderEntry, ...] = ()


def load_choices(session: Session) -> Choices:
    """The units and leaders the plan screens offer (an ``ops.read``)."""
    return Choices(
        tuple(e.name for e in catalog.list_entries(session, "unit")), tuple(catalog.list_leaders(session))
    )


def signer_title_of(leader_title: str) -> str:
    """``PHÓ CHỦ TỊCH`` from ``Phó Chủ tịch UBND xã`` (chức vụ as printed above the signature)."""
    words = text.clean(leader_title).split()
    cut = len(words)
    for i, word in enumerate(words):
        key = text.search_key(word)
        if i and ((word.isupper() and len(word) > 1) or key in ("uy", "hoi", "xa", "phuong", "thi")):
            cut = i
            break
    return " ".join(words[:cut]).upper()
