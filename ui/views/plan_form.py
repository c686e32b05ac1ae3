"""The Kế hoạch form: every section of the plan in the document's order, autosaved."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QPoint, QRect, QSignalBlocker, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QColor,
    QFocusEvent,
    QIntValidator,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStyle,
    QStyleOptionComboBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import text
from app.domain.rules import PlanKind
from app.domain.text import nfc
from app.services import plans
from app.services.catalog import LeaderEntry
from app.services.plans import PlanDetail, PlanInput
from ui.views.list_editor import (
    ROW_GAP,
    DrawnFace,
    FocusStops,
    GrowingTextEdit,
    ListEditor,
    paint_rows,
    row_heights,
    show_together,
)
from ui.views.plan_widgets import (
    Choices,
    ComboKeys,
    OptionalDateEdit,
    combo_text,
    editable_combo,
    hint_label,
    section_label,
    set_combo_text,
    signer_title_of,
)
from ui.widgets import FieldError, NfcLineEdit

# --- tổ chức thực hiện: units and their tasks -----------------------------------------------------

UNIT_BAR = QColor("#c7d2fe")
BLOCK_GAP = 6
ADD_COLOR = QColor("#1a3d7c")  # the lists' «+ Thêm …» buttons


class UnitBlock(QFrame):
    """One unit of «Tổ chức thực hiện»: the unit (from Danh mục or typed) and its tasks."""

    def __init__(self, owner: UnitTasksEditor, unit: str, tasks: list[str]) -> None:
        super().__init__()
        self.owner = owner
        self.setObjectName("unitBlock")
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

    def paintEvent(self, event: QPaintEvent) -> None:
        # The blue bar on the left, painted: a style sheet here would restyle every child and
        # make each unit several times slower to build.
        painter = QPainter(self)
        painter.fillRect(0, 0, 3, self.height(), UNIT_BAR)


@dataclass(frozen=True)
class _BlockMeasures:
    """Where a unit block's parts sit, measured once on a real block (per font and style)."""

    width: int
    height: int  # of the template block, whose one task is one line
    task_height: int  # that task's row
    number: QRect
    unit: QRect
    buttons: tuple[QRect, ...]  # from the right edge: x is the distance to it
    tasks_left: int
    tasks_top: int
    add: QRect  # «+ Thêm nhiệm vụ», its y from the block's bottom


_MEASURES: dict[tuple[str, str], _BlockMeasures] = {}


def _block_measures(widget: QWidget) -> _BlockMeasures:
    key = (widget.font().key(), widget.style().name())
    found = _MEASURES.get(key)
    if found is not None:
        return found
    host = QWidget()
    host.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    host.setFont(widget.font())
    layout = QVBoxLayout(host)
    layout.setContentsMargins(0, 0, 0, 0)
    owner = UnitTasksEditor()
    block = UnitBlock(owner, "x", ["x"])
    block.tasks.rows()
    layout.addWidget(block)
    layout.addStretch(1)  # the block at its own height
    host.resize(600, 400)
    host.show()
    layout.activate()
    block.layout().activate()
    block.tasks.layout().activate()
    width = block.width()
    row = block.tasks.rows()[0]
    buttons = tuple(
        QRect(width - b.geometry().x(), b.geometry().y(), b.width(), b.height())
        for b in block.findChildren(QToolButton)
        if b.parent() is block
    )
    add = block.tasks.add_button
    add_at = add.mapTo(block, QPoint(0, 0))
    found = _MEASURES[key] = _BlockMeasures(
        width=width,
        height=block.height(),
        task_height=row.height(),
        number=block.number.geometry(),
        unit=block.unit.geometry(),
        buttons=buttons,
        tasks_left=block.tasks.geometry().x(),
        tasks_top=block.tasks.geometry().y(),
        add=QRect(add_at.x(), block.height() - add_at.y(), add.width(), add.height()),
    )
    host.hide()
    host.deleteLater()
    owner.deleteLater()
    return found


