"""Ý kiến – kiến nghị and Theo dõi giải quyết: searchable lists of petitions."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Slot
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.domain.rules import PetitionStatus
from app.domain.text import upper_first
from app.services import petitions
from app.services.petitions import PetitionRow
from ui.context import AppContext
from ui.models.table import Column, RowTableModel
from ui.views.common import CountLabel, debounce, make_table_view
from ui.widgets import Banner, NfcLineEdit, page_title


def _deadline_tone(row: PetitionRow) -> str | None:
    return row.tone  # the one rule: app.domain.standing


def _deadline_text(row: PetitionRow) -> str:
    return row.deadline_text  # "05/3/2026 (còn 3 ngày)"; only the date once closed


PETITION_COLUMNS: list[Column[PetitionRow]] = [
    Column("Người nêu", lambda r: r.petitioner),
    Column("Thôn/tổ", lambda r: r.hamlet),
    Column("Nội dung", lambda r: r.content, tooltip=lambda r: r.content),
    Column("Tình trạng", lambda r: r.status.label, tone=_deadline_tone),
    Column(
        "Thời hạn",
        _deadline_text,
        sort=lambda r: (r.deadline is None, r.deadline or date.max),
        tone=_deadline_tone,
    ),
    Column("Đơn vị giải quyết", lambda r: r.lead_unit),
    Column("Lĩnh vực", lambda r: r.field),
]
CONTENT_COLUMN, DEADLINE_COLUMN = 2, 4

STATUS_FILTERS: list[tuple[str, list[PetitionStatus] | None]] = [
    ("Tất cả tình trạng", None),
    ("Chưa xong (mới, đang giải quyết)", [PetitionStatus.NEW, PetitionStatus.IN_PROGRESS]),
] + [(upper_first(status.label), [status]) for status in PetitionStatus]


class PetitionsPage(QWidget):
    """The list of every petition, or (``follow_up``) the open ones by nearest deadline."""

    # Listed by F1 while this page is shown.
    SHORTCUTS = (("Ctrl+F", "Tìm theo tên, thôn, nội dung (có dấu hoặc không dấu)"),)

    def __init__(
        self, context: AppContext, *, follow_up: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._follow_up = follow_up
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Theo dõi giải quyết" if follow_up else "Ý kiến – kiến nghị"))
        if follow_up:
            layout.addWidget(
                Banner(
                    "Các kiến nghị chưa giải quyết xong, thời hạn gần nhất (hoặc quá hạn lâu nhất) ở trên. "
                    "Cập nhật kết quả giải quyết và biểu đồ sẽ có trong phiên bản tới.",
                    "info",
                )
            )
        bar = QHBoxLayout()
        self.search = NfcLineEdit()
        self.search.setPlaceholderText("Tìm theo tên, thôn, nội dung (gõ có dấu hoặc không dấu)… Ctrl+F")
        self.search.setClearButtonEnabled(True)
        bar.addWidget(self.search, 3)
        self.status_filter = QComboBox()
        for label, _statuses in STATUS_FILTERS:
            self.status_filter.addItem(label)
        if follow_up:
            self.status_filter.setCurrentIndex(1)
        bar.addWidget(self.status_filter, 1)
        layout.addLayout(bar)

        self.model: RowTableModel[PetitionRow] = RowTableModel(
            PETITION_COLUMNS, self._loader(), context.tasks, parent=self
        )
        self.view, self.proxy = make_table_view(self.model, self)
        layout.addWidget(self.view, 1)
        footer = QHBoxLayout()
        self.count = CountLabel(self.model, "ý kiến")
        footer.addWidget(self.count)
        footer.addStretch(1)
        footer.addWidget(QLabel("Đỏ: quá hạn · Vàng: còn ≤ 7 ngày · Xanh: đã xong"))
        layout.addLayout(footer)

        self._search_timer = debounce(self, 250, self.refresh)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.status_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.search.setFocus)
        self.model.loaded.connect(self._fit_columns)
        self.refresh()

    def _loader(self):  # type: ignore[no-untyped-def]
        db = self._context.db
        query = self.search.text_nfc() if hasattr(self, "search") else ""
        index = (
            self.status_filter.currentIndex()
            if hasattr(self, "status_filter")
            else (1 if self._follow_up else 0)
        )
        statuses = STATUS_FILTERS[index][1]
        follow_up = self._follow_up

        def load(offset: int, limit: int) -> list[PetitionRow]:
            with db.reading() as session:
                return petitions.list_petitions(
                    session,
                    petitions.PetitionFilter(query=query, statuses=tuple(statuses or ())),
                    sort="deadline" if follow_up else "default",
                    offset=offset,
                    limit=limit,
                )

        return load

    @Slot()
    def refresh(self) -> None:
        self.model.set_loader(self._loader())

    def _fit_columns(self, _count: int) -> None:
        if self.model.rowCount() and not getattr(self, "_fitted", False):
            self._fitted = True
            # Fit 1366 px: short columns to their text (capped), the content gets what is left.
            for column in range(self.model.columnCount()):
                self.view.resizeColumnToContents(column)
                self.view.setColumnWidth(column, min(self.view.columnWidth(column), 200))
            self.view.setColumnWidth(CONTENT_COLUMN, 330)

    def showEvent(self, event: QShowEvent) -> None:
        # Coming back to this screen shows what other screens changed meanwhile (a dialogue
        # scheduled in a plan, a petition answered in the live minutes).
        if getattr(self, "_shown_before", False):
            self.model.reload()
        self._shown_before = True
        super().showEvent(event)
