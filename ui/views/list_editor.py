"""Editing lists in place: a plan's căn cứ, mục đích, các bước, nơi nhận …

Each item is a text box that grows with its text. Keys, the same in every list:

- Ctrl+Enter adds the next item under the current one (and goes there);
- Alt+Up / Alt+Down move the item; the handle on the left drags it;
- Backspace in an empty item removes it, Ctrl+Shift+Delete removes any item;
- Tab and Shift+Tab walk through the items in order and then on to the next field.

Items are created while the user works, after the rest of the form, so Qt's own focus chain would
visit them last. :class:`FocusStops` keeps Tab in form order instead: only the container is in
Qt's chain; the items it holds take focus on click or when the container hands it over.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QMimeData, QPoint, QRect, QSize, Qt, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QDrag,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFocusEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStyle,
    QStyleOptionFrame,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.text import nfc

MIME_ROW = "application/x-doithoai-list-row"
_WRAP = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap)
TAB_REASONS = (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason)
# A row: handle, marker, text box, remove button (the drawn list uses the same measures).
HANDLE_WIDTH = 14
MARKER_WIDTH = 22
MARKER_TOP = 4
ROW_SPACING = 4
ROW_GAP = 3
ROW_TEXT_LEFT = HANDLE_WIDTH + ROW_SPACING + MARKER_WIDTH + ROW_SPACING
HANDLE_COLOR = QColor("#9ca3af")


def _can_take_tab(widget: QWidget) -> bool:
    return bool(
        widget.isVisibleTo(widget.window())
        and widget.isEnabled()
        and widget.focusPolicy() & Qt.FocusPolicy.TabFocus == Qt.FocusPolicy.TabFocus
    )


class FocusStops:
    """Mixin for a QWidget whose children come and go: Tab visits ``focus_stops()`` in order.

    The widget itself is the only one of them in Qt's focus chain (``TabFocus``); the stops are
    ``ClickFocus`` so the chain never reaches them out of order. A stop may itself be a
    FocusStops container. Leaving the last stop (or the first, going back) hands over to an
    enclosing container if there is one, or to the widget before/after this one in the chain.
    """

    # Each container defines it: the widgets Tab visits, in form order.
    focus_stops: Callable[[], list[QWidget]]

    def _visible_stops(self) -> list[QWidget]:
        me: QWidget = self  # type: ignore[assignment]
        return [w for w in self.focus_stops() if w.isVisibleTo(me) and w.isEnabled()]

    def enter(self, backwards: bool = False) -> bool:
        stops = self._visible_stops()
        if not stops:
            return False
        target = stops[-1] if backwards else stops[0]
        target.setFocus(Qt.FocusReason.BacktabFocusReason if backwards else Qt.FocusReason.TabFocusReason)
        return True

    def handle_focus_in(self, event: QFocusEvent) -> bool:
        """Pass the focus on to the first (or, going back, the last) stop."""
        return self.enter(backwards=event.reason() == Qt.FocusReason.BacktabFocusReason)

    def step_focus(self, forward: bool) -> bool:
        me: QWidget = self  # type: ignore[assignment]
        focused = QApplication.focusWidget()
        stops = self._visible_stops()
        current = next(
            (
                i
                for i, w in enumerate(stops)
                if focused is not None and (w is focused or w.isAncestorOf(focused))
            ),
            None,
        )
        if current is not None:
            target = current + (1 if forward else -1)
            if 0 <= target < len(stops):
                stop = stops[target]
                reason = Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason
                if isinstance(stop, FocusStops):
                    stop.enter(backwards=not forward)
                else:
                    stop.setFocus(reason)
                return True
        parent = me.parentWidget()
        while parent is not None and not isinstance(parent, FocusStops):
            parent = parent.parentWidget()
        if parent is not None:
            return parent.step_focus(forward)
        return self._leave(forward)

    def _leave(self, forward: bool) -> bool:
        """Focus the widget after (or before) this container in Qt's chain, skipping our own."""
        me: QWidget = self  # type: ignore[assignment]
        widget = me.nextInFocusChain() if forward else me.previousInFocusChain()
        seen = 0
        while widget is not None and widget is not me and seen < 5000:
            seen += 1
            if not me.isAncestorOf(widget) and _can_take_tab(widget):
                widget.setFocus(
                    Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason
                )
                return True
            widget = widget.nextInFocusChain() if forward else widget.previousInFocusChain()
        return False


