"""Hội nghị: the dialogues, what is due, and which notices are late."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.services.dialogues import DialogueRow, list_dialogues
from ui.context import AppContext
from ui.models.table import Column, RowTableModel
from ui.views.common import CountLabel, make_table_view
from ui.widgets import Banner, page_title


def _due_tone(row: DialogueRow) -> str | None:
    if row.notice_overdue:
        return "danger"
    if row.days_left is not None and 0 <= row.days_left <= 7 and row.state.value == "planned":
        return "warning"
    return "muted" if row.state.value == "closed" else None


def _notice_text(row: DialogueRow) -> str:
    return "Quá hạn gửi thông báo/giấy mời (≥ 7 ngày trước)" if row.notice_overdue else ""


DIALOGUE_COLUMNS: list[Column[DialogueRow]] = [
    Column("Thời gian", lambda r: r.when_text, sort=lambda r: r.scheduled_at or datetime.min),
    Column("Hội nghị", lambda r: r.title),
    Column("Địa điểm", lambda r: r.place),
    Column("Chủ trì", lambda r: r.chair),
    Column("Ý kiến", lambda r: str(r.petitions), sort=lambda r: r.petitions, align_right=True),
    Column("Tình trạng", lambda r: r.due_text, tone=_due_tone),
    Column("Lưu ý", _notice_text, tone=_due_tone),
]


class DialoguesPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Hội nghị"))
        layout.addWidget(
            Banner(
                "Danh sách hội nghị đã lên kế hoạch và đã tổ chức. Màn hình ghi biên bản trực tiếp "
                "(bắt đầu hội nghị, ghi ý kiến, trả lời, kết luận) chưa có trong phiên bản này.",
                "info",
            )
        )
        db = context.db

        def load(offset: int, limit: int) -> list[DialogueRow]:
            if offset:
                return []
            with db.reading() as session:
                return list_dialogues(session)

        self.model: RowTableModel[DialogueRow] = RowTableModel(
            DIALOGUE_COLUMNS, load, context.tasks, parent=self
        )
        self.view, self.proxy = make_table_view(self.model, self)
        layout.addWidget(self.view, 1)
        self.count: QLabel = CountLabel(self.model, "hội nghị")
        layout.addWidget(self.count)
        self.model.loaded.connect(self._fit_columns)
        self.model.reload()

    def _fit_columns(self, _count: int) -> None:
        self.view.resizeColumnsToContents()
        for column, cap in ((1, 420), (2, 260)):
            self.view.setColumnWidth(column, min(self.view.columnWidth(column), cap))
