"""Cài đặt → «Cách tính thời hạn»: working or calendar days, per field, the office's days off.

Each change is saved at once through the operations layer (the same no-Save-button rule as
every screen); the service validates and a refusal is shown in place, in Vietnamese.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.domain.text import short_date
from app.domain.workdays import DEADLINE_MODES, MODE_LABELS
from app.errors import EditConflict
from app.services import catalog, settings
from app.services.opinion_import import parse_date
from app.services.settings import DeadlineRule
from ui.context import AppContext
from ui.tasks import user_message
from ui.widgets import FieldError


@dataclass(frozen=True)
class DeadlineSettings:
    default: DeadlineRule
    fields: list[tuple[int, str, DeadlineRule | None]]
    days_off: list[date]
    work_days: list[date]
    versions: dict[str, int]  # of each stored setting shown, handed back with each save


def load_deadline_settings(session: Session) -> DeadlineSettings:
    rules = settings.field_deadline_rules(session)
    return DeadlineSettings(
        default=settings.default_deadline_rule(session),
        fields=[(e.id, e.name, rules.get(e.id)) for e in catalog.list_entries(session, "field")],
        days_off=settings.local_days_off(session),
        work_days=settings.compensating_work_days(session),
        versions=settings.setting_versions(session, settings.DEADLINE_KEYS),
    )


def _mode_combo(with_default: bool) -> QComboBox:
    combo = QComboBox()
    if with_default:
        combo.addItem("Theo mặc định", None)
    for mode in DEADLINE_MODES:
        combo.addItem(MODE_LABELS[mode], mode)
    return combo


def parse_dates(text: str) -> tuple[list[date], list[str]]:
    """One date a line (``05/3/2026``); the lines that are not dates, to say which."""
    found, bad = [], []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            value = parse_date(line.strip())
        except ValueError:
            value = None
        if value is None:
            bad.append(line.strip())
        else:
            found.append(value)
    return found, bad


class DeadlineSettingsForm(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._loading = True
        # The version of each setting as last read or saved here: a value another PC saved
        # meanwhile is refused (settings.SettingsConflict), never overwritten.
        self._versions: dict[str, int] = {}
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.mode = _mode_combo(False)
        self.days = QSpinBox()
        self.days.setRange(1, 365)
        self.days.setSuffix(" ngày")
        form.addRow("Thời hạn giải quyết mặc định", self.days)
        form.addRow("Cách tính", self.mode)
        layout.addLayout(form)
        layout.addWidget(
            QLabel("<b>Riêng từng lĩnh vực</b> (để «Theo mặc định» nếu không có quy định riêng)")
        )
        self.fields = QTableWidget(0, 3)
        self.fields.setHorizontalHeaderLabels(["Lĩnh vực", "Cách tính", "Số ngày"])
        self.fields.verticalHeader().setVisible(False)
        self.fields.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.fields, 1)
        days_form = QFormLayout()
        self.days_off = QPlainTextEdit()
        self.days_off.setPlaceholderText("Ngày nghỉ riêng của cơ quan, mỗi dòng một ngày (ví dụ 10/3/2026)")
        self.days_off.setMaximumHeight(80)
        self.work_days = QPlainTextEdit()
        self.work_days.setPlaceholderText("Thứ Bảy, Chủ nhật làm bù, mỗi dòng một ngày")
        self.work_days.setMaximumHeight(80)
        days_form.addRow("Ngày nghỉ riêng", self.days_off)
        days_form.addRow("Ngày làm bù", self.work_days)
        layout.addLayout(days_form)
        layout.addWidget(
            QLabel(
                "Ngày nghỉ lễ, Tết (kể cả Tết Nguyên đán, Giỗ Tổ Hùng Vương) được tính sẵn theo lịch Nhà nước. "
                "Thời hạn tính theo ngày lịch rơi vào ngày nghỉ thì chuyển sang ngày làm việc kế tiếp."
            )
        )
        self.status = FieldError()
        layout.addWidget(self.status)
        self.saved = QLabel("")
        layout.addWidget(self.saved)
        self.mode.currentIndexChanged.connect(lambda _i: self._save_default())
        self.days.valueChanged.connect(lambda _v: self._save_default())
        self.days_off.textChanged.connect(
            lambda: self._save_dates(self.days_off, settings.LOCAL_DAYS_OFF_KEY, settings.set_local_days_off)
        )
        self.work_days.textChanged.connect(
            lambda: self._save_dates(
                self.work_days, settings.COMPENSATING_WORK_DAYS_KEY, settings.set_compensating_work_days
            )
        )
        # Nothing can be changed before the stored rules are shown: a change made earlier would
        # be overwritten by them, unsaved.
        self.setEnabled(False)
        self._load()

    def _load(self) -> None:
        self._context.ops.read(load_deadline_settings, on_done=self._show, owner=self)

    def _show(self, data: DeadlineSettings) -> None:
        self._loading = True
        self._versions = dict(data.versions)
        self.days.setValue(data.default.days)
        self.mode.setCurrentIndex(max(0, self.mode.findData(data.default.mode)))
        self.fields.setRowCount(len(data.fields))
        for row, (field_id, name, rule) in enumerate(data.fields):
            self.fields.setCellWidget(row, 0, QLabel(name))
            combo = _mode_combo(True)
            combo.setCurrentIndex(max(0, combo.findData(rule.mode if rule else None)))
            spin = QSpinBox()
            spin.setRange(1, 365)
            spin.setSuffix(" ngày")
            spin.setValue(rule.days if rule else data.default.days)
            spin.setEnabled(rule is not None)
            combo.currentIndexChanged.connect(
                lambda _i, f=field_id, c=combo, s=spin: self._save_field(f, c, s)
            )
            spin.valueChanged.connect(lambda _v, f=field_id, c=combo, s=spin: self._save_field(f, c, s))
            self.fields.setCellWidget(row, 1, combo)
            self.fields.setCellWidget(row, 2, spin)
        self.fields.resizeColumnsToContents()
        self.days_off.setPlainText("\n".join(short_date(d) for d in data.days_off))
        self.work_days.setPlainText("\n".join(short_date(d) for d in data.work_days))
        self._loading = False
        self.setEnabled(True)

    def _write(self, keys: tuple[str, ...], store: Callable[[Session, dict[str, int]], object]) -> None:
        """Save through ``store``, handing it the versions of ``keys`` as this form knows them.

        They are read when the save runs (saves run one after another on the database thread),
        so the form's own previous save is never taken for another PC's.
        """

        def work(session: Session) -> None:
            store(session, {key: self._versions.get(key, 0) for key in keys})
            self._versions.update(settings.setting_versions(session, keys))

        self.status.show_message(None)
        self._context.ops.write(
            work, on_done=lambda _r: self.saved.setText("Đã lưu."), on_error=self._failed, owner=self
        )

    def _failed(self, exc: BaseException) -> None:
        self.saved.setText("")
        self.status.show_message(user_message(exc))
        if isinstance(exc, EditConflict):  # another PC saved first: both shown, theirs reloaded
            self._context.ops.tasks.report_failure(exc)
            self._load()

    def _save_default(self) -> None:
        if self._loading:
            return
        mode, days = str(self.mode.currentData()), self.days.value()
        self._write(
            (settings.DEADLINE_MODE_KEY, settings.DEADLINE_DAYS_KEY),
            lambda s, seen: settings.set_default_deadline_rule(s, mode, days, expected=seen),
        )

    def _save_field(self, field_id: int, combo: QComboBox, spin: QSpinBox) -> None:
        if self._loading:
            return
        mode = combo.currentData()
        spin.setEnabled(mode is not None)
        days = spin.value() if mode else None
        key = settings.FIELD_DEADLINES_KEY
        self._write(
            (key,),
            lambda s, seen: settings.set_field_deadline_rule(s, field_id, mode, days, expected=seen[key]),
        )

    def _save_dates(self, edit: QPlainTextEdit, key: str, setter: Callable[..., object]) -> None:
        if self._loading:
            return
        found, bad = parse_dates(edit.toPlainText())
        if bad:
            self.status.show_message("Không hiểu ngày: " + ", ".join(bad) + ". Hãy gõ dạng 10/3/2026.")
            return
        self._write((key,), lambda s, seen: setter(s, found, expected=seen[key]))
