"""The plan editor: one form for the whole Kế hoạch, the dialogues it schedules, a preview.

Everything autosaves (``ui.autosave``): the form is read into a :class:`PlanInput` on the GUI
thread and written on the database thread; a save the service refuses leaves the stored plan as
it was and puts the Vietnamese message under the field concerned.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QObject, QSignalBlocker, Qt, QTime, Signal, Slot
from PySide6.QtGui import QAction, QFocusEvent, QIntValidator, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import text
from app.domain.rules import DialogueState, PlanKind
from app.errors import ValidationError
from app.export import blocks as b
from app.services import catalog, plans
from app.services.catalog import LeaderEntry
from app.services.dialogues import (
    DialogueDetail,
    DialogueInput,
    dialogue_detail,
    plan_dialogues,
)
from app.services.dialogues import (
    delete_dialogue as remove_dialogue,
)
from app.services.plans import PlanDetail, PlanInput, PlanRow
from ui.autosave import Autosaver, SaveIndicator
from ui.context import AppContext
from ui.models.table import Column, RowTableModel
from ui.tasks import user_message
from ui.views.common import make_table_view
from ui.views.list_editor import FocusStops, GrowingTextEdit, ListEditor
from ui.widgets import FieldError, NfcLineEdit

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


def section_label(caption: str) -> QLabel:
    label = QLabel(caption)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.1)
    label.setFont(font)
    label.setStyleSheet("color: #1f3b57; padding-top: 10px;")
    return label


def hint_label(caption: str) -> QLabel:
    label = QLabel(caption)
    label.setWordWrap(True)
    label.setStyleSheet("color: #6b7280;")
    return label


@dataclass(frozen=True)
class Choices:
    """What the pick lists offer: active units and leaders of Danh mục."""

    units: tuple[str, ...] = ()
    leaders: tuple[LeaderEntry, ...] = ()


def load_choices(context: AppContext) -> Choices:
    with context.db.reading() as session:
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


# --- tổ chức thực hiện: units and their tasks -----------------------------------------------------


class UnitBlock(QFrame):
    """One unit of «Tổ chức thực hiện»: the unit (from Danh mục or typed) and its tasks."""

    def __init__(self, owner: UnitTasksEditor, unit: str, tasks: list[str]) -> None:
        super().__init__()
        self.owner = owner
        self.setObjectName("unitBlock")
        self.setStyleSheet("QFrame#unitBlock { border-left: 3px solid #c7d2fe; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 2, 0, 2)
        layout.setSpacing(2)
        head = QHBoxLayout()
        self.number = QLabel("1.")
        self.number.setFixedWidth(22)
        head.addWidget(self.number)
        self.unit = editable_combo()
        self.unit.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.unit.addItems(list(owner.units))
        self.unit.lineEdit().setPlaceholderText("Đơn vị (chọn trong Danh mục hoặc gõ)")
        self.unit.setToolTip("Đơn vị thực hiện; Alt+↑/Alt+↓ đổi thứ tự, Ctrl+Enter thêm đơn vị")
        set_combo_text(self.unit, unit)
        head.addWidget(self.unit, 1)
        self.keys = ComboKeys(self)
        self.unit.installEventFilter(self.keys)
        self.unit.lineEdit().installEventFilter(self.keys)
        for caption, tip, slot in (
            ("↑", "Chuyển đơn vị lên (Alt+↑)", lambda: owner.move_block(self, -1)),
            ("↓", "Chuyển đơn vị xuống (Alt+↓)", lambda: owner.move_block(self, 1)),
            ("✕", "Xóa đơn vị này và các nhiệm vụ của nó", lambda: owner.remove_block(self)),
        ):
            button = QToolButton()
            button.setText(caption)
            button.setToolTip(tip)
            button.setAutoRaise(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(slot)
            head.addWidget(button)
        layout.addLayout(head)
        self.tasks = ListEditor(noun="nhiệm vụ", placeholder="Nhiệm vụ của đơn vị; Ctrl+Enter thêm nhiệm vụ")
        self.tasks.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.tasks.set_items(tasks)
        layout.addWidget(self.tasks)
        self.unit.editTextChanged.connect(owner.edited)
        self.tasks.edited.connect(owner.edited)
        self.keys.move_requested.connect(lambda offset: owner.move_block(self, offset))
        self.keys.next_requested.connect(lambda: owner.add_block(after=self))

    def value(self) -> dict[str, Any]:
        return {"unit": combo_text(self.unit), "tasks": self.tasks.items()}


class UnitTasksEditor(FocusStops, QWidget):
    """The units of «Tổ chức thực hiện», in order, each with its list of tasks."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.units: tuple[str, ...] = ()
        self.blocks: list[UnitBlock] = []
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._box = QVBoxLayout()
        self._box.setSpacing(6)
        layout.addLayout(self._box)
        self.add_button = QPushButton("+ Thêm đơn vị thực hiện")
        self.add_button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.add_button.setToolTip("Thêm một đơn vị và nhiệm vụ của đơn vị (trong ô đơn vị: Ctrl+Enter)")
        self.add_button.clicked.connect(lambda: self.add_block())
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        layout.addLayout(row)

    def set_units(self, units: tuple[str, ...]) -> None:
        self.units = units
        for block in self.blocks:
            current = combo_text(block.unit)
            with QSignalBlocker(block.unit):
                block.unit.clear()
                block.unit.addItems(list(units))
                block.unit.setEditText(current)

    def value(self) -> list[dict[str, Any]]:
        return [block.value() for block in self.blocks]

    def set_value(self, tasks: list[dict[str, Any]]) -> None:
        for block in self.blocks:
            block.setParent(None)
            block.deleteLater()
        self.blocks = []
        for entry in tasks:
            self._insert(len(self.blocks), entry.get("unit", ""), list(entry.get("tasks", [])))
        self._renumber()

    def _insert(self, index: int, unit: str, tasks: list[str]) -> UnitBlock:
        block = UnitBlock(self, unit, tasks)
        self.blocks.insert(index, block)
        self._box.insertWidget(index, block)
        block.show()
        return block

    def add_block(self, after: UnitBlock | None = None) -> UnitBlock:
        index = self.blocks.index(after) + 1 if after is not None else len(self.blocks)
        block = self._insert(index, "", [])
        self._renumber()
        block.unit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.edited.emit()
        return block

    def remove_block(self, block: UnitBlock) -> None:
        index = self.blocks.index(block)
        self.blocks.pop(index)
        block.setParent(None)
        block.deleteLater()
        self._renumber()
        if self.blocks:
            self.blocks[max(0, index - 1)].unit.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.add_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.edited.emit()

    def move_block(self, block: UnitBlock, offset: int) -> None:
        index = self.blocks.index(block)
        target = max(0, min(len(self.blocks) - 1, index + offset))
        if target == index:
            return
        self.blocks.insert(target, self.blocks.pop(index))
        self._box.removeWidget(block)
        self._box.insertWidget(target, block)
        self._renumber()
        block.unit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.edited.emit()

    def _renumber(self) -> None:
        for number, block in enumerate(self.blocks, start=1):
            block.number.setText(f"{number}.")

    def focus_stops(self) -> list[QWidget]:
        stops: list[QWidget] = []
        for block in self.blocks:
            stops += [block.unit, block.tasks]
        return [*stops, self.add_button]

    def focusInEvent(self, event: QFocusEvent) -> None:
        if not self.handle_focus_in(event):
            super().focusInEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:
        return self.step_focus(next)


