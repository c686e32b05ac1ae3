"""Ctrl+K: one search box over everything, results grouped by kind with the matching words in bold.

The words go to :func:`app.services.search.search_everything` through the operations layer
(one search at a time, the latest text next: the first results are on screen well within 100 ms of
the last key); Enter or a double click asks the main window to open the item in its screen
(``open_requested``).
"""

from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QPainter, QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.domain.rules import PetitionStatus
from app.domain.text import short_date, upper_first
from app.services import catalog
from app.services.search import (
    SavedSearch,
    SearchFilter,
    SearchHit,
    SearchResults,
    save_search,
    saved_searches,
    search_everything,
)
from ui.context import AppContext
from ui.tasks import user_message
from ui.widgets import NfcLineEdit

HIT_ROLE = Qt.ItemDataRole.UserRole + 5
HTML_ROLE = Qt.ItemDataRole.UserRole + 6
HIT_LINES = 3  # the title, then up to two lines of text


def hit_where(hit: SearchHit) -> str:
    """Where a hit was said: its dialogue and day."""
    return " · ".join(x for x in (hit.dialogue_title, short_date(hit.day)) if x)


def hit_html(hit: SearchHit) -> str:
    """The text of a hit with the matching words in bold (below its one-line head)."""
    text = html.escape(hit.marked("\x01", "\x02")).replace("\x01", "<b style='background:#fff3b0'>")
    return text.replace(chr(2), "</b>")


def hit_head_html(hit: SearchHit, width: int, font: QFont) -> str:
    """What and where on one line ``width`` pixels wide: the place gives way first, then the title."""
    bold = QFont(font)
    bold.setBold(True)
    title_metrics, metrics = QFontMetrics(bold), QFontMetrics(font)
    title = title_metrics.elidedText(hit.title, Qt.TextElideMode.ElideRight, width)
    head = f"<b>{html.escape(title)}</b>"
    room = width - title_metrics.horizontalAdvance(title) - metrics.horizontalAdvance(" — ")
    where = metrics.elidedText(hit_where(hit), Qt.TextElideMode.ElideRight, room) if room > 40 else ""
    if where:
        head += f" <span style='color:#4b5563'>— {html.escape(where)}</span>"
    return head


def load_options(session: Session) -> dict[str, list[tuple[int, str]]]:
    return {
        "field": [(e.id, e.name) for e in catalog.list_entries(session, "field")],
        "hamlet": [(e.id, e.name) for e in catalog.list_entries(session, "hamlet")],
        "unit": [(e.id, e.name) for e in catalog.list_entries(session, "unit")],
        "saved": [(n, s.name) for n, s in enumerate(saved_searches(session))],
    }


def _lines_height(document: QTextDocument, count: int) -> float:
    """How far down the document's first ``count`` lines reach."""
    layout = document.documentLayout()
    bottom, block = 0.0, document.begin()
    while block.isValid() and count > 0:
        top = layout.blockBoundingRect(block).top()
        lines = block.layout()
        for n in range(min(count, lines.lineCount())):
            line = lines.lineAt(n)
            bottom = top + line.y() + line.height()
        count -= lines.lineCount()
        block = block.next()
    return bottom


class HitDelegate(QStyledItemDelegate):
    """Draws a hit's lines of rich text: only the rows on screen are laid out, at paint time.

    (A QLabel per hit laid out every hit of every kind before the first was shown: 100–200 ms
    for the 70 hits of a search.)
    """

    MARGIN_LEFT, MARGIN_TOP = 14, 3
    KEPT = 64  # laid-out hits kept: a screen of them, so hovering and scrolling lay none out again

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._documents: dict[tuple[str, int, str], QTextDocument] = {}

    def _document(self, hit: SearchHit, body: str, width: int, font: QFont) -> tuple[QTextDocument, float]:
        """The hit laid out ``width`` wide, and the height of its HIT_LINES first lines."""
        key = (body, width, font.key())
        kept = self._documents.get(key)
        if kept is None:
            if len(self._documents) >= self.KEPT:
                self._documents.pop(next(iter(self._documents)))
            document = QTextDocument()
            document.setDocumentMargin(0)
            document.setDefaultFont(font)
            document.setHtml(f"{hit_head_html(hit, width, font)}<br>{body}")
            document.setTextWidth(width)
            kept = self._documents[key] = (document, _lines_height(document, HIT_LINES))
        return kept

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        html = index.data(HTML_ROLE)
        if html is None:
            super().paint(painter, option, index)
            return
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        item.text = ""
        style = item.widget.style() if item.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, item.widget)
        width = item.rect.width() - self.MARGIN_LEFT - 6
        document, height = self._document(index.data(HIT_ROLE), html, width, item.font)
        painter.save()
        painter.translate(item.rect.left() + self.MARGIN_LEFT, item.rect.top() + self.MARGIN_TOP)
        # Whole lines only: a longer text stops at its second line (the tooltip has it all).
        document.drawContents(painter, QRectF(0, 0, width, min(height, item.rect.height() - self.MARGIN_TOP)))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        if index.data(HTML_ROLE) is None:
            return super().sizeHint(option, index)
        # No width of its own: the list gives each hit its whole width, so no sideways scrolling.
        return QSize(0, option.fontMetrics.lineSpacing() * HIT_LINES + 2 * self.MARGIN_TOP + 2)


