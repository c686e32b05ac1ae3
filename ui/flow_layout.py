"""A layout that places its widgets in rows and wraps to a new row when the width runs out.

Qt has no such layout (its documentation ships one as the "Flow Layout" example, which this
follows): a bar of controls or buttons that would be cut at 125–150 % scaling wraps instead, and
a set of charts goes from two columns to one on a narrow window. Each item keeps its size hint;
the layout reports the height it needs for a given width, so a scroll area around it scrolls
exactly as far as the rows reach.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QSizePolicy, QStyle, QWidget


class FlowLayout(QLayout):
    """Items left to right, wrapped into rows; ``spacing`` between items and between rows."""

    def __init__(self, parent: QWidget | None = None, *, spacing: int = -1, margins: int = -1) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._height_for: tuple[int, int] | None = None  # (width, height) until the items change
        self._spacing = spacing
        if margins >= 0:
            self.setContentsMargins(margins, margins, margins, margins)

    def __del__(self) -> None:
        while self.takeAt(0) is not None:
            pass

    # --- QLayout's item list ----------------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    # --- geometry -----------------------------------------------------------------------------
    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        # Asked again and again by the scroll area around: measured once per width and content.
        if self._height_for is None or self._height_for[0] != width:
            self._height_for = (width, self._arrange(QRect(0, 0, width, 0), apply=False))
        return self._height_for[1]

    def invalidate(self) -> None:
        self._height_for = None
        super().invalidate()

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        """As wide as the widest item: narrower, that item would be cut."""
        size = QSize()
        for item in self._items:
            if not item.isEmpty():
                size = size.expandedTo(item.minimumSize())
        margins: QMargins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def spacing(self) -> int:
        if self._spacing >= 0:
            return self._spacing
        parent = self.parent()
        if isinstance(parent, QWidget):
            return parent.style().pixelMetric(QStyle.PixelMetric.PM_LayoutHorizontalSpacing, None, parent)
        return 6

    def _arrange(self, rect: QRect, *, apply: bool) -> int:
        """Place the items (or only measure): the height the rows take at ``rect``'s width."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        gap = max(self.spacing(), 0)
        x, y, row_height = area.x(), area.y(), 0
        for item in self._items:
            if item.isEmpty():  # a hidden widget takes no room
                continue
            hint = item.sizeHint().expandedTo(item.minimumSize())
            if x > area.x() and x + hint.width() > area.right() + 1:
                x, y = area.x(), y + row_height + gap
                row_height = 0
            if apply:
                # Widgets that want to grow vertically do not in a row: each keeps its hint.
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + gap
            row_height = max(row_height, hint.height())
        return y + row_height - rect.y() + margins.bottom()


def row_of(*widgets: QWidget, spacing: int = 4) -> QWidget:
    """Widgets kept together on one row of a flow (a label and its field never part)."""
    from PySide6.QtWidgets import QHBoxLayout

    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(spacing)
    for widget in widgets:
        layout.addWidget(widget)
    box.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return box