def show_together(host: QWidget, widgets: list[QWidget]) -> None:
    """Show ``widgets``, just added under ``host``, now and with one layout pass.

    Showing a child of a visible window lays out every enclosing widget at once, so loading a
    plan's thirty items one ``show()`` at a time laid the whole form out thirty times. With the
    host hidden meanwhile, the children only take note, and the host's ``show()`` lays out once.
    """
    if not widgets:
        return
    focus = QApplication.focusWidget()
    hide = host.isVisible() and not (focus is not None and host.isAncestorOf(focus))
    if hide:
        host.hide()
    for widget in widgets:
        widget.show()
    if hide:
        host.show()


class GrowingTextEdit(QTextEdit):
    """Plain text that grows with what is typed (no inner scroll bar); text kept NFC.

    Tab leaves the box (it is a form field, not a word processor). Pasted text is normalised at
    once; text typed with the Windows keyboard (combining marks) is normalised on leaving.
    """

    edited = Signal()
    next_requested = Signal()  # Ctrl+Enter
    move_requested = Signal(int)  # Alt+Up (-1) / Alt+Down (+1)
    remove_requested = Signal()  # Backspace in an empty box, Ctrl+Shift+Delete

    def __init__(self, text: str = "", *, min_lines: int = 1, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._min_lines = min_lines
        self.setAcceptRichText(False)
        self.setTabChangesFocus(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.document().setDocumentMargin(3)
        self.setPlainText(nfc(text))
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self.textChanged.connect(self.edited)
        self._fit()

    def text(self) -> str:
        return nfc(self.toPlainText())

    def set_text(self, value: str) -> None:
        self.blockSignals(True)
        self.setPlainText(nfc(value))
        self.blockSignals(False)
        self._fit()

    def _fit(self, *_args: object) -> None:
        line = self.fontMetrics().lineSpacing()
        doc_height = self.document().size().height()
        frame = 2 * self.frameWidth() + self.contentsMargins().top() + self.contentsMargins().bottom()
        height = int(max(doc_height, self._min_lines * line + 2 * self.document().documentMargin())) + frame
        if height != self.height():
            self.setFixedHeight(height)

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().resizeEvent(event)
        self._fit()

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), self.height())

    def insertFromMimeData(self, source: QMimeData) -> None:
        self.insertPlainText(nfc(source.text()).replace("\r\n", "\n"))

    def focusOutEvent(self, event: QFocusEvent) -> None:
        raw = self.toPlainText()
        if nfc(raw) != raw:
            cursor_at = len(nfc(raw[: self.textCursor().position()]))
            self.setPlainText(nfc(raw))
            cursor = self.textCursor()
            cursor.setPosition(min(cursor_at, len(nfc(raw))))
            self.setTextCursor(cursor)
        super().focusOutEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        ctrl = mods & Qt.KeyboardModifier.ControlModifier
        alt = mods & Qt.KeyboardModifier.AltModifier
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and ctrl:
            self.next_requested.emit()
            return
        if alt and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.move_requested.emit(-1 if key == Qt.Key.Key_Up else 1)
            return
        if key == Qt.Key.Key_Backspace and not mods and not self.toPlainText():
            self.remove_requested.emit()
            return
        if key == Qt.Key.Key_Delete and ctrl and mods & Qt.KeyboardModifier.ShiftModifier:
            self.remove_requested.emit()
            return
        super().keyPressEvent(event)


class _DragHandle(QLabel):
    """The ⠿ on the left of an item: press and drag to move the item."""

    def __init__(self, row: ListItemRow) -> None:
        super().__init__("⠿")
        self._row = row
        self._pressed_at: QPoint | None = None
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.setToolTip("Kéo để đổi thứ tự (hoặc Alt+↑ / Alt+↓)")
        # A palette, not a style sheet: a sheet per widget makes every item slower to build.
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.WindowText, HANDLE_COLOR)
        self.setPalette(palette)
        self.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.setFixedWidth(HANDLE_WIDTH)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._pressed_at = event.position().toPoint()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pressed_at is None:
            return
        if (
            event.position().toPoint() - self._pressed_at
        ).manhattanLength() < QApplication.startDragDistance():
            return
        self._pressed_at = None
        owner = self._row.owner
        mime = QMimeData()
        mime.setData(MIME_ROW, QByteArray(owner.drag_token(owner.index_of(self._row)).encode()))
        drag = QDrag(self)
        drag.setMimeData(mime)
        drag.setPixmap(self._row.grab())
        drag.exec(Qt.DropAction.MoveAction)


