"""Building blocks of the list screens and the honest "not built yet" page."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from ui.models.table import RowTableModel
from ui.widgets import Banner, page_title


class NotBuiltPage(QWidget):
    """Says plainly that a screen is not in this version yet, and what to use meanwhile."""

    def __init__(
        self, title: str, what_it_will_do: str, meanwhile: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title(title))
        text = (
            f"Màn hình này chưa có trong phiên bản hiện tại. Khi hoàn thành, tại đây bạn sẽ {what_it_will_do}"
        )
        if meanwhile:
            text += f"\n\nTrong lúc chờ: {meanwhile}"
        self.banner = Banner(text, "warning")
        layout.addWidget(self.banner)
        layout.addStretch(1)


def make_table_view(model: RowTableModel, parent: QWidget | None = None) -> QTableView:
    """A list view straight over ``model``: a header click asks the service for that order."""
    view = QTableView(parent)
    view.setModel(model)
    header = view.horizontalHeader()
    sortable = any(model.is_sortable(c) for c in range(model.columnCount()))
    # Qt's sorting switch only forwards header clicks to model.sort(); nothing is sorted here.
    view.setSortingEnabled(sortable)
    header.setSortIndicatorShown(sortable)
    header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the service's order until asked
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    # Fitting a column measures its first 60 rows (more than a screen holds), not Qt's default
    # 1 000: a page of 200 rows is then fitted in a few ms instead of ~250 ms.
    header.setResizeContentsPrecision(60)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    return view


class CountLabel(QLabel):
    """ "Đang tải…" while a page loads, then "N dòng"."""

    def __init__(self, model: RowTableModel, noun: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._noun = noun
        model.modelReset.connect(lambda: self.setText("Đang tải…"))
        model.loaded.connect(
            lambda count: self.setText(
                f"{count} {noun}" + (" (cuộn xuống để xem thêm)" if model.canFetchMore() else "")
            )
        )
        model.load_failed.connect(self.setText)


def debounce(parent: QWidget, msecs: int, callback) -> QTimer:  # type: ignore[no-untyped-def]
    """A single-shot timer restarted by each call: run ``callback`` once typing pauses."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(msecs)
    timer.timeout.connect(callback)
    return timer
