"""Kế hoạch: the plans on record (the editor arrives with the plan issue)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.services.plans import PlanRow, list_plans
from ui.context import AppContext
from ui.models.table import Column, RowTableModel
from ui.views.common import CountLabel, make_table_view
from ui.widgets import Banner, page_title

PLAN_COLUMNS: list[Column[PlanRow]] = [
    Column("Năm", lambda r: str(r.year), sort=lambda r: r.year),
    Column("Số, ký hiệu", lambda r: r.number_text),
    Column("Ngày ban hành", lambda r: r.issued_text, sort=lambda r: r.issued_on),
    Column("Trích yếu", lambda r: r.title),
    Column("Số hội nghị", lambda r: str(r.dialogues), sort=lambda r: r.dialogues, align_right=True),
]


class PlansPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Kế hoạch"))
        layout.addWidget(
            Banner(
                "Danh sách kế hoạch đã có. Soạn, sao chép kế hoạch và lên lịch hội nghị trong chương trình "
                "chưa có trong phiên bản này.",
                "info",
            )
        )
        db = context.db

        def load(offset: int, limit: int) -> list[PlanRow]:
            if offset:
                return []
            with db.reading() as session:
                return list_plans(session)

        self.model: RowTableModel[PlanRow] = RowTableModel(PLAN_COLUMNS, load, context.tasks, parent=self)
        self.view, self.proxy = make_table_view(self.model, self)
        layout.addWidget(self.view, 1)
        layout.addWidget(CountLabel(self.model, "kế hoạch"))
        self.model.loaded.connect(lambda _n: self.view.resizeColumnsToContents())
        self.model.reload()