class _UnitsFace(DrawnFace):
    """The units of «Tổ chức thực hiện» drawn as their blocks will look, until the user comes.

    Each block is a dozen widgets (the unit's combo box alone is several): like the lists, the
    units are drawn in one widget, at the heights the blocks will have, and the blocks are made
    when the pointer or the focus arrives (``UnitTasksEditor.blocks``).
    """

    def __init__(self, owner: UnitTasksEditor) -> None:
        super().__init__()
        self._owner = owner

    def _blocks(self, width: int) -> list[tuple[int, list[int]]]:
        """Each block's height and its tasks' row heights, for ``width``."""
        found = self._heights.get(width)
        if found is None:
            m = _block_measures(self)
            found = []
            for _unit, tasks in self._owner._drawn or []:
                rows = row_heights(self, tasks, width - m.tasks_left)
                extra = sum(rows) + ROW_GAP * max(0, len(rows) - 1) - m.task_height
                found.append((m.height + extra, rows))
            self._heights[width] = found
        return found

    def heightForWidth(self, width: int) -> int:
        blocks = self._blocks(width)
        return sum(h for h, _rows in blocks) + BLOCK_GAP * max(0, len(blocks) - 1)

    def minimumSizeHint(self) -> QSize:
        m = _block_measures(self)
        count = len(self._owner._drawn or [])
        return QSize(200, count * m.height + BLOCK_GAP * max(0, count - 1))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        m = _block_measures(self)
        width = self.width()
        palette = self.palette()
        style = self.style()
        clip = event.rect()
        top = 0
        for number, ((unit, tasks), (height, rows)) in enumerate(
            zip(self._owner._drawn or [], self._blocks(width), strict=True), start=1
        ):
            if top > clip.bottom():
                break
            painter.fillRect(0, top, 3, height, UNIT_BAR)
            painter.setPen(palette.color(QPalette.ColorRole.WindowText))
            painter.drawText(
                m.number.translated(0, top),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                f"{number}.",
            )
            combo = QStyleOptionComboBox()
            combo.initFrom(self)
            combo.editable = True
            combo.frame = True
            combo.rect = QRect(
                m.unit.x(),
                top + m.unit.y(),
                width - m.unit.x() - (m.width - m.unit.right() - 1),
                m.unit.height(),
            )
            style.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, combo, painter, self)
            field = style.subControlRect(
                QStyle.ComplexControl.CC_ComboBox, combo, QStyle.SubControl.SC_ComboBoxEditField, self
            )
            painter.fillRect(field, palette.color(QPalette.ColorRole.Base))
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            painter.drawText(
                field.adjusted(2, 0, -2, 0),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                unit,
            )
            painter.setPen(palette.color(QPalette.ColorRole.ButtonText))
            for glyph, rect in zip(("↑", "↓", "✕"), m.buttons, strict=False):
                painter.drawText(
                    QRect(width - rect.x(), top + rect.y(), rect.width(), rect.height()),
                    int(Qt.AlignmentFlag.AlignCenter),
                    glyph,
                )
            tasks_area = QRect(m.tasks_left, top + m.tasks_top, width - m.tasks_left, sum(rows))
            paint_rows(painter, self, tasks, rows, tasks_area, "dash", clip)
            painter.setPen(ADD_COLOR)
            painter.drawText(
                QRect(m.add.x(), top + height - m.add.y(), m.add.width(), m.add.height()),
                int(Qt.AlignmentFlag.AlignCenter),
                "+ Thêm nhiệm vụ",
            )
            top += height + BLOCK_GAP

    def enterEvent(self, event: QEvent) -> None:
        self._owner.blocks  # noqa: B018  (the real blocks take over)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._owner.blocks  # noqa: B018


