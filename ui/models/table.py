"""A table model over plain rows that a service has already sorted and filtered.

Views never hold ORM objects: the loader is a service call ``loader(session, page)`` returning
dataclass rows for one page, read through the operations layer. Clicking a header does not sort
the rows that happen to be loaded: it asks the service again with the column's sort key and
direction, so the order is right beyond the loaded pages (Anki's browser table does the same).
A column without a sort key is not sortable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

if TYPE_CHECKING:  # a list shown from rows read at start-up loads before SQLAlchemy (ui.main)
    from sqlalchemy.orm import Session

    from ui.operations import Operations

Row = TypeVar("Row")
AnyIndex = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class Page:
    """What the model asks the service for: a slice of the list in one order."""

    offset: int
    limit: int
    sort: str = "default"
    descending: bool = False


Loader = Callable[["Session", Page], list[Row]]


@dataclass(frozen=True)
class Column(Generic[Row]):
    title: str
    text: Callable[[Row], str]
    sort: str | None = None  # the service's sort key for this column; None: not sortable
    align_right: bool = False
    tone: Callable[[Row], str | None] | None = None  # "danger" | "warning" | "muted" | "ok" | None
    tooltip: Callable[[Row], str] | None = None


TONES = {
    "danger": QColor("#b00020"),
    "warning": QColor("#9a6700"),
    "muted": QColor("#6b7280"),
    "ok": QColor("#1a7f37"),
}


# Rows a list reads first (more as it scrolls): five screens of a 1366×768 window, and half the
# time of the 200 it read before on a 100 000-petition history (each row is built in Python).
FIRST_PAGE_ROWS = 100


class RowTableModel(QAbstractTableModel, Generic[Row]):
    """Rows come from ``loader(session, page)`` in pages; ``reload()`` starts over.

    A model without a loader shows the rows given to ``set_rows`` (a screen that reads several
    lists in one go, like the live minutes).
    """

    loaded = Signal(int)  # total rows loaded so far
    reloading = Signal()  # a reload began: the rows shown stay until the new ones are in
    load_failed = Signal(str)

    def __init__(
        self,
        columns: Sequence[Column[Row]],
        loader: Loader[Row] | None,
        ops: Operations | None,
        *,
        page_size: int = FIRST_PAGE_ROWS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._loader = loader
        self._ops = ops
        self._page = page_size
        self._rows: list[Row] = []
        self._more = False
        self._loading = False
        self._generation = 0  # drops pages of a load that a newer reload replaced
        self._replace = False  # the next page read replaces the rows shown (a reload)
        self._sort = "default"
        self._descending = False
        self.sort_column = -1
        # Reloads asked for in one go (a screen setting its order, then its filters) run once:
        # every request would otherwise queue its own query on the one database thread.
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(0)
        self._pending.timeout.connect(lambda: self._request(0))

    # --- loading ----------------------------------------------------------------------
    def set_loader(self, loader: Loader[Row]) -> None:
        self._loader = loader
        self.reload()

    def reload(self) -> None:
        """Read the first page again (a new filter, order or change).

        The rows shown stay until the new ones are in, then give way in one reset: emptying the
        list first made it paint twice and, as its scroll bar went and came back, lay itself out
        and fit its columns twice more (Theo dõi: four paints a filter change instead of one).
        """
        if self._loader is None:
            return
        self._generation += 1
        self._more = False
        self._loading = True
        self._replace = True
        self._pending.start()
        self.reloading.emit()

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Show ``rows`` as they are (already read and sorted by a service)."""
        self._generation += 1
        self._pending.stop()
        self._replace = False
        self.beginResetModel()
        self._rows = list(rows)
        self._more = False
        self._loading = False
        self.endResetModel()
        self.loaded.emit(len(self._rows))

    def hand_over(self, loader: Loader[Row], ops: Operations) -> None:
        """Rows shown by ``set_rows`` (the start-up's first page, read before the database layer
        loaded) pass to ``loader``: they stay on screen while it reads the same page again, and
        are replaced only if it found something else. ``loaded`` follows, as after a reload."""
        self._loader, self._ops = loader, ops
        self._generation += 1
        self._pending.stop()
        self._replace = False
        self._loading = True
        generation = self._generation
        page = Page(0, self._page, self._sort, self._descending)
        ops.read(
            lambda session: loader(session, page),
            on_done=lambda rows: self._confirmed(generation, rows),
            on_error=lambda exc: self._failed(generation, exc),
            owner=self,
        )

    def _confirmed(self, generation: int, rows: list[Row]) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._more = len(rows) == self._page
        if rows != self._rows:
            import logging

            logging.getLogger(__name__).warning("the first page shown at start differed from the list's own")
            self.beginResetModel()
            self._rows = list(rows)
            self.endResetModel()
        self.loaded.emit(len(self._rows))

    def _request(self, offset: int) -> None:
        loader = self._loader
        assert loader is not None and self._ops is not None
        self._loading = True
        generation = self._generation
        page = Page(offset, self._page, self._sort, self._descending)
        self._ops.read(
            lambda session: loader(session, page),
            on_done=lambda rows: self._append(generation, rows),
            on_error=lambda exc: self._failed(generation, exc),
            owner=self,
        )

    def _append(self, generation: int, rows: list[Row]) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._more = len(rows) == self._page
        if self._replace:
            self._replace = False
            self.beginResetModel()
            self._rows = list(rows)
            self.endResetModel()
        elif rows:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        self.loaded.emit(len(self._rows))

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        from ui.tasks import user_message

        self._loading = False
        if self._replace:  # the rows shown were read for another filter or order: not theirs
            self._replace = False
            self.beginResetModel()
            self._rows = []
            self.endResetModel()
        self.load_failed.emit(user_message(exc))

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more and not self._loading

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._request(len(self._rows))

    @property
    def loading(self) -> bool:
        return self._loading

    # --- sorting: asked of the service ------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns) or self._columns[column].sort is None:
            return
        key = self._columns[column].sort
        assert key is not None
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self._sort, self._descending) and self.sort_column == column:
            return
        self._sort, self._descending, self.sort_column = key, descending, column
        self.reload()

    @property
    def sort_order(self) -> tuple[str, bool]:
        return self._sort, self._descending

    def is_sortable(self, column: int) -> bool:
        return 0 <= column < len(self._columns) and self._columns[column].sort is not None

    # --- Qt model ---------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    def row_of_id(self, ident: int) -> int | None:
        """The position of the row whose ``id`` is ``ident`` (rows without an id: None)."""
        return next((i for i, r in enumerate(self._rows) if getattr(r, "id", None) == ident), None)

    def rows(self) -> list[Row]:
        return list(self._rows)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].title
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return "Bấm để sắp xếp theo cột này" if self.is_sortable(section) else None
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every cell and role at each paint and column fit: plain int comparisons.
        if not index.isValid():
            return None
        role = int(role)
        if role not in _ROLES:
            return None
        row = self._rows[index.row()]
        column = self._columns[index.column()]
        if role == _DISPLAY:
            return column.text(row)
        if role == _ALIGNMENT:
            return _RIGHT if column.align_right else _LEFT
        if role == _FOREGROUND:
            if column.tone is None:
                return None
            tone = column.tone(row)
            return _BRUSHES[tone] if tone else None
        if role == _TOOLTIP:
            return column.tooltip(row) if column.tooltip else column.text(row)
        return row  # ROW_ROLE


_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_ROLES = frozenset({_DISPLAY, _TOOLTIP, _FOREGROUND, _ALIGNMENT, int(ROW_ROLE)})
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_BRUSHES = {tone: QBrush(color) for tone, color in TONES.items()}


class RowsById(RowTableModel[Any]):
    """Rows with an ``id``: replace one in place after a save, find one by id."""

    def replace_row(self, row: Any) -> None:
        index = self.row_of_id(row.id)
        if index is not None:
            self._rows[index] = row
            self.dataChanged.emit(self.index(index, 0), self.index(index, self.columnCount() - 1))
