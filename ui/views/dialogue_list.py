"""What the Hội nghị page shows of its list, and that list shown before the database layer loads.

ui.views.dialogues builds the page from these; at start-up ui.main shows :class:`FirstDialogues`
with the rows read by ``app.storage.first_page`` (no SQLAlchemy yet), then hands them to the page
(``RowTableModel.hand_over``). Nothing here imports SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QTableView, QVBoxLayout, QWidget

from app.domain.dialogue_list import DialogueRow
from ui.models.table import Column, RowTableModel
from ui.views.common import ColumnFit, CountLabel, make_table_view
from ui.widgets import Banner, page_title

TITLE = "Hội nghị"
INTRO = (
    "Chọn một hội nghị rồi nhấn Enter (hoặc nhấp đúp) để mở biên bản trực tiếp: bắt đầu hội nghị, "
    "ghi ý kiến, trả lời, kết luận. Mọi nội dung được lưu tự động."
)
NOUN = "hội nghị"
PAGE_SIZE = 100_000  # a commune's dialogues fit in one page


def _title_tip(row: DialogueRow) -> str:
    """The whole title, with the place and the chair (their columns give way on a narrow screen)."""
    lines = [row.title, row.place, f"Chủ trì: {row.chair}" if row.chair else ""]
    return "\n".join(line for line in lines if line)


DIALOGUE_COLUMNS: list[Column[DialogueRow]] = [
    Column("Thời gian", lambda r: r.when_text, sort="date"),
    Column("Hội nghị", lambda r: r.title, sort="title", tooltip=lambda r: _title_tip(r)),
    Column("Địa điểm", lambda r: r.place),
    Column("Chủ trì", lambda r: r.chair),
    Column("Ý kiến", lambda r: str(r.petitions), align_right=True),
    Column("Tình trạng", lambda r: r.due_text, sort="state", tone=lambda r: r.tone),
    Column("Lưu ý", lambda r: r.notice_text, tone=lambda r: r.tone),
]


def fit_columns(view: QTableView) -> ColumnFit:
    """The title takes what is left; "Lưu ý" is read whole. When the window is narrow (150 %),
    place and chair narrow first, then step aside (the title's tooltip still names them)."""
    return ColumnFit(
        view,
        1,
        caps={2: 170, 3: 150},
        give_way=(2, 3),
        drop=(2, 3),
        keep=(0, 6),
        stretch_min=240,
        min_width=90,
    )


class FirstDialogues(QWidget):
    """The Hội nghị list as the page shows it, from rows read at start-up; view only until the
    page takes them over."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title(TITLE))
        layout.addWidget(Banner(INTRO, "info"))
        self.model: RowTableModel[DialogueRow] = RowTableModel(
            DIALOGUE_COLUMNS, None, None, page_size=PAGE_SIZE, parent=self
        )
        self.view = make_table_view(self.model, self)
        layout.addWidget(self.view, 1)
        self.count = CountLabel(self.model, NOUN)
        layout.addWidget(self.count)
        self.columns = fit_columns(self.view)

    @property
    def order(self) -> tuple[str, bool]:
        """The order the page asks its list for first (the view sets it when sorting is enabled)."""
        return self.model.sort_order

    def show_rows(self, rows: Sequence[DialogueRow]) -> None:
        self.model.set_rows(rows)