class _ItemFace(QFrame):
    """An item's text drawn like its text box, until it is clicked or reached by Tab.

    A text box costs about ten labels to build and lay out, and a plan holds dozens of items: the
    form shows faces and makes the box of an item only when the user goes to edit it. The wrapped
    height is measured once per width (a word-wrapped QLabel measures again at every layout pass).
    """

    MARGIN = 3  # GrowingTextEdit's document margin: the text does not move when the box takes over

    def __init__(self, row: ListItemRow, text: str) -> None:
        super().__init__()
        self._row = row
        self._text = text
        self._heights: dict[int, int] = {}
        # The text box's frame and background.
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFrameShadow(QFrame.Shadow.Sunken)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setAutoFillBackground(True)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setCursor(Qt.CursorShape.IBeamCursor)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:
        self._text = text
        self._heights.clear()
        self.updateGeometry()
        self.update()

    def _inset(self) -> int:
        return self.frameWidth() + self.MARGIN

    def heightForWidth(self, width: int) -> int:
        height = self._heights.get(width)
        if height is None:
            inner = max(1, width - 2 * self._inset())
            metrics = self.fontMetrics()
            box = metrics.boundingRect(QRect(0, 0, inner, 1_000_000), _WRAP, self._text or " ")
            height = max(box.height(), metrics.lineSpacing()) + 2 * self._inset()
            self._heights[width] = height
        return height

    def hasHeightForWidth(self) -> bool:
        return True

    def sizeHint(self) -> QSize:
        width = max(self.width(), 120)
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(60, self.fontMetrics().lineSpacing() + 2 * self._inset())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._heights.clear()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)  # the frame
        painter = QPainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.Text))
        inset = self._inset()
        painter.drawText(self.rect().adjusted(inset, inset, -inset, -inset), _WRAP, self._text)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._row.open_editor(Qt.FocusReason.MouseFocusReason, event.position().toPoint())

    def focusInEvent(self, event: QFocusEvent) -> None:
        self._row.open_editor(event.reason())


class ListItemRow(QWidget):
    """One item: drag handle, its number or dash, the growing text, a remove button.

    The text box (``edit``) is made on first use; until then a label of the same look shows the
    text (``_ItemFace``).
    """

    def __init__(self, owner: ListEditor, text: str) -> None:
        super().__init__()
        self.owner = owner
        self._text = nfc(text)
        self._edit: GrowingTextEdit | None = None
        self.face: _ItemFace | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(ROW_SPACING)
        self._layout = layout
        self.handle = _DragHandle(self)
        layout.addWidget(self.handle)
        self.marker = QLabel("")
        self.marker.setFixedWidth(MARKER_WIDTH)
        self.marker.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight)
        self.marker.setContentsMargins(0, MARKER_TOP, 0, 0)
        layout.addWidget(self.marker)
        self.remove_button = QToolButton()
        self.remove_button.setText("✕")
        self.remove_button.setAutoRaise(True)
        self.remove_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.remove_button.setToolTip(f"Xóa {owner.noun} này (Ctrl+Shift+Delete)")
        if self._text:
            self.face = _ItemFace(self, self._text)
            layout.addWidget(self.face, 1)
        else:  # an empty item is being typed: its box at once, with the placeholder
            layout.addWidget(self._make_edit(), 1)
        layout.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)

    @property
    def edit(self) -> GrowingTextEdit:
        """The item's text box (made now if it was only shown)."""
        if self._edit is None:
            face = self.face
            edit = self._make_edit()
            if face is not None:
                self._layout.replaceWidget(face, edit)
                self.face = None
            edit.show()
            if face is not None:
                if face.hasFocus():  # before hiding it, or Qt would move the focus on by itself
                    edit.setFocus(Qt.FocusReason.OtherFocusReason)
                face.hide()
                face.deleteLater()
            self._layout.activate()  # the box has its width now: clicks land on the right letter
        assert self._edit is not None
        return self._edit

    def _make_edit(self) -> GrowingTextEdit:
        edit = GrowingTextEdit(self._text)
        edit.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        edit.setPlaceholderText(self.owner.placeholder)
        self._edit = edit
        self.owner.wire_editor(self, edit)
        return edit

    def text(self) -> str:
        return self._edit.text() if self._edit is not None else self._text

    def set_text(self, value: str) -> None:
        """Show ``value`` (loading a record: no ``edited``)."""
        self._text = nfc(value)
        if self._edit is not None:
            self._edit.set_text(self._text)
        elif self.face is not None and self._text:
            self.face.setText(self._text)
        else:
            self.edit.set_text(self._text)

    def has_focus(self) -> bool:
        return self._edit is not None and self._edit.hasFocus()

    def focus_stop(self) -> QWidget:
        """What Tab moves to: the box, or the face that hands over to a new box."""
        return self._edit if self._edit is not None else self.face or self.edit

    def open_editor(self, reason: Qt.FocusReason, at: QPoint | None = None) -> None:
        face = self.face
        edit = self.edit
        if at is not None and face is not None:
            cursor = edit.cursorForPosition(edit.viewport().mapFrom(self, face.mapTo(self, at)))
        else:
            cursor = edit.textCursor()
            cursor.movePosition(
                cursor.MoveOperation.Start if reason in TAB_REASONS else cursor.MoveOperation.End
            )
        edit.setTextCursor(cursor)
        edit.setFocus(reason)


