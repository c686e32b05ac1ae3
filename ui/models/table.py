"""A table model over plain rows, loaded page by page through the task manager.

Views never hold ORM objects: the loader returns dataclass rows from a service; columns say how
to show them. Sorting in the proxy follows Vietnamese collation, not code points.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from app.domain.text import sort_key
from ui.tasks import TaskManager

Row = TypeVar("Row")
AnyIndex = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class Column(Generic[Row]):
    title: str
    text: Callable[[Row], str]
    sort: Callable[[Row], Any] | None = None  # defaults to Vietnamese collation of the text
    align_right: bool = False
    tone: Callable[[Row], str | None] | None = None  # "danger" | "warning" | "muted" | None
    tooltip: Callable[[Row], str] | None = None


TONES = {
    "danger": QColor("#b00020"),
    "warning": QColor("#9a6700"),
    "muted": QColor("#6b7280"),
    "ok": QColor("#1a7f37"),
}


class RowTableModel(QAbstractTableModel, Generic[Row]):
    """Rows come from ``loader(offset, limit)`` in pages; ``reload()`` starts over."""

    loaded = Signal(int)  # total rows loaded so far
    load_failed = Signal(str)

    def __init__(
        self,
        columns: Sequence[Column[Row]],
        loader: Callable[[int, int], list[Row]],
        tasks: TaskManager,
        *,
        page_size: int = 200,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._loader = loader
        self._tasks = tasks
        self._page = page_size
        self._rows: list[Row] = []
        self._more = False
        self._loading = False
        self._generation = 0  # drops pages of a load that a newer reload replaced

    # --- loading ----------------------------------------------------------------------
    def set_loader(self, loader: Callable[[int, int], list[Row]]) -> None:
        self._loader = loader
        self.reload()

    def reload(self) -> None:
        self._generation += 1
        self.beginResetModel()
        self._rows = []
        self._more = False
        self.endResetModel()
        self._request(0)

    def _request(self, offset: int) -> None:
        self._loading = True
        generation, loader, limit = self._generation, self._loader, self._page
        self._tasks.run(
            lambda: loader(offset, limit),
            on_success=lambda rows: self._append(generation, rows),
            on_failure=lambda exc: self._failed(generation, exc),
            owner=self,
        )

    def _append(self, generation: int, rows: list[Row]) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._more = len(rows) == self._page
        if rows:
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
        self.load_failed.emit(user_message(exc))

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more and not self._loading

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._request(len(self._rows))

    @property
    def loading(self) -> bool:
        return self._loading

    # --- Qt model ---------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    def rows(self) -> list[Row]:
        return list(self._rows)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].title
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(row) if column.tooltip else column.text(row)
        if role == SORT_ROLE:
            return column.sort(row) if column.sort else sort_key(column.text(row))
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ForegroundRole and column.tone:
            tone = column.tone(row)
            return QBrush(TONES[tone]) if tone else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column.align_right else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return None


class CollatedProxy(QSortFilterProxyModel):
    """Sorts by each column's sort value (Vietnamese collation for text)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)

    def lessThan(self, left: AnyIndex, right: AnyIndex) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if a is None or b is None:
            return (a is None) and (b is not None)
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)
