"""Nhật ký: who changed what and when, filtered by date, person, kind of action and record.

A RowTableModel over ``audit.list_events`` (sorted, filtered and paged in SQL, newest first).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.domain.text import clock_time, short_date
from app.services import audit
from app.services.audit import AuditFilter, AuditRow
from app.storage.changes import Changes
from ui.context import AppContext
from ui.models.table import Column, Loader, Page, RowTableModel
from ui.operations import watch
from ui.views.common import CountLabel, make_table_view
from ui.widgets import page_title

ENTITY_LABELS = {
    "dialogue": "Hội nghị",
    "petition": "Ý kiến, kiến nghị",
    "minute_entry": "Dòng biên bản",
    "answer": "Trả lời",
    "conclusion": "Kết luận",
    "attendee": "Người dự",
    "plan": "Kế hoạch",
    "issued_document": "Văn bản",
    "setting": "Cài đặt",
    "database": "Tệp dữ liệu",
    "unit": "Đơn vị",
    "hamlet": "Thôn, tổ dân phố",
    "field": "Lĩnh vực",
    "leader": "Lãnh đạo",
}


def _who(row: AuditRow) -> str:
    return f"{row.actor} ({row.user})" if row.actor and row.user else row.actor or row.user


def _what(row: AuditRow) -> str:
    changes = row.details.get("changes")
    if isinstance(changes, dict) and changes:
        return "; ".join(f"{field}: {pair[0]!s} → {pair[1]!s}" for field, pair in changes.items())
    return ", ".join(f"{key}: {value}" for key, value in row.details.items() if key != "after_unlock")


AUDIT_COLUMNS: tuple[Column[AuditRow], ...] = (
    Column("Thời điểm", lambda r: f"{clock_time(r.at, seconds=True)} {short_date(r.at.date())}"),
    Column("Người thực hiện", _who),
    Column("Việc", lambda r: r.action_label),
    Column("Đối tượng", lambda r: ENTITY_LABELS.get(r.entity, r.entity)),
    Column("Mã", lambda r: "" if r.entity_id is None else str(r.entity_id), align_right=True),
    Column("Chi tiết", _what),
)
# A province user sees every commune's lines: which commune each belongs to comes first.
PROVINCE_AUDIT_COLUMNS: tuple[Column[AuditRow], ...] = (
    AUDIT_COLUMNS[0],
    Column("Xã, phường", lambda r: r.commune),
    *AUDIT_COLUMNS[1:],
)


class AuditLogPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        layout = QVBoxLayout(self)
        # The dates beside the title, the other filters under it: in one row at 150 % the dates
        # and «Mọi đối tượng» were cut.
        head = QHBoxLayout()
        head.addWidget(page_title("Nhật ký"))
        head.addStretch(1)
        self.use_dates = QCheckBox("Từ ngày")
        self.since = QDateEdit(QDate.currentDate().addDays(-30))
        self.until = QDateEdit(QDate.currentDate())
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
        head.addWidget(self.use_dates)
        head.addWidget(self.since)
        head.addWidget(QLabel("đến"))
        head.addWidget(self.until)
        layout.addLayout(head)
        bar = QHBoxLayout()
        self.person = QComboBox()
        self.person.addItem("Mọi người", "")
        bar.addWidget(self.person, 1)
        self.action = QComboBox()
        self.action.addItem("Mọi việc", "")
        for key, label in audit.ACTION_LABELS.items():
            self.action.addItem(label, key)
        bar.addWidget(self.action, 1)
        self.entity = QComboBox()
        self.entity.addItem("Mọi đối tượng", "")
        for key, label in ENTITY_LABELS.items():
            self.entity.addItem(label, key)
        bar.addWidget(self.entity, 1)
        self.record = QSpinBox()
        self.record.setRange(0, 2_000_000_000)
        self.record.setSpecialValueText("mọi mã")
        self.record.setPrefix("Mã ")
        bar.addWidget(self.record)
        # Only a province user (several communes, bound to none) gets the commune filter and column;
        # a commune user's lines are their commune's whatever they choose (app.services.audit).
        communes = context.ops.read_and_wait(audit.communes)
        self.commune = QComboBox()
        self.commune.addItem("Mọi xã, phường", None)
        for ident, name in communes:
            self.commune.addItem(name, ident)
        self.commune.setVisible(bool(communes))
        bar.addWidget(self.commune, 1)
        layout.addLayout(bar)
        self.model: RowTableModel[AuditRow] = RowTableModel(
            PROVINCE_AUDIT_COLUMNS if communes else AUDIT_COLUMNS, self._loader(), context.ops, parent=self
        )
        self.view = make_table_view(self.model, self)
        layout.addWidget(self.view, 1)
        self.count = CountLabel(self.model, "dòng nhật ký")
        layout.addWidget(self.count)
        for combo in (self.person, self.action, self.entity, self.commune):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.use_dates.toggled.connect(lambda _b: self.refresh())
        self.since.dateChanged.connect(lambda _d: self.refresh())
        self.until.dateChanged.connect(lambda _d: self.refresh())
        self.record.valueChanged.connect(lambda _v: self.refresh())
        watch(context.ops, self, ("audit_event",), self._data_changed, skip_own=False)
        context.ops.read(audit.people, on_done=self._fill_people, owner=self)
        self.refresh()

    def _fill_people(self, names: list[str]) -> None:
        current = self.person.currentData()
        self.person.blockSignals(True)
        self.person.clear()
        self.person.addItem("Mọi người", "")
        for name in names:
            self.person.addItem(name, name)
        index = self.person.findData(current)
        self.person.setCurrentIndex(max(0, index))
        self.person.blockSignals(False)

    def current_filter(self) -> AuditFilter:
        since: date | None = None
        until: date | None = None
        if self.use_dates.isChecked():
            since, until = self.since.date().toPython(), self.until.date().toPython()  # type: ignore[assignment]
        return AuditFilter(
            since=since,
            until=until,
            person=self.person.currentData() or "",
            action=self.action.currentData() or "",
            entity=self.entity.currentData() or "",
            entity_id=self.record.value() or None,
            commune_id=self.commune.currentData() if hasattr(self, "commune") else None,
        )

    def _loader(self) -> Loader[AuditRow]:
        where = self.current_filter() if hasattr(self, "record") else AuditFilter()

        def load(session: Session, page: Page) -> list[AuditRow]:
            return audit.list_events(session, where, offset=page.offset, limit=page.limit)

        return load

    @Slot()
    def refresh(self) -> None:
        self.model.set_loader(self._loader())

    def _data_changed(self, _changes: Changes) -> None:
        self.model.reload()
        self._context.ops.read(audit.people, on_done=self._fill_people, owner=self)