class SearchDialog(QDialog):
    """The search popup."""

    open_requested = Signal(object)  # SearchHit
    results_shown = Signal(int)  # how many hits are on screen

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._saved: list[SavedSearch] = []
        self.results: SearchResults | None = None
        self.setWindowTitle("Tìm kiếm")
        self.resize(820, 560)
        self.box = NfcLineEdit()
        self.box.setPlaceholderText(
            "Tìm kiến nghị, trả lời, kết quả, biên bản, kết luận, kế hoạch, người, thôn…"
        )
        self.box.setClearButtonEnabled(True)
        self.year = QComboBox()
        self.year.addItem("Mọi năm", None)
        for year in range(2030, 2014, -1):
            self.year.addItem(str(year), year)
        self.field = QComboBox()
        self.hamlet = QComboBox()
        self.unit = QComboBox()
        self.status = QComboBox()
        self.status.addItem("Mọi tình trạng", None)
        self.status.addItem("Quá hạn", "overdue")
        for status in PetitionStatus:
            self.status.addItem(upper_first(status.label), status)
        self.saved = QComboBox()
        self.save_button = QPushButton("Lưu danh sách…")
        filters = QHBoxLayout()
        for widget in (self.year, self.field, self.hamlet, self.unit, self.status):
            filters.addWidget(widget)
        saved_row = QHBoxLayout()
        saved_row.addWidget(QLabel("Danh sách đã lưu:"))
        saved_row.addWidget(self.saved, 1)
        saved_row.addWidget(self.save_button)
        self.list = QListWidget()
        self.list.setAlternatingRowColors(False)
        self.list.setItemDelegate(HitDelegate(self.list))
        # A light selection: the hit is drawn on top of it in its own dark text.
        self.list.setStyleSheet(
            "QListWidget::item:selected { background: #dbeafe; border-left: 3px solid #1f3b57; }"
        )
        self.status_line = QLabel("Gõ vài chữ, có dấu hoặc không dấu. Enter: mở; Esc: đóng.")
        layout = QVBoxLayout(self)
        layout.addWidget(self.box)
        layout.addLayout(filters)
        layout.addLayout(saved_row)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.status_line)

        # A search starts at once; keys typed while it runs ask for one more, with the text as it
        # is when it ends. Results come a key after the key (a timer waiting for typing to pause
        # held every search back 60 ms), and a fast typist still queues one search, not one a key.
        self.searching = False
        self._again = False
        self.box.textChanged.connect(self._schedule)
        for combo in (self.year, self.field, self.hamlet, self.unit, self.status):
            combo.currentIndexChanged.connect(self._schedule)
        self.saved.activated.connect(self._use_saved)
        self.save_button.clicked.connect(self._save)
        self.list.itemActivated.connect(self._activate)
        self._load_options()

    def _load_options(self) -> None:
        self._context.ops.read(load_options, on_done=self._options_loaded, owner=self)

    def _options_loaded(self, options: dict[str, list[tuple[int, str]]]) -> None:
        for combo, key, everything in (
            (self.field, "field", "Mọi lĩnh vực"),
            (self.hamlet, "hamlet", "Mọi thôn, tổ"),
            (self.unit, "unit", "Mọi đơn vị"),
        ):
            keep = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for ident, name in options[key]:
                combo.addItem(name, ident)
            combo.setCurrentIndex(max(0, combo.findData(keep)))
            combo.blockSignals(False)
        self._context.ops.read(saved_searches, on_done=self._saved_loaded, owner=self)

    def _saved_loaded(self, saved: list[SavedSearch]) -> None:
        self._saved = saved
        self.saved.clear()
        self.saved.addItem("—", None)
        for n, item in enumerate(saved):
            self.saved.addItem(item.name, n)

    # --- searching ------------------------------------------------------------------------------
    def current_filter(self) -> SearchFilter:
        status = self.status.currentData()  # Qt hands a str enum back as a plain str
        return SearchFilter(
            year=self.year.currentData(),
            field_id=self.field.currentData(),
            hamlet_id=self.hamlet.currentData(),
            unit_id=self.unit.currentData(),
            statuses=(PetitionStatus(status),) if status not in (None, "overdue") else (),
            due="overdue" if status == "overdue" else None,
        )

    @Slot()
    def _schedule(self, *_args: object) -> None:
        if self.searching:
            self._again = True
        else:
            self.run_search()

    @Slot()
    def run_search(self) -> None:
        query, flt = self.box.text(), self.current_filter()
        self.searching, self._again = True, False
        self._context.ops.read(
            lambda s: search_everything(s, query, flt=flt, limit=8),
            on_done=self._searched,
            on_error=self._search_failed,
            owner=self,
        )

    def _searched(self, results: SearchResults) -> None:
        self.searching = False
        if self._again:
            self.run_search()  # typed on meanwhile: search the text as it is now
        else:
            self._show(results)

    def _search_failed(self, exc: BaseException) -> None:
        self.searching = False
        self.status_line.setText(user_message(exc))
        if self._again:
            self.run_search()

    def _show(self, results: SearchResults) -> None:
        if results.query != self.box.text():
            return  # the text changed without a search (a saved list being put back)
        self.results = results
        self.list.clear()
        first: QListWidgetItem | None = None
        for kind, hits in results.groups:
            header = QListWidgetItem(f"{kind.label} ({len(hits)})")
            header.setFlags(Qt.ItemFlag.NoItemFlags)
            font = header.font()
            font.setBold(True)
            header.setFont(font)
            header.setForeground(Qt.GlobalColor.darkBlue)
            self.list.addItem(header)
            for hit in hits:
                item = QListWidgetItem()
                item.setData(HIT_ROLE, hit)
                item.setData(HTML_ROLE, hit_html(hit))
                item.setToolTip(hit.snippet)
                self.list.addItem(item)
                first = first or item
        if first is not None:
            self.list.setCurrentItem(first)
        count = len(results.hits)
        if results.query.strip():
            self.status_line.setText(f"{count} kết quả." if count else "Không tìm thấy kết quả nào.")
        self.results_shown.emit(count)

    def current_hit(self) -> SearchHit | None:
        item = self.list.currentItem()
        return item.data(HIT_ROLE) if item is not None else None

    @Slot(QListWidgetItem)
    def _activate(self, item: QListWidgetItem) -> None:
        hit = item.data(HIT_ROLE)
        if hit is not None:
            self.open_requested.emit(hit)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.box.hasFocus():
            self.list.setFocus()
            self.list.keyPressEvent(event)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            hit = self.current_hit()
            if hit is not None:
                self.open_requested.emit(hit)
            return
        super().keyPressEvent(event)

    # --- saved lists ------------------------------------------------------------------------------
    @Slot(int)
    def _use_saved(self, index: int) -> None:
        number = self.saved.itemData(index)
        if number is None:
            return
        saved = self._saved[number]
        flt = saved.flt
        for combo, value in (
            (self.year, flt.year),
            (self.field, flt.field_id),
            (self.hamlet, flt.hamlet_id),
            (self.unit, flt.unit_id),
            (self.status, "overdue" if flt.due == "overdue" else (flt.statuses[0] if flt.statuses else None)),
        ):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.blockSignals(False)
        self.box.setText(saved.query)
        self._schedule()  # the filters were put back without a signal

    @Slot()
    def _save(self) -> None:
        name, ok = QInputDialog.getText(
            self, "Lưu danh sách", "Tên danh sách (ví dụ «Kiến nghị đất đai quá hạn»):"
        )
        if ok and name.strip():
            self.save_as(name)

    def save_as(self, name: str) -> None:
        saved = SavedSearch(name, self.box.text(), self.current_filter())
        self._context.ops.write(
            lambda s: save_search(s, saved), parent=self, on_done=lambda _r: self._load_options()
        )