class UnitTasksEditor(FocusStops, QWidget):
    """The units of «Tổ chức thực hiện», in order, each with its list of tasks."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.units: tuple[str, ...] = ()
        self._blocks: list[UnitBlock] = []
        # A loaded plan's units are drawn (``_drawn``) until the user comes to them, as the lists are.
        self._drawn: list[tuple[str, list[str]]] | None = None
        self._face: _UnitsFace | None = None
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._host = QWidget()  # the blocks, shown together when a plan is loaded
        self._box = QVBoxLayout(self._host)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.setSpacing(BLOCK_GAP)
        layout.addWidget(self._host)
        self.add_button = QPushButton("+ Thêm đơn vị thực hiện")
        self.add_button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.add_button.setToolTip("Thêm một đơn vị và nhiệm vụ của đơn vị (trong ô đơn vị: Ctrl+Enter)")
        self.add_button.clicked.connect(lambda: self.add_block())
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        layout.addLayout(row)

    @property
    def blocks(self) -> list[UnitBlock]:
        """The units' blocks, made now if they were only drawn."""
        if self._drawn is not None:
            drawn, self._drawn = self._drawn, None
            face, self._face = self._face, None
            fresh: list[QWidget] = [self._insert(i, unit, tasks) for i, (unit, tasks) in enumerate(drawn)]
            if face is not None:
                face.hide()
                self._box.removeWidget(face)
                face.deleteLater()
            show_together(self._host, fresh)
            self._renumber()
        return self._blocks

    def set_units(self, units: tuple[str, ...]) -> None:
        self.units = units
        for block in self._blocks:
            current = combo_text(block.unit)
            with QSignalBlocker(block.unit):
                block.unit.clear()
                block.unit.addItems(list(units))
                block.unit.setEditText(current)

    def value(self) -> list[dict[str, Any]]:
        if self._drawn is not None:
            return [
                {"unit": text.clean(unit), "tasks": [t for raw in tasks if (t := raw.strip())]}
                for unit, tasks in self._drawn
            ]
        return [block.value() for block in self._blocks]

    def set_value(self, tasks: list[dict[str, Any]]) -> None:
        """Show ``tasks`` (loading a plan): drawn, or in the blocks already made if the user is in them."""
        entries = [(str(e.get("unit", "")), [nfc(t) for t in e.get("tasks", [])]) for e in tasks]
        focus = QApplication.focusWidget()
        inside = focus is not None and self.isAncestorOf(focus)
        if not inside and all(unit and all(items) for unit, items in entries):
            for block in self._blocks:
                block.hide()  # a block made in this same pass must not open as a window
                self._box.removeWidget(block)
                block.setParent(None)
                block.deleteLater()
            self._blocks = []
            self._drawn = entries
            if self._face is None:
                self._face = _UnitsFace(self)
                self._box.addWidget(self._face)
                self._face.show()
            self._face.forget_heights()
            return
        self.blocks  # noqa: B018  (made from the drawn ones, if any)
        while len(self._blocks) > len(tasks):
            block = self._blocks.pop()
            block.hide()
            block.setParent(None)
            block.deleteLater()
        fresh: list[QWidget] = []
        for index, entry in enumerate(tasks):
            unit, items = entry.get("unit", ""), list(entry.get("tasks", []))
            if index < len(self._blocks):
                set_combo_text(self._blocks[index].unit, unit)
                self._blocks[index].tasks.set_items(items)
            else:
                fresh.append(self._insert(index, unit, items))
        show_together(self._host, fresh)
        self._renumber()

    def _insert(self, index: int, unit: str, tasks: list[str], *, show: bool = False) -> UnitBlock:
        block = UnitBlock(self, unit, tasks)
        self._blocks.insert(index, block)
        self._box.insertWidget(index, block)
        if show:  # a unit added by the user takes the focus at once; a loaded list shows in one pass
            block.show()
        return block

    def add_block(self, after: UnitBlock | None = None) -> UnitBlock:
        index = self.blocks.index(after) + 1 if after is not None else len(self.blocks)
        block = self._insert(index, "", [], show=True)
        self._renumber()
        block.unit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.edited.emit()
        return block

    def remove_block(self, block: UnitBlock) -> None:
        index = self.blocks.index(block)
        self.blocks.pop(index)
        block.hide()
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
        for number, block in enumerate(self._blocks, start=1):
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


# The fields of the plan form's later sections (built on first sight: ``LaterSections``).
LATER_FIELDS = frozenset(
    {
        "form_choices",
        "forms",
        "time_place",
        "steps",
        "tasks_intro",
        "tasks",
        "recipients",
        "signer_name",
        "signer_title",
        "signing_authority",
        "signature_preview",
    }
)