# --- the plan form -------------------------------------------------------------------------------

SIGNING_STYLES = (
    ("Ký trực tiếp (không ghi thẩm quyền)", ""),
    ("TM. ỦY BAN NHÂN DÂN", "TM. ỦY BAN NHÂN DÂN"),
    ("KT. CHỦ TỊCH (cấp phó ký thay)", "KT. CHỦ TỊCH"),
    ("TM. THƯỜNG TRỰC HỘI ĐỒNG NHÂN DÂN", "TM. THƯỜNG TRỰC HỘI ĐỒNG NHÂN DÂN"),
)


class PlanForm(QScrollArea):
    """Every part of the plan, top to bottom in document order; ``edited`` on each change."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.plan_id: int | None = None
        self._organization_id = 0
        self._loading = False
        self.errors: dict[str, FieldError] = {}
        self._leaders: tuple[LeaderEntry, ...] = ()

        body = QWidget()
        body.setObjectName("planFormBody")
        self.setWidget(body)
        outer = QVBoxLayout(body)
        outer.setContentsMargins(8, 0, 16, 16)
        outer.setSpacing(4)
        self._layout = outer

        # Thông tin chung
        outer.addWidget(section_label("Thông tin chung"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        self.organization = QLabel("")
        self.organization.setStyleSheet("font-weight: 600;")
        grid.addWidget(QLabel("Cơ quan ban hành"), 0, 0)
        grid.addWidget(self.organization, 0, 1, 1, 5)
        self.kind = QComboBox()
        for kind in PlanKind:
            self.kind.addItem(
                "Kế hoạch năm (nhiều hội nghị)" if kind is PlanKind.YEARLY else "Kế hoạch một hội nghị", kind
            )
        self.kind.setToolTip("Kế hoạch cả năm hay cho một cuộc đối thoại")
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setToolTip("Năm của kế hoạch: ngày các hội nghị phải thuộc năm này")
        grid.addWidget(QLabel("Loại"), 1, 0)
        grid.addWidget(self.kind, 1, 1, 1, 3)
        grid.addWidget(QLabel("Năm"), 1, 4, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.year, 1, 5)
        self.number = QLineEdit()
        self.number.setValidator(QIntValidator(1, 99999, self.number))
        self.number.setPlaceholderText("để trống")
        self.number.setToolTip("Số văn bản do văn thư cấp sau khi ký; có thể để trống")
        self.number.setMaximumWidth(90)
        self.symbol = NfcLineEdit()
        self.symbol.setToolTip("Ký hiệu, ví dụ KH-UBND")
        self.symbol.setMaximumWidth(150)
        self.issued_on = OptionalDateEdit()
        grid.addWidget(QLabel("Số"), 2, 0)
        number_row = QHBoxLayout()
        number_row.addWidget(self.number)
        number_row.addWidget(QLabel("/"))
        number_row.addWidget(self.symbol)
        number_row.addStretch(1)
        grid.addLayout(number_row, 2, 1, 1, 3)
        grid.addWidget(QLabel("Ngày ban hành"), 2, 4, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.issued_on, 2, 5)
        grid.setColumnStretch(3, 1)
        outer.addLayout(grid)
        for key in ("year", "number", "symbol", "issued_on", "organization_id"):
            outer.addWidget(self._error(key))
        outer.addWidget(QLabel("Trích yếu (tên kế hoạch)"))
        self.title = GrowingTextEdit()
        self.title.setPlaceholderText("Ví dụ: Tổ chức Hội nghị đối thoại với Nhân dân năm 2026")
        self.title.setToolTip("Trích yếu in dưới chữ KẾ HOẠCH; bắt buộc khi xuất Word")
        outer.addWidget(self.title)
        outer.addWidget(self._error("title"))

        # Căn cứ, mở đầu
        outer.addWidget(section_label("Căn cứ và câu mở đầu"))
        self.bases = ListEditor(
            marker="none", noun="căn cứ", placeholder="Căn cứ Luật …; Ctrl+Enter thêm căn cứ"
        )
        outer.addWidget(self.bases)
        outer.addWidget(hint_label("Câu mở đầu (kết thúc bằng «… như sau:»)"))
        self.opening = GrowingTextEdit(min_lines=2)
        self.opening.setPlaceholderText("Để trống: dùng câu thường dùng «… xây dựng Kế hoạch … như sau:»")
        outer.addWidget(self.opening)

        # Mục đích, yêu cầu
        outer.addWidget(section_label("Mục đích"))
        self.purposes = ListEditor(noun="mục đích")
        outer.addWidget(self.purposes)
        outer.addWidget(section_label("Yêu cầu"))
        self.requirements = ListEditor(noun="yêu cầu")
        outer.addWidget(self.requirements)

        outer.addWidget(section_label("Đối tượng, thành phần"))
        self.audience = GrowingTextEdit()
        self.audience.setPlaceholderText("Ví dụ: cán bộ, hội viên Hội Phụ nữ xã; đại diện Nhân dân các thôn")
        outer.addWidget(self.audience)

        outer.addWidget(section_label("Nội dung đối thoại"))
        self.contents = ListEditor(noun="nội dung")
        outer.addWidget(self.contents)

        forms_head = QHBoxLayout()
        forms_head.addWidget(section_label("Hình thức"))
        forms_head.addStretch(1)
        self.form_choices = QToolButton()
        self.form_choices.setText("Thêm hình thức thường dùng ▾")
        self.form_choices.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.form_choices.setToolTip("Hội nghị trực tiếp, trực tuyến, trả lời phỏng vấn …")
        self.form_choices.setMenu(QMenu(self.form_choices))
        forms_head.addWidget(self.form_choices, 0, Qt.AlignmentFlag.AlignBottom)
        outer.addLayout(forms_head)
        self.forms = ListEditor(noun="hình thức")
        outer.addWidget(self.forms)

        outer.addWidget(section_label("Thời gian, địa điểm"))
        self.time_place = ListEditor(noun="dòng")
        outer.addWidget(self.time_place)
        outer.addWidget(hint_label("Ngày giờ, địa điểm của từng hội nghị: thẻ «Lịch hội nghị» (Alt+2)."))

        outer.addWidget(section_label("Các bước tiến hành"))
        self.steps = ListEditor(marker="number", noun="bước")
        outer.addWidget(self.steps)

        outer.addWidget(section_label("Tổ chức thực hiện"))
        outer.addWidget(hint_label("Câu dẫn (nếu có)"))
        self.tasks_intro = GrowingTextEdit()
        self.tasks_intro.setPlaceholderText("Ví dụ: Ủy ban nhân dân xã phân công thực hiện như sau:")
        outer.addWidget(self.tasks_intro)
        self.tasks = UnitTasksEditor()
        outer.addWidget(self.tasks)

        outer.addWidget(section_label("Nơi nhận"))
        self.recipients = ListEditor(noun="nơi nhận", placeholder="Ví dụ: Thường trực HĐND xã")
        outer.addWidget(self.recipients)
        outer.addWidget(hint_label("Dòng «Lưu: VT.» luôn được đặt cuối cùng khi lưu."))

        outer.addWidget(section_label("Người ký"))
        sign = QFormLayout()
        self.signer_name = editable_combo()
        self.signer_name.lineEdit().setPlaceholderText("Họ tên người ký")
        self.signer_name.setToolTip("Chọn lãnh đạo trong Danh mục (điền luôn chức vụ) hoặc gõ họ tên")
        self.signer_title = NfcLineEdit()
        self.signer_title.setPlaceholderText("Ví dụ: CHỦ TỊCH, PHÓ CHỦ TỊCH")
        self.signing_authority = editable_combo()
        self.signing_authority.setToolTip(
            "Thẩm quyền ký in trên chức vụ: TM., KT. …; để trống nếu ký trực tiếp"
        )
        for caption, value in SIGNING_STYLES:
            self.signing_authority.addItem(caption, value)
        sign.addRow("Họ tên", self.signer_name)
        sign.addRow("Chức vụ", self.signer_title)
        sign.addRow("Thẩm quyền ký", self.signing_authority)
        outer.addLayout(sign)
        self.signature_preview = QLabel("")
        self.signature_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.signature_preview.setStyleSheet("border: 1px dashed #cbd5e1; padding: 6px; font-weight: 600;")
        self.signature_preview.setMaximumWidth(320)
        outer.addWidget(self.signature_preview, 0, Qt.AlignmentFlag.AlignRight)
        outer.addStretch(1)

        for widget in (self.kind,):
            widget.currentIndexChanged.connect(self._changed)
        self.year.valueChanged.connect(self._changed)
        self.number.textEdited.connect(self._changed)
        self.symbol.textEdited.connect(self._changed)
        self.issued_on.dateChanged.connect(self._changed)
        for edit in (self.title, self.opening, self.audience, self.tasks_intro):
            edit.edited.connect(self._changed)
        for lst in self._lists():
            lst.edited.connect(self._changed)
        self.tasks.edited.connect(self._changed)
        self.signer_name.editTextChanged.connect(self._changed)
        self.signer_name.activated.connect(self._leader_picked)
        self.signer_title.textEdited.connect(self._changed)
        self.signing_authority.editTextChanged.connect(self._changed)
        self.signing_authority.activated.connect(self._style_picked)
        QApplication.instance().focusChanged.connect(self._keep_focus_visible)  # type: ignore[union-attr]
        self._fill_form_choices(plans.form_choices())

    def _lists(self) -> list[ListEditor]:
        return [
            self.bases,
            self.purposes,
            self.requirements,
            self.contents,
            self.forms,
            self.time_place,
            self.steps,
            self.recipients,
        ]

    def _error(self, key: str) -> FieldError:
        self.errors[key] = FieldError()
        return self.errors[key]

    def _fill_form_choices(self, choices: list[str]) -> None:
        menu = self.form_choices.menu()
        menu.clear()
        for choice in choices:
            action = QAction(choice, menu)
            action.triggered.connect(lambda _c=False, value=choice: self.add_form(value))
            menu.addAction(action)

    def add_form(self, value: str) -> None:
        if value not in self.forms.items():
            self.forms.add_item(text=value, focus=False)

    # --- loading and reading ----------------------------------------------------------------
    def load(self, detail: PlanDetail) -> None:
        self._loading = True
        try:
            self.plan_id = detail.id
            self._organization_id = detail.organization_id
            self.organization.setText(detail.organization_name)
            self.kind.setCurrentIndex(list(PlanKind).index(detail.kind))
            self.year.setValue(detail.year)
            self.number.setText(str(detail.number) if detail.number else "")
            self.symbol.setText(detail.symbol)
            self.issued_on.set_value(detail.issued_on)
            self.title.set_text(detail.title)
            self.bases.set_items(detail.bases)
            self.opening.set_text(detail.opening)
            self.purposes.set_items(detail.purposes)
            self.requirements.set_items(detail.requirements)
            self.audience.set_text(detail.audience)
            self.contents.set_items(detail.contents)
            self.forms.set_items(detail.forms)
            self.time_place.set_items(detail.time_place)
            self.steps.set_items(detail.steps)
            self.tasks_intro.set_text(detail.tasks_intro)
            self.tasks.set_value([{"unit": t.unit, "tasks": list(t.tasks)} for t in detail.tasks])
            self.recipients.set_items(detail.recipients)
            set_combo_text(self.signer_name, detail.signer_name)
            self.signer_title.setText(detail.signer_title)
            set_combo_text(self.signing_authority, detail.signing_authority)
            self.show_problems({})
            self._update_signature()
        finally:
            self._loading = False
        self.verticalScrollBar().setValue(0)

    def set_choices(self, choices: Choices) -> None:
        self._leaders = choices.leaders
        self.tasks.set_units(choices.units)
        current = combo_text(self.signer_name)
        with QSignalBlocker(self.signer_name):
            self.signer_name.clear()
            for leader in choices.leaders:
                self.signer_name.addItem(leader.full_name, leader.id)
                self.signer_name.setItemData(
                    self.signer_name.count() - 1, leader.label, Qt.ItemDataRole.ToolTipRole
                )
            self.signer_name.setEditText(current)

    def snapshot(self) -> tuple[int, PlanInput]:
        assert self.plan_id is not None
        number = self.number.text().strip()
        return self.plan_id, PlanInput(
            organization_id=self._organization_id,
            year=self.year.value(),
            title=self.title.text(),
            kind=PlanKind(self.kind.currentData()),
            number=int(number) if number.isdigit() else None,
            symbol=self.symbol.text_nfc(),
            issued_on=self.issued_on.value(),
            opening=self.opening.text(),
            bases=self.bases.items(),
            purposes=self.purposes.items(),
            requirements=self.requirements.items(),
            audience=self.audience.text(),
            contents=self.contents.items(),
            forms=self.forms.items(),
            time_place=self.time_place.items(),
            steps=self.steps.items(),
            tasks_intro=self.tasks_intro.text(),
            tasks=self.tasks.value(),
            recipients=self.recipients.items(),
            signing_authority=self._authority(),
            signer_title=self.signer_title.text_nfc(),
            signer_name=combo_text(self.signer_name),
        )

    def _authority(self) -> str:
        typed = combo_text(self.signing_authority)
        for caption, value in SIGNING_STYLES:
            if typed == caption:
                return value
        return typed

    def show_problems(self, problems: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.show_message(problems.get(key))
        if problems:
            first = next((self.errors[k] for k in self.errors if k in problems), None)
            if first is not None:
                self.ensureWidgetVisible(first)

    # --- reactions ------------------------------------------------------------------------
    @Slot()
    def _changed(self, *_args: object) -> None:
        if self._loading or self.plan_id is None:
            return
        self._update_signature()
        self.edited.emit()

    @Slot(int)
    def _leader_picked(self, index: int) -> None:
        leader_id = self.signer_name.itemData(index)
        leader = next((le for le in self._leaders if le.id == leader_id), None)
        if leader is not None:
            self.signer_title.setText(signer_title_of(leader.title))
            self._changed()

    @Slot(int)
    def _style_picked(self, index: int) -> None:
        set_combo_text(self.signing_authority, self.signing_authority.itemData(index) or "")
        self._changed()

    def _update_signature(self) -> None:
        lines = [self._authority(), self.signer_title.text_nfc().upper(), "", combo_text(self.signer_name)]
        self.signature_preview.setText("\n".join(line for line in lines[:2] if line) + "\n\n" + lines[3])

    @Slot(QWidget, QWidget)
    def _keep_focus_visible(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and self.widget().isAncestorOf(new):
            self.ensureWidgetVisible(new, 20, 40)


# --- the dialogues of the plan ------------------------------------------------------------------


def _due_tone(row: DialogueDetail) -> str | None:
    if row.notice_overdue:
        return "danger"
    if row.state == DialogueState.PLANNED and row.days_left is not None and 0 <= row.days_left <= 7:
        return "warning"
    return "muted" if row.state == DialogueState.CLOSED else None


def notice_text(row: DialogueDetail) -> str:
    if row.notice_overdue:
        return f"Quá hạn gửi thông báo/giấy mời (hạn {text.short_date(row.notice_due)})"
    if row.state == DialogueState.PLANNED and row.notice_due:
        return f"Hạn gửi thông báo/giấy mời: {text.short_date(row.notice_due)}"
    if row.state == DialogueState.PLANNED and row.quarter:
        return "Chưa có ngày cụ thể"
    return ""


DIALOGUE_COLUMNS: list[Column[DialogueDetail]] = [
    Column("Thời gian", lambda r: r.when_text, sort=lambda r: r.scheduled_at or datetime.max),
    Column("Hội nghị", lambda r: r.title),
    Column("Tình trạng", lambda r: r.due_text, tone=_due_tone),
    Column("Lưu ý", notice_text, tone=_due_tone),
    Column("Hạn thu ý kiến", lambda r: r.collect_text, sort=lambda r: r.collect_deadline or date.max),
    Column("Chủ trì", lambda r: r.chair),
    Column("Đối tượng", lambda r: r.audience),
]


class RowsById(RowTableModel[Any]):
    """Rows with an ``id``: one of them can be replaced after a save without a reload."""

    def replace_row(self, row: Any) -> None:
        for index, current in enumerate(self._rows):
            if current.id == row.id:
                self._rows[index] = row
                self.dataChanged.emit(self.index(index, 0), self.index(index, self.columnCount() - 1))
                return

    def row_of_id(self, ident: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == ident), None)


class DialogueScheduler(QWidget):
    """The dialogues the plan foresees: a table and, under it, the selected one's details."""

    dialogues_changed = Signal(int)  # how many the plan now has

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.plan_id: int | None = None
        self.plan_year = date.today().year
        self.dialogue_id: int | None = None
        self._loading = False
        self._leaders: tuple[LeaderEntry, ...] = ()
        self._pending_select: int | None = None
        self._focus_after_load = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        bar = QHBoxLayout()
        self.add_button = QPushButton("+ Lên lịch hội nghị")
        self.add_button.setToolTip("Thêm một hội nghị vào kế hoạch (Ctrl+Shift+H)")
        self.add_button.setShortcut(QKeySequence("Ctrl+Shift+H"))
        self.add_button.clicked.connect(self.add_dialogue)
        self.delete_button = QPushButton("Xóa hội nghị")
        self.delete_button.setToolTip(
            "Xóa hội nghị đang chọn (phím Delete trong bảng); hội nghị đã tổ chức được giữ lại"
        )
        self.delete_button.clicked.connect(self.delete_dialogue)
        bar.addWidget(self.add_button)
        bar.addWidget(self.delete_button)
        bar.addStretch(1)
        self.indicator_box = QHBoxLayout()
        bar.addLayout(self.indicator_box)
        layout.addLayout(bar)
        self.message = FieldError()
        layout.addWidget(self.message)
        self.state_note = hint_label("")
        self.state_note.hide()

        splitter = QSplitter(Qt.Orientation.Vertical)
        db = context.db

        def load(offset: int, _limit: int) -> list[DialogueDetail]:
            plan_id = self.plan_id
            if offset or plan_id is None:
                return []
            with db.reading() as session:
                return plan_dialogues(session, plan_id)

        self.model = RowsById(DIALOGUE_COLUMNS, load, context.tasks, parent=self)
        self.view, self.proxy = make_table_view(self.model, self)
        self.view.setTabKeyNavigation(False)  # Tab leaves the table for the next field
        self.view.setSortingEnabled(False)
        self.view.setMinimumHeight(110)
        splitter.addWidget(self.view)
        QShortcut(
            QKeySequence(Qt.Key.Key_Delete),
            self.view,
            self.delete_dialogue,
            Qt.ShortcutContext.WidgetShortcut,
        )
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)
        self.model.loaded.connect(self._loaded)

        self.form_box = QWidget()
        form = QGridLayout(self.form_box)
        form.setContentsMargins(0, 6, 0, 0)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(4)
        self.title = NfcLineEdit()
        self.title.setPlaceholderText("Ví dụ: Hội nghị đối thoại với cán bộ, hội viên Hội Phụ nữ xã")
        self.by_quarter = QRadioButton("Theo quý")
        self.by_date = QRadioButton("Ngày giờ cụ thể")
        self._when_group = QButtonGroup(self)
        self._when_group.addButton(self.by_quarter)
        self._when_group.addButton(self.by_date)
        self.quarter = QComboBox()
        for q in range(1, 5):
            self.quarter.addItem(f"Quý {text.roman(q)}", q)
        self.scheduled_at = DateTimeEdit()
        self.scheduled_at.setDisplayFormat("HH:mm  dd/MM/yyyy")
        self.scheduled_at.setCalendarPopup(True)
        self.scheduled_at.setToolTip("Giờ và ngày tổ chức; phải thuộc năm của kế hoạch")
        self.place = NfcLineEdit()
        self.place.setPlaceholderText("Ví dụ: Hội trường Ủy ban nhân dân xã")
        self.audience = NfcLineEdit()
        self.audience.setPlaceholderText("Ví dụ: cán bộ, hội viên Hội Phụ nữ xã")
        self.chair = QComboBox()
        self.chair.setToolTip("Lãnh đạo chủ trì (Danh mục › Lãnh đạo)")
        self.co_chairs = QListWidget()
        self.co_chairs.setFlow(QListWidget.Flow.LeftToRight)
        self.co_chairs.setWrapping(True)
        self.co_chairs.setMaximumHeight(58)
        self.co_chairs.setToolTip("Đánh dấu người đồng chủ trì (phím cách để chọn)")
        self.collect_deadline = OptionalDateEdit()
        self.collect_deadline.setToolTip(
            "Hạn các thôn, đoàn thể gửi ý kiến trước hội nghị; Ctrl+Delete để trống"
        )
        self.notice = QLabel("")
        self.notice.setWordWrap(True)
        self.errors = {key: FieldError() for key in ("title", "scheduled_at", "quarter", "collect_deadline")}

        when = QHBoxLayout()
        when.addWidget(self.by_quarter)
        when.addWidget(self.quarter)
        when.addSpacing(16)
        when.addWidget(self.by_date)
        when.addWidget(self.scheduled_at)
        when.addStretch(1)
        rows: list[tuple[str, QWidget | QHBoxLayout, str | None]] = [
            ("Tên hội nghị", self.title, "title"),
            ("Thời gian", when, "scheduled_at"),
            ("Địa điểm", self.place, None),
            ("Đối tượng", self.audience, None),
            ("Chủ trì", self.chair, None),
            ("Đồng chủ trì", self.co_chairs, None),
            ("Hạn thu ý kiến", self.collect_deadline, "collect_deadline"),
        ]
        line = 0
        for caption, widget, error in rows:
            form.addWidget(QLabel(caption), line, 0, Qt.AlignmentFlag.AlignTop)
            if isinstance(widget, QHBoxLayout):
                form.addLayout(widget, line, 1)
            elif widget is self.collect_deadline:
                deadline_row = QHBoxLayout()
                deadline_row.addWidget(self.collect_deadline)
                deadline_row.addWidget(self.notice, 1)
                form.addLayout(deadline_row, line, 1)
            else:
                form.addWidget(widget, line, 1)
            line += 1
            if error:
                form.addWidget(self.errors[error], line, 1)
                line += 1
        form.addWidget(self.errors["quarter"], line, 1)
        form.setColumnStretch(1, 1)
        form.setRowStretch(line + 1, 1)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.state_note)
        lower_layout.addWidget(self.form_box, 1)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        self.empty_note = QLabel("Kế hoạch chưa có hội nghị nào. Bấm «+ Lên lịch hội nghị» (Ctrl+Shift+H).")
        self.empty_note.setStyleSheet("color: #6b7280;")
        layout.addWidget(self.empty_note)

        self.saver = FormSaver(context.tasks, self.snapshot, self._save, parent=self)
        self.saver.saved.connect(self._saved)
        self.saver.rejected.connect(self._rejected)
        self.indicator = SaveIndicator(self.saver)
        self.indicator_box.addWidget(self.indicator)

        self.title.textEdited.connect(self._changed)
        self.place.textEdited.connect(self._changed)
        self.audience.textEdited.connect(self._changed)
        self.by_quarter.toggled.connect(self._when_toggled)
        self.quarter.currentIndexChanged.connect(self._changed)
        self.scheduled_at.dateTimeChanged.connect(self._changed)
        self.chair.currentIndexChanged.connect(self._changed)
        self.co_chairs.itemChanged.connect(self._changed)
        self.collect_deadline.dateChanged.connect(self._changed)
        self._show_form(False)

    # --- loading ------------------------------------------------------------------------------
    def set_plan(self, plan_id: int | None, year: int) -> None:
        self.saver.flush()
        self.plan_id, self.plan_year = plan_id, year
        self.dialogue_id = None
        self._show_form(False)
        self.model.reload()

    def set_year(self, year: int) -> None:
        self.plan_year = year

    def set_choices(self, choices: Choices) -> None:
        self._leaders = choices.leaders
        with QSignalBlocker(self.chair), QSignalBlocker(self.co_chairs):
            current = self.chair.currentData()
            checked = self._checked_co_chairs()
            self.chair.clear()
            self.chair.addItem("(chưa chọn)", None)
            self.co_chairs.clear()
            for leader in choices.leaders:
                self.chair.addItem(leader.label, leader.id)
                item = QListWidgetItem(leader.full_name)
                item.setToolTip(leader.label)
                item.setData(Qt.ItemDataRole.UserRole, leader.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if leader.id in checked else Qt.CheckState.Unchecked)
                self.co_chairs.addItem(item)
            index = self.chair.findData(current)
            self.chair.setCurrentIndex(max(0, index))

    def _loaded(self, count: int) -> None:
        self.empty_note.setVisible(count == 0)
        self.view.resizeColumnsToContents()
        for column, cap in ((1, 230), (3, 320), (5, 140)):
            self.view.setColumnWidth(column, min(self.view.columnWidth(column), cap))
        self.dialogues_changed.emit(count)
        wanted = self._pending_select if self._pending_select is not None else self.dialogue_id
        self._pending_select = None
        row = self.model.row_of_id(wanted) if wanted is not None else None
        if row is None and count:
            row = 0
        if row is not None:
            self.view.setCurrentIndex(self.proxy.mapFromSource(self.model.index(row, 0)))
            self._load_row(self.model.row_at(row))
            if self._focus_after_load:
                # A dialogue just added: type its name straight away.
                self.title.setFocus(Qt.FocusReason.OtherFocusReason)
                self.title.selectAll()
        else:
            self._show_form(False)
        self._focus_after_load = False

    @Slot()
    def _row_changed(self, current: Any, _previous: Any) -> None:
        if not current.isValid():
            return
        row = self.model.row_at(self.proxy.mapToSource(current).row())
        if row.id != self.dialogue_id:
            self.saver.flush()
            self._load_row(row)

    def _load_row(self, row: DialogueDetail) -> None:
        self._loading = True
        try:
            self.dialogue_id = row.id
            self.title.setText(row.title)
            dated = row.scheduled_at is not None
            self.by_date.setChecked(dated)
            self.by_quarter.setChecked(not dated)
            self.quarter.setCurrentIndex((row.quarter or 1) - 1)
            moment = row.scheduled_at or self._default_moment(row.quarter or 1)
            self.scheduled_at.setDateTime(
                QDateTime(QDate(moment.year, moment.month, moment.day), QTime(moment.hour, moment.minute))
            )
            self.quarter.setEnabled(not dated)
            self.scheduled_at.setEnabled(dated)
            self.place.setText(row.place)
            self.audience.setText(row.audience)
            self.chair.setCurrentIndex(max(0, self.chair.findData(row.chair_id)))
            for i in range(self.co_chairs.count()):
                item = self.co_chairs.item(i)
                ident = item.data(Qt.ItemDataRole.UserRole)
                item.setCheckState(
                    Qt.CheckState.Checked if ident in row.co_chair_ids else Qt.CheckState.Unchecked
                )
            self.collect_deadline.set_value(row.collect_deadline)
            self._update_notice(row)
            for label in self.errors.values():
                label.show_message(None)
            editable = row.state == DialogueState.PLANNED
            self.form_box.setEnabled(editable)
            self.state_note.setVisible(not editable)
            self.state_note.setText(
                f"Hội nghị {row.state.label}: thời gian, địa điểm và người chủ trì được giữ như đã ghi."
            )
        finally:
            self._loading = False
        self._show_form(True)

    def _default_moment(self, quarter: int) -> datetime:
        return datetime(self.plan_year, quarter * 3 - 1, 15, 8, 0)

    def _show_form(self, visible: bool) -> None:
        self.form_box.setVisible(visible)
        if not visible:
            self.state_note.hide()
        self.delete_button.setEnabled(visible)

    def _checked_co_chairs(self) -> set[int]:
        return {
            self.co_chairs.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.co_chairs.count())
            if self.co_chairs.item(i).checkState() == Qt.CheckState.Checked
        }

    def _update_notice(self, row: DialogueDetail) -> None:
        self.notice.setText(notice_text(row))
        tone = _due_tone(row)
        self.notice.setStyleSheet(
            "color: #b00020; font-weight: 600;" if tone == "danger" else "color: #6b7280;"
        )

    # --- editing ------------------------------------------------------------------------------
    @Slot(bool)
    def _when_toggled(self, by_quarter: bool) -> None:
        self.quarter.setEnabled(by_quarter)
        self.scheduled_at.setEnabled(not by_quarter)
        if not by_quarter and not self._loading:
            self.scheduled_at.setFocus(Qt.FocusReason.OtherFocusReason)
        self._changed()

    @Slot()
    def _changed(self, *_args: object) -> None:
        if self._loading or self.dialogue_id is None:
            return
        self.saver.touch()

    def snapshot(self) -> tuple[int, int, DialogueInput]:
        assert self.plan_id is not None and self.dialogue_id is not None
        qdt = self.scheduled_at.dateTime()
        moment = datetime(
            qdt.date().year(), qdt.date().month(), qdt.date().day(), qdt.time().hour(), qdt.time().minute()
        )
        dated = self.by_date.isChecked()
        return (
            self.plan_id,
            self.dialogue_id,
            DialogueInput(
                organization_id=0,
                title=self.title.text_nfc(),
                scheduled_at=moment if dated else None,
                quarter=None if dated else self.quarter.currentData(),
                place=self.place.text_nfc(),
                audience=self.audience.text_nfc(),
                chair_id=self.chair.currentData(),
                co_chair_ids=tuple(sorted(self._checked_co_chairs())),
                collect_deadline=self.collect_deadline.value(),
            ),
        )

    def _save(self, data: tuple[int, int, DialogueInput]) -> DialogueDetail:
        plan_id, dialogue_id, values = data
        with self._context.db.transaction() as session:
            current = dialogue_detail(session, dialogue_id)
            # Fields the scheduler does not show (thành phần, thư ký, nội dung) stay as they are.
            values = replace(
                values,
                participants=current.participants,
                content=current.content,
                secretary_name=current.secretary_name,
            )
            plans.update_plan_dialogue(session, plan_id, dialogue_id, values)
        with self._context.db.reading() as session:
            return dialogue_detail(session, dialogue_id)

    def _saved(self, _when: object) -> None:
        row = self.saver.last_result
        for label in self.errors.values():
            label.show_message(None)
        if isinstance(row, DialogueDetail):
            self.model.replace_row(row)
            if row.id == self.dialogue_id:
                self._update_notice(row)

    def _rejected(self, problems: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.show_message(problems.get(key))

    @Slot()
    def add_dialogue(self) -> None:
        if self.plan_id is None:
            return
        self.saver.flush()
        plan_id, db = self.plan_id, self._context.db

        def work() -> int:
            with db.transaction() as session:
                return plans.schedule_dialogue(session, plan_id)

        def done(ident: int) -> None:
            self._pending_select = ident
            self._focus_after_load = True
            self.model.reload()

        self.message.show_message(None)
        self._context.tasks.run(work, on_success=done, on_failure=self._failed)

    @Slot()
    def delete_dialogue(self) -> None:
        if self.dialogue_id is None or self.plan_id is None:
            return
        self.saver.flush()
        row_index = self.model.row_of_id(self.dialogue_id)
        title = self.model.row_at(row_index).title if row_index is not None else ""
        answer = QMessageBox.question(
            self,
            "Xóa hội nghị",
            f"Xóa hội nghị «{title}» khỏi kế hoạch?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        ident, db = self.dialogue_id, self._context.db

        def work() -> None:
            with db.transaction() as session:
                remove_dialogue(session, ident)

        def done(_result: object) -> None:
            self.dialogue_id = None
            self.model.reload()

        self.message.show_message(None)
        self._context.tasks.run(work, on_success=done, on_failure=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.message.show_message(user_message(exc))

    def hideEvent(self, event: Any) -> None:
        self.saver.flush()
        super().hideEvent(event)


# --- the preview ------------------------------------------------------------------------------------


def _inline(value: b.Inline) -> str:
    if isinstance(value, str):
        return html.escape(value)
    out = []
    for span in value:
        piece = html.escape(span.text)
        if span.bold:
            piece = f"<b>{piece}</b>"
        if span.italic:
            piece = f"<i>{piece}</i>"
        out.append(piece)
    return "".join(out)


def preview_html(document: b.DocumentBlocks) -> str:
    """The structure of the document as the Word file will have it (header, I., 1., a), –)."""
    parts: list[str] = []
    for block in document.blocks:
        if isinstance(block, b.Header):
            issuer = "<br>".join(html.escape(line) for line in block.issuer.split("\n"))
            number = html.escape(text.number_line(block.number, block.symbol)).replace(" ", "&nbsp;")
            when = html.escape(text.place_date_line(block.place, block.issued_on, year=block.year))
            parts.append(
                "<table width='100%'><tr>"
                f"<td align='center' width='45%'><b>{issuer}</b><br>{number}</td>"
                "<td align='center'><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br>"
                f"<b>Độc lập - Tự do - Hạnh phúc</b><br><i>{when}</i></td></tr></table>"
            )
        elif isinstance(block, b.Title):
            summary = "<br>".join(html.escape(line) for line in block.summary.split("\n"))
            parts.append(f"<p align='center'><b>{html.escape(block.kind_name)}</b><br><b>{summary}</b></p>")
        elif isinstance(block, b.Bases):
            lines = [html.escape(text.clean(line).rstrip(";.")) for line in block.lines]
            body = ";<br>".join(lines) + "."
            parts.append(f"<p><i>{body}</i></p>")
        elif isinstance(block, b.Section):
            parts.append(f"<p><b>{text.roman(block.number)}. {html.escape(block.text.upper())}</b></p>")
        elif isinstance(block, b.Item):
            content = _inline(block.text)
            parts.append(f"<p>{block.number}. {'<b>' + content + '</b>' if block.heading else content}</p>")
        elif isinstance(block, b.SubItem):
            parts.append(f"<p>{html.escape(text.sub_item_label(block.index))} {_inline(block.text)}</p>")
        elif isinstance(block, b.Bullet):
            dash = "-" if block.level == 1 else "+"
            indent = 18 if block.level == 1 else 36
            parts.append(f"<p style='margin-left:{indent}px'>{dash} {_inline(block.text)}</p>")
        elif isinstance(block, b.Paragraph):
            parts.append(f"<p style='text-indent:24px'>{_inline(block.text)}</p>")
        elif isinstance(block, b.Closing):
            if parts:
                parts[-1] = parts[-1].removesuffix("</p>") + "./.</p>"
        elif isinstance(block, b.SignatureBlock):
            signer = block.signer
            right = "<br>".join(
                f"<b>{html.escape(line)}</b>" for line in (signer.authority, signer.title.upper()) if line
            )
            right += f"<br><br><br><b>{html.escape(signer.name)}</b>"
            left = ""
            if block.recipients is not None:
                lines = [text.clean(line).lstrip("-– ").rstrip(";.") for line in block.recipients.lines]
                left = "<b><i>Nơi nhận:</i></b>" + "".join(
                    f"<br>- {html.escape(line)}{'.' if i == len(lines) - 1 else ';'}"
                    for i, line in enumerate(lines)
                )
            parts.append(
                f"<table width='100%'><tr><td width='50%' valign='top'><small>{left}</small></td>"
                f"<td align='center' valign='top'>{right}</td></tr></table>"
            )
    return "<html><body style='font-family: \"Times New Roman\", serif;'>" + "".join(parts) + "</body></html>"


class PlanPreview(QWidget):
    """What the Word file will hold, refreshed from what is saved."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(
            hint_label(
                "Bản xem trước cấu trúc văn bản (mục I., II., các khoản 1., 2.), đúng thứ tự như tệp Word sẽ xuất. "
                "Thể thức trình bày (phông, lề, cỡ chữ) theo Nghị định 30/2020 được áp dụng khi xuất."
            )
        )
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        layout.addWidget(self.browser, 1)

    def show_document(self, document: b.DocumentBlocks) -> None:
        self.browser.setHtml(preview_html(document))

    def show_message(self, message: str) -> None:
        self.browser.setHtml(f"<p style='color:#b00020'>{html.escape(message)}</p>")


# --- the editor: form, schedule, preview ----------------------------------------------------------


class PlanEditor(QWidget):
    """The open plan: «Nội dung kế hoạch», «Lịch hội nghị», «Xem trước»."""

    plan_saved = Signal(object)  # PlanRow after each autosave
    dialogues_changed = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.plan_id: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        self.heading = QLabel("")
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        head.addWidget(self.heading, 1)
        self.actions_box = QHBoxLayout()
        head.addLayout(self.actions_box)
        layout.addLayout(head)
        self.status_box = QHBoxLayout()
        layout.addLayout(self.status_box)

        self.tabs = QTabWidget()
        self.form = PlanForm()
        self.scheduler = DialogueScheduler(context)
        self.preview = PlanPreview()
        self.tabs.addTab(self.form, "Nội dung kế hoạch")
        self.tabs.addTab(self.scheduler, "Lịch hội nghị")
        self.tabs.addTab(self.preview, "Xem trước")
        for index, tip in enumerate(
            (
                "Các phần của kế hoạch (Alt+1)",
                "Các hội nghị kế hoạch dự kiến (Alt+2)",
                "Cấu trúc văn bản trước khi xuất (Alt+3)",
            )
        ):
            self.tabs.setTabToolTip(index, tip)
            QShortcut(
                QKeySequence(f"Alt+{index + 1}"),
                self,
                lambda i=index: self.show_tab(i),
                Qt.ShortcutContext.WindowShortcut,
            )
        layout.addWidget(self.tabs, 1)

        self.saver = FormSaver(context.tasks, self.form.snapshot, self._save, parent=self)
        self.indicator = SaveIndicator(self.saver)
        self.status_box.addWidget(self.indicator)
        self.status_box.addStretch(1)
        self.problems: dict[str, str] = {}
        self.form.edited.connect(self.saver.touch)
        self.form.year.valueChanged.connect(self.scheduler.set_year)
        self.saver.saved.connect(self._saved)
        self.saver.rejected.connect(self._rejected)
        self.scheduler.dialogues_changed.connect(self._dialogues_changed)
        self.tabs.currentChanged.connect(self._tab_changed)
        QApplication.instance().focusChanged.connect(self._focus_changed)  # type: ignore[union-attr]

    # --- opening a plan --------------------------------------------------------------------------
    def open_plan(self, plan_id: int | None) -> None:
        """Show ``plan_id`` (saving what was typed in the previous one first)."""
        self.saver.flush()
        self.scheduler.saver.flush()
        self.plan_id = plan_id
        if plan_id is None:
            self.form.plan_id = None
            self.heading.setText("")
            self.setEnabled(False)
            self.scheduler.set_plan(None, date.today().year)
            return
        self.setEnabled(True)
        db = self._context.db

        def load() -> PlanDetail:
            with db.reading() as session:
                return plans.get_plan(session, plan_id)

        self._context.tasks.run(load, on_success=self._show, on_failure=self._load_failed)

    def _show(self, detail: PlanDetail) -> None:
        if detail.id != self.plan_id:
            return
        self.form.load(detail)
        self.problems = {}
        self._set_heading(detail.year, detail.kind, detail.number_text, detail.title)
        self.scheduler.set_plan(detail.id, detail.year)
        if self.tabs.currentWidget() is self.preview:
            self.refresh_preview()

    def _load_failed(self, exc: BaseException) -> None:
        self.heading.setText(user_message(exc))

    def _set_heading(self, year: int, kind: PlanKind, number_text: str, title: str) -> None:
        name = "Kế hoạch năm" if kind is PlanKind.YEARLY else "Kế hoạch hội nghị"
        short = title if len(title) <= 90 else title[:87] + "…"
        self.heading.setText(
            f"{name} {year} · {number_text} · {short}" if short else f"{name} {year} · {number_text}"
        )

    def set_choices(self, choices: Choices) -> None:
        self.form.set_choices(choices)
        self.scheduler.set_choices(choices)

    def show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        widget = self.tabs.currentWidget()
        if widget is self.form:
            self.form.title.setFocus(Qt.FocusReason.ShortcutFocusReason)
        elif widget is self.scheduler:
            self.scheduler.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # --- saving ---------------------------------------------------------------------------------
    def _save(self, data: tuple[int, PlanInput]) -> PlanRow:
        plan_id, values = data
        with self._context.db.transaction() as session:
            return plans.update_plan(session, plan_id, values)

    def _saved(self, _when: object) -> None:
        row = self.saver.last_result
        self.problems = {}
        self.form.show_problems({})
        if isinstance(row, PlanRow):
            self._set_heading(row.year, row.kind, row.number_text, row.title)
            self.plan_saved.emit(row)

    def _rejected(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        self.form.show_problems(problems)
        self.tabs.setCurrentWidget(self.form)

    def flush(self) -> None:
        self.saver.flush()
        self.scheduler.saver.flush()

    def discard_pending(self) -> None:
        self.saver.discard()
        self.problems = {}
        self.form.show_problems({})

    def show_problems(self, problems: dict[str, str]) -> None:
        """Messages under the fields (export checks); the first field gets the focus."""
        self.tabs.setCurrentWidget(self.form)
        self.form.show_problems(problems)
        fields = {
            "title": self.form.title,
            "number": self.form.number,
            "symbol": self.form.symbol,
            "issued_on": self.form.issued_on,
            "year": self.form.year,
        }
        first = next((fields[key] for key in fields if key in problems), None)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def pending(self) -> bool:
        return self.saver.pending or self.scheduler.saver.pending

    @Slot(QWidget, QWidget)
    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        # Leaving a field commits at once (the autosave rule), not only after the pause.
        if (
            old is not None
            and self.form.isAncestorOf(old)
            and (new is None or not self.form.isAncestorOf(new))
        ):
            self.saver.flush()

    def _dialogues_changed(self, count: int) -> None:
        self.tabs.setTabText(1, f"Lịch hội nghị ({count})")
        self.dialogues_changed.emit(count)

    @Slot(int)
    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.preview:
            self.refresh_preview()

    def refresh_preview(self) -> None:
        if self.plan_id is None:
            return
        self.flush()
        plan_id, db = self.plan_id, self._context.db

        def build() -> b.DocumentBlocks:
            from app.services.documents import build_document

            with db.reading() as session:
                return build_document(session, "kh", plan_id)

        self._context.tasks.run(
            build,
            on_success=self.preview.show_document,
            on_failure=lambda exc: self.preview.show_message(user_message(exc)),
        )

    def hideEvent(self, event: Any) -> None:
        self.flush()
        super().hideEvent(event)