def row_metrics(widget: QWidget) -> tuple[int, int, int]:
    """Inset of an item's text in its box, width and height of its remove button."""
    inset = widget.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth) + _ItemFace.MARGIN
    button = _remove_button_size(widget)
    return inset, button.width(), button.height()


def row_heights(widget: QWidget, texts: list[str], width: int) -> list[int]:
    """The heights the rows of ``texts`` take in a list ``width`` wide (``widget``'s font)."""
    inset, button_w, button_h = row_metrics(widget)
    metrics = widget.fontMetrics()
    inner = max(1, width - ROW_TEXT_LEFT - ROW_SPACING - button_w - 2 * inset)
    line = metrics.lineSpacing()
    marker_h = metrics.height() + MARKER_TOP
    return [
        max(
            max(metrics.boundingRect(QRect(0, 0, inner, 1_000_000), _WRAP, text or " ").height(), line)
            + 2 * inset,
            button_h,
            marker_h,
        )
        for text in texts
    ]


def paint_rows(
    painter: QPainter,
    widget: QWidget,
    texts: list[str],
    heights: list[int],
    area: QRect,
    marker_style: str,
    clip: QRect,
) -> None:
    """Draw list rows as ``ListItemRow`` shows them, in ``area`` of ``widget``."""
    inset, button_w, button_h = row_metrics(widget)
    palette = widget.palette()
    style = widget.style()
    box_right = area.right() + 1 - ROW_SPACING - button_w
    frame = QStyleOptionFrame()
    frame.initFrom(widget)
    frame.lineWidth = style.pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth)
    frame.midLineWidth = 0
    frame.state |= QStyle.StateFlag.State_Sunken
    frame.frameShape = QFrame.Shape.StyledPanel
    top, left = area.top(), area.left()
    for number, (text, height) in enumerate(zip(texts, heights, strict=True), start=1):
        if top > clip.bottom():
            break
        if top + height >= clip.top():
            painter.setPen(HANDLE_COLOR)
            painter.drawText(
                QRect(left, top, HANDLE_WIDTH, height),
                int(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter),
                "⠿",
            )
            painter.setPen(palette.color(QPalette.ColorRole.WindowText))
            marker = f"{number}." if marker_style == "number" else "–" if marker_style == "dash" else ""
            if marker:
                painter.drawText(
                    QRect(
                        left + HANDLE_WIDTH + ROW_SPACING, top + MARKER_TOP, MARKER_WIDTH, height - MARKER_TOP
                    ),
                    int(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight),
                    marker,
                )
            box = QRect(left + ROW_TEXT_LEFT, top, box_right - left - ROW_TEXT_LEFT, height)
            painter.fillRect(box, palette.color(QPalette.ColorRole.Base))
            frame.rect = box
            style.drawPrimitive(QStyle.PrimitiveElement.PE_Frame, frame, painter, widget)
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            painter.drawText(box.adjusted(inset, inset, -inset, -inset), _WRAP, text)
            painter.setPen(palette.color(QPalette.ColorRole.ButtonText))
            painter.drawText(
                QRect(area.right() + 1 - button_w, top, button_w, button_h),
                int(Qt.AlignmentFlag.AlignCenter),
                "✕",
            )
        top += height + ROW_GAP


