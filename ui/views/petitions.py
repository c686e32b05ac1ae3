"""Ý kiến – kiến nghị and Theo dõi giải quyết: searchable lists of petitions."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from app.domain.rules import PetitionStatus
from app.domain.text import upper_first
from app.services import petitions
from app.services.petitions import PetitionFilter, PetitionRow
from app.storage.changes import Changes
from ui.context import AppContext
from ui.models.table import Column, Loader, Page, RowTableModel
from ui.operations import watch
from ui.views.common import ColumnFit, CountLabel, debounce, make_table_view
from ui.widgets import NfcLineEdit, page_title

# Tables whose changes can alter a row of these lists.
PETITION_KINDS = (
    "petition",
    "answer",
    "assignment",
    "resolution_update",
    "hamlet",
    "field",
    "unit",
    "dialogue",
)

PETITION_COLUMNS: list[Column[PetitionRow]] = [
    Column("Người nêu", lambda r: r.petitioner, sort="petitioner"),
    Column("Thôn/tổ", lambda r: r.hamlet, sort="hamlet"),
    Column("Nội dung", lambda r: r.content, sort="content", tooltip=lambda r: r.content),
    Column("Tình trạng", lambda r: r.status.label, sort="status", tone=lambda r: r.tone),
    # The deadline and its "còn N ngày" / "quá hạn N ngày" come from the rules module.
    Column("Thời hạn", lambda r: r.deadline_text, sort="deadline", tone=lambda r: r.tone),
    Column("Đơn vị giải quyết", lambda r: r.lead_unit, sort="lead_unit"),
    Column("Lĩnh vực", lambda r: r.field, sort="field"),
]
CONTENT_COLUMN, DEADLINE_COLUMN = 2, 4

STATUS_FILTERS: list[tuple[str, list[PetitionStatus] | None]] = [
    ("Tất cả tình trạng", None),
    ("Chưa xong (mới, đang giải quyết)", [PetitionStatus.NEW, PetitionStatus.IN_PROGRESS]),
] + [(upper_first(status.label), [status]) for status in PetitionStatus]


class PetitionsPage(QWidget):
    """Every petition, searchable; Enter opens one (its answers, history and actions)."""

    # Listed by F1 while this page is shown.
    SHORTCUTS = (
        ("Ctrl+F", "Tìm theo tên, thôn, nội dung (có dấu hoặc không dấu)"),
        ("Enter", "Mở ý kiến đang chọn"),
    )
    open_requested = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Ý kiến – kiến nghị"))
        bar = QHBoxLayout()
        self.search = NfcLineEdit()
        self.search.setPlaceholderText("Tìm theo tên, thôn, nội dung (gõ có dấu hoặc không dấu)… Ctrl+F")
        self.search.setClearButtonEnabled(True)
        bar.addWidget(self.search, 3)
        self.status_filter = QComboBox()
        for label, _statuses in STATUS_FILTERS:
            self.status_filter.addItem(label)
        bar.addWidget(self.status_filter, 1)
        layout.addLayout(bar)

        self.model: RowTableModel[PetitionRow] = RowTableModel(
            PETITION_COLUMNS, self._loader(), context.ops, parent=self
        )
        self.view = make_table_view(self.model, self)
        layout.addWidget(self.view, 1)
        footer = QHBoxLayout()
        self.count = CountLabel(self.model, "ý kiến")
        footer.addWidget(self.count)
        footer.addStretch(1)
        self.legend = QLabel("Đỏ: quá hạn · Vàng: sắp đến hạn · Xanh: đã xong")
        footer.addWidget(self.legend)
        layout.addLayout(footer)

        self._search_timer = debounce(self, 250, self.refresh)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.status_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.search.setFocus)
        self.view.doubleClicked.connect(lambda _index: self.open_selected())
        for keys in ("Return", "Enter"):
            QShortcut(QKeySequence(keys), self.view, activated=self.open_selected)
        # Short columns to their text (capped), the content gets what is left; on a narrow
        # screen (150 %) field and unit narrow, then step aside, before a scrollbar would appear.
        self.columns = ColumnFit(
            self.view,
            CONTENT_COLUMN,
            caps=dict.fromkeys(range(len(PETITION_COLUMNS)), 200),
            give_way=(6, 5, 0, 1),
            drop=(6, 5),
            keep=(4,),
            stretch_min=240,
            min_width=90,
            measure_once=True,
        )
        watch(context.ops, self, PETITION_KINDS, self._data_changed, skip_own=False)
        self.refresh()

    @Slot()
    def open_selected(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.open_requested.emit(self.model.row_at(index.row()).id)

    def _loader(self) -> Loader[PetitionRow]:
        query = self.search.text_nfc() if hasattr(self, "search") else ""
        index = self.status_filter.currentIndex() if hasattr(self, "status_filter") else 0
        flt = PetitionFilter(query=query, statuses=tuple(STATUS_FILTERS[index][1] or ()))

        def load(session: Session, page: Page) -> list[PetitionRow]:
            return petitions.list_petitions(
                session, flt, sort=page.sort, descending=page.descending, offset=page.offset, limit=page.limit
            )

        return load

    @Slot()
    def refresh(self) -> None:
        self.model.set_loader(self._loader())

    def _data_changed(self, _changes: Changes) -> None:
        # Another screen answered, assigned or renamed something shown here.
        self.model.reload()
