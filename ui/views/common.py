"""Building blocks of the list screens and the honest "not built yet" page."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

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
    # The service's order until a header is clicked. The indicator is cleared first: switching
    # sorting on sorts at once by the indicator's column, which Qt starts at the first one,
    # descending, so every list opened sorted by its first column backwards (a search's best
    # matches were lost among the names from Y to A).
    header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    # Qt's sorting switch only forwards header clicks to model.sort(); nothing is sorted here.
    view.setSortingEnabled(sortable)
    header.setSortIndicatorShown(sortable)
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
    CurrentRowKeeper(view, model)
    return view


class CurrentRowKeeper(QObject):
    """Keeps a list's current row, by its id, across the model's resets.

    Lists are filled again whenever their data changes (a reload after any write, another PC's
    change): without this the row the secretary had picked was lost, and Ctrl+T or Enter then
    acted on nothing.
    """

    def __init__(self, view: QTableView, model: RowTableModel) -> None:
        super().__init__(view)
        self._view, self._model = view, model
        self._kept: tuple[int, int] | None = None  # (row id, column)
        model.modelAboutToBeReset.connect(self._remember)
        model.modelReset.connect(self._restore)

    @Slot()
    def _remember(self) -> None:
        index = self._view.currentIndex()
        self._kept = None
        if index.isValid() and index.row() < self._model.rowCount():
            ident = getattr(self._model.row_at(index.row()), "id", None)
            if ident is not None:
                self._kept = (ident, index.column())

    @Slot()
    def _restore(self) -> None:
        kept, self._kept = self._kept, None
        if kept is None:
            return
        row = self._model.row_of_id(kept[0])
        selection = self._view.selectionModel()
        if row is None or selection is None:
            return
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        selection.setCurrentIndex(self._model.index(row, kept[1]), flags)


STRETCH_FLOOR = 140  # the narrowest the text column of a list may become


def content_width(view: QTableView, column: int) -> int:
    """The width ``view.resizeColumnToContents(column)`` would give, for a column of plain text.

    Qt asks the delegate for every cell it measures (the view's precision, 60 rows), and each ask
    fetches every role of the cell and lays its text out: 20–30 ms for a list page. The widest
    text is found here with the font's advances instead, and only its cell is measured by the
    delegate, so the style's own margins (Fusion here, the Windows style there) stay exact.
    """
    model, header = view.model(), view.horizontalHeader()
    rows = model.rowCount()
    precision = header.resizeContentsPrecision()
    top = max(0, view.verticalHeader().visualIndexAt(0))
    count = rows if precision <= 0 else min(rows, precision)
    first = max(0, min(top, rows - count))  # the rows Qt measures: from the top one shown
    metrics = view.fontMetrics()
    widest, widest_row = -1, -1
    seen: set[str] = set()  # a date or a state repeats down a column: each text measured once
    for row in range(first, first + count):
        value = model.data(model.index(row, column))
        text = "" if value is None else str(value)
        if text in seen:
            continue
        seen.add(text)
        advance = max(metrics.horizontalAdvance(line) for line in text.split("\n"))
        if advance > widest:
            widest, widest_row = advance, row
    content = 0
    if widest_row >= 0:
        content = view.sizeHintForIndex(model.index(widest_row, column)).width()
        content += 1 if view.showGrid() else 0
    return max(content, 0 if header.isHidden() else header.sectionSizeHint(column))


class ColumnFit(QObject):
    """Columns as wide as their contents (each under its cap); one text column takes the rest.

    Never wider than the view, so no horizontal scrollbar at 125–150 % scaling: when the contents
    need more room than the view has, the columns in ``give_way`` narrow first, in that order, down
    to ``min_width`` (their text is elided, the tooltip keeps it whole); if that is not enough the
    columns in ``drop`` are hidden, in that order (the row's tooltip should carry what they said);
    last, all but those in ``keep`` narrow in proportion. Refitted when the rows are loaded and whenever the view
    changes width.
    """

    def __init__(
        self,
        view: QTableView,
        stretch: int,
        *,
        caps: dict[int, int] | None = None,
        give_way: Sequence[int] = (),
        drop: Sequence[int] = (),
        keep: Sequence[int] = (),
        stretch_min: int = 160,
        min_width: int = 56,
        measure_once: bool = False,
    ) -> None:
        super().__init__(view)
        self._view, self._stretch = view, stretch
        self._caps = caps or {}
        self._give_way, self._drop, self._keep = tuple(give_way), tuple(drop), frozenset(keep)
        self._stretch_min, self._min_width = stretch_min, min_width
        self._natural: dict[int, int] = {}
        self._measured_rows = -1
        self._applied: tuple[int, tuple[int, ...], dict[int, int]] | None = None
        # A paged list measures its first page only: widths do not jump while it scrolls.
        self._measure_once = measure_once
        view.horizontalHeader().setStretchLastSection(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        # A narrowed column's title ends in «…» too, instead of being clipped at both ends.
        view.horizontalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.viewport().installEventFilter(self)
        model = view.model()
        loaded = getattr(model, "loaded", None)
        if loaded is not None:
            loaded.connect(self.refit)
        else:
            model.modelReset.connect(self.refit)

    def refit(self, *_args: object) -> None:
        """Measure the contents again (new rows), then share the width."""
        view, header = self._view, self._view.horizontalHeader()
        rows = view.model().rowCount()
        # Measuring walks the rows on the GUI thread: only when rows came or went (a list reloaded
        # after every autosave keeps its widths), and a paged list only once.
        if self._natural and (self._measure_once or rows == self._measured_rows):
            self.apply()
            return
        if rows == 0 and self._measure_once:
            return
        self._measured_rows = rows
        for column in self._drop:
            view.setColumnHidden(column, False)
        columns = [c for c in range(header.count()) if not view.isColumnHidden(c)]
        for column in columns:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        measured = [c for c in columns if c != self._stretch]
        # Not the text column: it takes what is left whatever its contents, and laying out its
        # long texts was most of the measuring (12 ms of the live window's opening).
        self._natural = {c: min(content_width(view, c), self._caps.get(c, 10_000)) for c in measured}
        self._applied = None  # the measuring changed those widths: set them all again
        self.apply()

    def _shared(self, available: int, hidden: Sequence[int]) -> tuple[dict[int, int], int]:
        widths = {c: w for c, w in self._natural.items() if c not in hidden}
        reserve = 0 if self._stretch in hidden else self._stretch_min
        deficit = sum(widths.values()) + reserve - available
        for column in self._give_way:
            if deficit <= 0:
                break
            if column in widths:
                take = min(deficit, max(0, widths[column] - self._min_width))
                widths[column] -= take
                deficit -= take
        return widths, deficit

    def apply(self) -> None:
        available = self._view.viewport().width()
        if available <= 0 or not self._natural:
            return
        for count in range(len(self._drop) + 1):
            hidden = self._drop[:count]
            widths, deficit = self._shared(available, hidden)
            if deficit <= 0:
                break
        if deficit > 0:  # the text column gives up part of its reserve, down to a readable width
            deficit -= min(deficit, max(0, self._stretch_min - min(self._stretch_min, STRETCH_FLOOR)))
        if deficit > 0:  # the columns not kept whole narrow in proportion
            total = sum(w for c, w in widths.items() if c not in self._keep)
            factor = max(0.0, (total - deficit) / total) if total else 1.0
            widths = {
                c: w if c in self._keep else max(min(w, self._min_width), int(w * factor))
                for c, w in widths.items()
            }
        applied = (available, tuple(hidden), widths)
        if applied == self._applied:
            return  # nothing changed: no relayout of the view
        self._applied = applied
        for column in self._drop:
            self._view.setColumnHidden(column, column in hidden)
        header = self._view.horizontalHeader()
        # The text column itself may step aside: then the first column left takes the room.
        stretch = self._stretch if self._stretch not in hidden else min(widths, default=self._stretch)
        for column, width in widths.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self._view.setColumnWidth(column, width)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.apply()
        return False


class CountLabel(QLabel):
    """ "Đang tải…" while a page loads, then "N dòng"."""

    def __init__(self, model: RowTableModel, noun: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._noun = noun
        model.reloading.connect(lambda: self.setText("Đang tải…"))
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


def menu_button(text: str, parent: QWidget | None = None) -> QToolButton:
    """A button that opens its menu on click, «▾» after its text.

    The style's own menu arrow is drawn over the last letters of the text (at 150 % it covers
    them): it is hidden and the ▾ is part of the text instead.
    """
    button = QToolButton(parent)
    button.setText(f"{text} ▾")
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    button.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }")
    return button