class DrawnFace(QWidget):
    """Widgets drawn in one, at the heights the real ones will have, until the user comes.

    The heights are worked out per width and kept until :meth:`forget_heights` (new texts) or a
    change of font or style.
    """

    def __init__(self) -> None:
        super().__init__()
        self._heights: dict[int, Any] = {}
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMouseTracking(True)

    def forget_heights(self) -> None:
        self._heights.clear()
        self.updateGeometry()
        self.update()

    def hasHeightForWidth(self) -> bool:
        return True

    def sizeHint(self) -> QSize:
        width = max(self.width(), 200)
        return QSize(width, self.heightForWidth(width))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._heights.clear()
        super().changeEvent(event)


class _ListFace(DrawnFace):
    """A whole list drawn as its rows will look, until the pointer or the focus comes to it.

    A loaded plan holds thirty-odd items in a dozen lists and a row costs five widgets (handle,
    marker, text, remove button and the row): the form draws each list as one widget, and the
    list makes its rows when the user reaches it (``ListEditor.rows``). Heights are those the
    rows will have, so nothing moves when they take over.
    """

    def __init__(self, owner: ListEditor) -> None:
        super().__init__()
        self._owner = owner
        self.setCursor(Qt.CursorShape.IBeamCursor)

    def _metrics(self) -> tuple[int, int, int]:
        return row_metrics(self)

    def _row_heights(self, width: int) -> list[int]:
        heights = self._heights.get(width)
        if heights is None:
            heights = self._heights[width] = row_heights(self, self._owner.texts(), width)
        return heights

    def heightForWidth(self, width: int) -> int:
        heights = self._row_heights(width)
        return sum(heights) + ROW_GAP * max(0, len(heights) - 1)

    def minimumSizeHint(self) -> QSize:
        # One line a row, as the rows' own minimum (the height for the width is what they get).
        inset, _button_w, button_h = self._metrics()
        metrics = self.fontMetrics()
        row = max(metrics.lineSpacing() + 2 * inset, button_h, metrics.height() + MARKER_TOP)
        count = len(self._owner.texts())
        return QSize(120, count * row + ROW_GAP * max(0, count - 1))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        texts = self._owner.texts()
        width = self.width()
        paint_rows(
            painter,
            self,
            texts,
            self._row_heights(width),
            QRect(0, 0, width, self.height()),
            self._owner.marker_style,
            event.rect(),
        )

    def row_at(self, y: int) -> int | None:
        top = 0
        for index, height in enumerate(self._row_heights(self.width())):
            if y < top + height:
                return index
            top += height + ROW_GAP
        return None

    # The pointer or the focus arriving: the real rows take over (buttons, tooltips, dragging).
    def enterEvent(self, event: QEvent) -> None:
        self._owner.rows()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        at = event.position().toPoint()
        index = self.row_at(at.y())
        rows = self._owner.rows()
        if index is not None and index < len(rows):
            row = rows[index]
            if row.face is not None:
                row.open_editor(Qt.FocusReason.MouseFocusReason, row.face.mapFrom(self, at))
            else:
                row.edit.setFocus(Qt.FocusReason.MouseFocusReason)


_BUTTON_SIZES: dict[tuple[str, str], QSize] = {}


def _remove_button_size(widget: QWidget) -> QSize:
    """What a row's «✕» button measures in ``widget``'s font and style (measured once)."""
    key = (widget.font().key(), widget.style().name())
    size = _BUTTON_SIZES.get(key)
    if size is None:
        button = QToolButton()
        button.setText("✕")
        button.setAutoRaise(True)
        button.setFont(widget.font())
        size = _BUTTON_SIZES[key] = button.sizeHint()
        button.deleteLater()
    return size