class LaterSections(QWidget):
    """The lower sections of a form, built the first time they come into sight.

    Until then the widget only holds their height, estimated from what they will show, so the
    scroll bar is about right. Being painted (scrolled to), taking the focus (Tab) or
    :meth:`build` builds them; the widgets made then are put in the focus chain where this widget
    stands, so Tab goes through them in their place and not after the rest of the window.
    """

    LINE_ROWS = 11  # the titles, hints, Câu dẫn and the three signature rows: lines of text

    def __init__(self, build: Callable[[QVBoxLayout], None]) -> None:
        super().__init__()
        self._builder: Callable[[QVBoxLayout], None] | None = build
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.expect(None)

    @property
    def built(self) -> bool:
        return self._builder is None

    def expect(self, detail: PlanDetail | None) -> None:
        """Hold about the height the sections will take for ``detail``."""
        if self.built:
            return
        self._expecting = detail is not None
        rows = self.LINE_ROWS
        if detail is not None:
            rows += len(detail.forms) + len(detail.time_place) + len(detail.steps) + len(detail.recipients)
            rows += sum(1 + len(t.tasks) for t in detail.tasks)
        # A row about a line and a half of text with its box and gap (measured on the seed plans).
        line = self.fontMetrics().lineSpacing()
        self.setMinimumHeight(rows * (2 * line + 10))

    def build(self) -> None:
        builder = self._builder
        if builder is None:
            return
        self._builder = None
        self.setMinimumHeight(0)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        builder(layout)
        # Children added to a shown widget wait for the event loop to appear; they are shown now,
        # in one layout pass unless this widget holds the focus (hiding it would move the focus).
        made = [
            widget
            for widget in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
            if not widget.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide)
        ]
        if self.hasFocus():
            for widget in made:
                widget.show()
        else:
            show_together(self, made)
        previous: QWidget = self
        for widget in self._stops():
            QWidget.setTabOrder(previous, widget)
            previous = widget

    def _stops(self) -> list[QWidget]:
        """What Tab stops at inside, in the order the sections made them (menus are windows)."""
        return [
            widget
            for widget in self.findChildren(QWidget)
            if widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and widget.focusProxy() is None
            and not widget.isWindow()
            and widget.window() is self.window()
        ]

    def paintEvent(self, event: QPaintEvent) -> None:
        # Painted while the page waits for its first plan (the form still empty, everything in
        # sight) is not coming into sight: the plan read next decides what is.
        if not self.built and self._expecting:
            # Not while painting: the new widgets would lay the form out again mid-paint.
            QTimer.singleShot(0, self.build)
        super().paintEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if self.built:
            return
        self.build()
        backwards = event.reason() == Qt.FocusReason.BacktabFocusReason
        stops = self._stops()
        if stops:
            (stops[-1] if backwards else stops[0]).setFocus(event.reason())


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
        self._info = grid
        self.organization = QLabel("")
        self.organization.setStyleSheet("font-weight: 600;")
        self.organization.setWordWrap(True)  # a long commune name wraps on a narrow screen
        self.kind = QComboBox()
        for kind in PlanKind:
            self.kind.addItem(
                "Kế hoạch năm (nhiều hội nghị)" if kind is PlanKind.YEARLY else "Kế hoạch một hội nghị", kind
            )
        self.kind.setToolTip("Kế hoạch cả năm hay cho một cuộc đối thoại")
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setToolTip("Năm của kế hoạch: ngày các hội nghị phải thuộc năm này")
        self.number = QLineEdit()
        self.number.setValidator(QIntValidator(1, 99999, self.number))
        self.number.setPlaceholderText("để trống")
        self.number.setToolTip("Số văn bản do văn thư cấp sau khi ký; có thể để trống")
        self.number.setMaximumWidth(90)
        self.symbol = NfcLineEdit()
        self.symbol.setToolTip("Ký hiệu, ví dụ KH-UBND")
        self.symbol.setMaximumWidth(150)
        self.issued_on = OptionalDateEdit()
        self._number_box = QWidget()
        number_row = QHBoxLayout(self._number_box)
        number_row.setContentsMargins(0, 0, 0, 0)
        number_row.addWidget(self.number)
        number_row.addWidget(QLabel("/"))
        number_row.addWidget(self.symbol)
        number_row.addStretch(1)
        self._info_labels = {
            key: QLabel(caption)
            for key, caption in (
                ("organization", "Cơ quan ban hành"),
                ("kind", "Loại"),
                ("year", "Năm"),
                ("number", "Số"),
                ("issued_on", "Ngày ban hành"),
            )
        }
        self._info_wide: bool | None = None
        self._info_wide_width = 0  # what the two-pairs-a-row layout needs, measured once
        self._arrange_info(wide=True)
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

        # The sections below are built when they first come into sight (or are reached by Tab, or
        # the plan is saved): on a 768-pixel screen they are below the fold, and building them
        # with the page was a third of its opening.
        self._later = LaterSections(self._build_later)
        self._later_built = False
        self._detail: PlanDetail | None = None
        self._choices: Choices | None = None
        outer.addWidget(self._later)
        outer.addStretch(1)

        for widget in (self.kind,):
            widget.currentIndexChanged.connect(self._changed)
        self.year.valueChanged.connect(self._changed)
        self.number.textEdited.connect(self._changed)
        self.symbol.textEdited.connect(self._changed)
        self.issued_on.dateChanged.connect(self._changed)
        for edit in (self.title, self.opening, self.audience):
            edit.edited.connect(self._changed)
        for lst in (self.bases, self.purposes, self.requirements, self.contents):
            lst.edited.connect(self._changed)
        QApplication.instance().focusChanged.connect(self._keep_focus_visible)  # type: ignore[union-attr]

    def __getattr__(self, name: str) -> Any:
        # A field of the later sections asked for before they came into sight: build them now.
        if name in LATER_FIELDS and not self.__dict__.get("_later_built", True):
            self.ensure_sections()
            return getattr(self, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def ensure_sections(self) -> None:
        """Build the later sections now (a save reads them, a test or a shortcut reaches them)."""
        self._later.build()

    def _build_later(self, outer: QVBoxLayout) -> None:
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

        for lst in (self.forms, self.time_place, self.steps, self.recipients):
            lst.edited.connect(self._changed)
        self.tasks_intro.edited.connect(self._changed)
        self.tasks.edited.connect(self._changed)
        self.signer_name.editTextChanged.connect(self._changed)
        self.signer_name.activated.connect(self._leader_picked)
        self.signer_title.textEdited.connect(self._changed)
        self.signing_authority.editTextChanged.connect(self._changed)
        self.signing_authority.activated.connect(self._style_picked)
        self._fill_form_choices(plans.form_choices())
        self._later_built = True
        if self._choices is not None:
            self._choices_to_later(self._choices)
        if self._detail is not None:
            self._loading = True
            try:
                self._detail_to_later(self._detail)
            finally:
                self._loading = False

    # --- «Thông tin chung»: two pairs a row when there is room, one pair a row when narrow -----
    def _arrange_info(self, *, wide: bool) -> None:
        if wide == self._info_wide:
            return
        self._info_wide = wide
        grid, labels = self._info, self._info_labels
        fields = (self.organization, self.kind, self.year, self._number_box, self.issued_on)
        for widget in (*labels.values(), *fields):
            grid.removeWidget(widget)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        grid.addWidget(labels["organization"], 0, 0)
        grid.addWidget(self.organization, 0, 1, 1, 5)
        if wide:
            grid.addWidget(labels["kind"], 1, 0)
            grid.addWidget(self.kind, 1, 1, 1, 3)
            grid.addWidget(labels["year"], 1, 4, right)
            grid.addWidget(self.year, 1, 5)
            grid.addWidget(labels["number"], 2, 0)
            grid.addWidget(self._number_box, 2, 1, 1, 3)
            grid.addWidget(labels["issued_on"], 2, 4, right)
            grid.addWidget(self.issued_on, 2, 5)
        else:
            for row, key, field in (
                (1, "kind", self.kind),
                (2, "year", self.year),
                (3, "number", self._number_box),
                (4, "issued_on", self.issued_on),
            ):
                grid.addWidget(labels[key], row, 0)
                if field is self.kind:
                    grid.addWidget(field, row, 1, 1, 5)
                else:
                    grid.addWidget(field, row, 1, 1, 5, left)
        for column in range(6):
            grid.setColumnStretch(column, 1 if column == (3 if wide else 5) else 0)

    def _fit_info(self) -> None:
        """Choose the «Thông tin chung» layout for the width the form has (125–150 % scaling)."""
        if self._info_wide:
            margins = self._layout.contentsMargins()
            self._info_wide_width = self._info.minimumSize().width() + margins.left() + margins.right()
        self._arrange_info(wide=self.viewport().width() >= self._info_wide_width)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit_info()

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
            self._detail = detail
            if self._later_built:
                self._detail_to_later(detail)
            else:
                self._later.expect(detail)
            self.show_problems({})
        finally:
            self._loading = False
        self.verticalScrollBar().setValue(0)

    def _detail_to_later(self, detail: PlanDetail) -> None:
        self.forms.set_items(detail.forms)
        self.time_place.set_items(detail.time_place)
        self.steps.set_items(detail.steps)
        self.tasks_intro.set_text(detail.tasks_intro)
        self.tasks.set_value([{"unit": t.unit, "tasks": list(t.tasks)} for t in detail.tasks])
        self.recipients.set_items(detail.recipients)
        set_combo_text(self.signer_name, detail.signer_name)
        self.signer_title.setText(detail.signer_title)
        set_combo_text(self.signing_authority, detail.signing_authority)
        self._update_signature()

    def set_choices(self, choices: Choices) -> None:
        self._leaders = choices.leaders
        self._choices = choices
        if self._later_built:
            self._choices_to_later(choices)

    def _choices_to_later(self, choices: Choices) -> None:
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
        self.ensure_sections()  # built from the loaded plan first: what is saved is what it holds
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
        if self._later_built:
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