class ListEditor(FocusStops, QFrame):
    """A list of paragraphs edited in place; ``edited`` fires on every change made by the user."""

    edited = Signal()

    def __init__(
        self,
        *,
        marker: str = "dash",  # "number" (1., 2.), "dash" (–) or "none"
        noun: str = "mục",
        placeholder: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.marker_style = marker
        self.noun = noun
        self.placeholder = placeholder or f"Gõ nội dung {noun}; Ctrl+Enter thêm {noun} tiếp theo"
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setAcceptDrops(True)
        self._rows: list[ListItemRow] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        # The rows live in their own widget so a whole list can be shown in one layout pass.
        self._rows_host = QWidget()
        self._rows_box = QVBoxLayout(self._rows_host)
        self._rows_box.setContentsMargins(0, 0, 0, 0)
        self._rows_box.setSpacing(ROW_GAP)
        layout.addWidget(self._rows_host)
        # A loaded list is drawn (``_texts``) until the user comes to it; then ``_rows`` hold it.
        self._texts: list[str] | None = None
        self._face: _ListFace | None = None
        bar = QHBoxLayout()
        bar.setContentsMargins(18, 0, 0, 0)
        self.add_button = QToolButton()
        self.add_button.setText(f"+ Thêm {noun}")
        self.add_button.setAutoRaise(True)
        self.add_button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.add_button.setToolTip(f"Thêm {noun} vào cuối danh sách (trong một {noun}: Ctrl+Enter)")
        # A palette, not a style sheet (a sheet per widget makes each list slower to build).
        palette = self.add_button.palette()
        palette.setColor(QPalette.ColorRole.ButtonText, QColor("#1a3d7c"))
        self.add_button.setPalette(palette)
        self.add_button.clicked.connect(self._add_at_end)
        bar.addWidget(self.add_button)
        bar.addStretch(1)
        layout.addLayout(bar)

    # --- data ---------------------------------------------------------------------------
    def items(self) -> list[str]:
        """The items as stored: NFC, blanks around removed, empty ones left out."""
        texts = self._texts if self._texts is not None else [row.text() for row in self._rows]
        return [text for raw in texts if (text := raw.strip())]

    def texts(self) -> list[str]:
        """The items as shown, one per row."""
        return list(self._texts) if self._texts is not None else [row.text() for row in self._rows]

    def set_items(self, items: Iterable[str]) -> None:
        """Replace the whole list (loading a record: no ``edited``).

        The list is drawn until the user comes to it, unless they are in it now (a plan read
        again under the cursor): then the rows already made are reused.
        """
        texts = [nfc(text) for text in items]
        focus = QApplication.focusWidget()
        if all(texts) and not (focus is not None and self.isAncestorOf(focus)):
            self._draw(texts)
            return
        self.rows()
        while len(self._rows) > len(texts):
            self._drop(self._rows.pop())
        fresh = []
        for index, text in enumerate(texts):
            if index < len(self._rows):
                self._rows[index].set_text(text)
            else:
                fresh.append(self._insert(index, text))
        show_together(self._rows_host, fresh)
        self._renumber()

    def _draw(self, texts: list[str]) -> None:
        for row in self._rows:
            self._drop(row)
        self._rows = []
        self._texts = texts
        if self._face is None:
            self._face = _ListFace(self)
            self._rows_box.addWidget(self._face)
            self._face.show()
        self._face.forget_heights()

    def _drop(self, row: ListItemRow) -> None:
        # Hidden first: a row made in this same pass has a show queued by its layout, which
        # would otherwise open it as a window of its own once taken out.
        row.hide()
        self._rows_box.removeWidget(row)
        row.setParent(None)
        row.deleteLater()

    def rows(self) -> list[ListItemRow]:
        """The rows, made now if the list was only drawn."""
        if self._texts is not None:
            texts, self._texts = self._texts, None
            face, self._face = self._face, None
            fresh = [self._insert(index, text) for index, text in enumerate(texts)]
            if face is not None:
                face.hide()
                self._rows_box.removeWidget(face)
                face.deleteLater()
            show_together(self._rows_host, fresh)
            self._renumber()
        return self._rows

    def count(self) -> int:
        return len(self._texts) if self._texts is not None else len(self._rows)

    def editor_at(self, index: int) -> GrowingTextEdit:
        return self.rows()[index].edit

    def index_of(self, row: ListItemRow) -> int:
        return self._rows.index(row)

    # --- editing --------------------------------------------------------------------------
    def add_item(self, after: int | None = None, text: str = "", *, focus: bool = True) -> GrowingTextEdit:
        index = len(self.rows()) if after is None else after + 1
        row = self._insert(index, text, show=True)
        self._renumber()
        if focus:
            row.edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.edited.emit()
        return row.edit

    def remove_item(self, index: int) -> None:
        row = self.rows().pop(index)
        had_focus = row.has_focus()
        self._drop(row)
        self._renumber()
        if had_focus:
            if self._rows:
                edit = self._rows[max(0, index - 1)].edit
                edit.setFocus(Qt.FocusReason.OtherFocusReason)
                edit.moveCursor(edit.textCursor().MoveOperation.End)
            else:
                self.add_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.edited.emit()

    def move_item(self, index: int, offset: int) -> None:
        self.move_to(index, index + offset)

    def move_to(self, index: int, target: int) -> None:
        target = max(0, min(len(self.rows()) - 1, target))
        if target == index or not 0 <= index < len(self._rows):
            return
        row = self._rows.pop(index)
        self._rows.insert(target, row)
        self._rows_box.removeWidget(row)
        self._rows_box.insertWidget(target, row)
        self._renumber()
        if row.has_focus() or QApplication.focusWidget() is None:
            row.edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.edited.emit()

    def _insert(self, index: int, text: str, *, show: bool = False) -> ListItemRow:
        row = ListItemRow(self, text)
        self._rows.insert(index, row)
        self._rows_box.insertWidget(index, row)
        if show:
            # At once, not at the next event loop pass: Ctrl+Enter focuses it right away. A whole
            # list being loaded shows in one pass instead (one layout, not one per row).
            row.show()
        row.remove_button.clicked.connect(lambda _c=False, r=row: self.remove_item(self.index_of(r)))
        return row

    def wire_editor(self, row: ListItemRow, edit: GrowingTextEdit) -> None:
        """Connect an item's text box when it is made (``ListItemRow.edit``)."""
        edit.edited.connect(self.edited)
        edit.next_requested.connect(lambda r=row: self.add_item(self.index_of(r)))
        edit.move_requested.connect(lambda offset, r=row: self.move_item(self.index_of(r), offset))
        edit.remove_requested.connect(lambda r=row: self.remove_item(self.index_of(r)))

    @Slot()
    def _add_at_end(self) -> None:
        self.add_item()

    def _renumber(self) -> None:
        for number, row in enumerate(self._rows, start=1):
            if self.marker_style == "number":
                row.marker.setText(f"{number}.")
            elif self.marker_style == "dash":
                row.marker.setText("–")
            else:
                row.marker.setText("")

    # --- focus ----------------------------------------------------------------------------
    def focus_stops(self) -> list[QWidget]:
        # With items, Ctrl+Enter adds the next one; the add button is a stop only in an empty list.
        return [row.focus_stop() for row in self.rows()] or [self.add_button]

    def focusInEvent(self, event: QFocusEvent) -> None:
        if not self.handle_focus_in(event):
            super().focusInEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:
        return self.step_focus(next)

    # --- drag and drop --------------------------------------------------------------------
    def drag_token(self, index: int) -> str:
        return f"{id(self)}:{index}"

    def _dragged_index(self, mime: QMimeData) -> int | None:
        if not mime.hasFormat(MIME_ROW):
            return None
        owner, _, index = bytes(mime.data(MIME_ROW).data()).decode().partition(":")
        return int(index) if owner == str(id(self)) and index.isdigit() else None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dragged_index(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._dragged_index(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        source = self._dragged_index(event.mimeData())
        if source is None:
            return
        y = event.position().toPoint().y()
        target = len(self.rows()) - 1
        for index, row in enumerate(self._rows):
            if y < row.geometry().center().y():
                target = index if index <= source else index - 1
                break
        self.move_to(source, target)
        event.acceptProposedAction()
