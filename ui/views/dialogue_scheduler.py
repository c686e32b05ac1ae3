"""The dialogues a plan schedules: a table and, under it, the selected one's details."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QSignalBlocker, Qt, QTime, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.domain import text
from app.domain.rules import DialogueState
from app.services import plans
from app.services.catalog import LeaderEntry
from app.services.dialogues import (
    DialogueDetail,
    DialogueInput,
    plan_dialogues,
)
from app.services.dialogues import (
    delete_dialogue as remove_dialogue,
)
from ui.autosave import SaveIndicator
from ui.context import AppContext
from ui.models.table import Column, Page, RowsById
from ui.tasks import user_message
from ui.views.common import ColumnFit, make_table_view
from ui.views.plan_widgets import Choices, DateTimeEdit, FormSaver, OptionalDateEdit, hint_label
from ui.widgets import FieldError, NfcLineEdit

# --- the dialogues of the plan ------------------------------------------------------------------


def notice_text(row: DialogueDetail) -> str:
    if row.notice_overdue:
        return f"Quá hạn gửi thông báo/giấy mời (hạn {text.short_date(row.notice_due)})"
    if row.state == DialogueState.PLANNED and row.notice_due:
        return f"Hạn gửi thông báo/giấy mời: {text.short_date(row.notice_due)}"
    if row.state == DialogueState.PLANNED and row.quarter:
        return "Chưa có ngày cụ thể"
    return ""


DIALOGUE_COLUMNS: list[Column[DialogueDetail]] = [
    Column("Thời gian", lambda r: r.when_text),
    Column("Hội nghị", lambda r: r.title),
    Column("Tình trạng", lambda r: r.due_text, tone=lambda r: r.tone),
    Column("Lưu ý", notice_text, tone=lambda r: r.tone),
    Column("Hạn thu ý kiến", lambda r: r.collect_text),
    Column("Chủ trì", lambda r: r.chair),
    Column("Đối tượng", lambda r: r.audience),
]


class DialogueScheduler(QWidget):
    """The dialogues the plan foresees: a table and, under it, the selected one's details."""

    dialogues_changed = Signal(int)  # how many the plan now has

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.plan_id: int | None = None
        self.plan_year = date.today().year
        self.dialogue_id: int | None = None
        self._loading = False
        self._leaders: tuple[LeaderEntry, ...] = ()
        self._pending_select: int | None = None
        self._focus_after_load = False
        self._columns_fitted = False
        self.columns: ColumnFit | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        bar = QHBoxLayout()
        self.add_button = QPushButton("+ Lên lịch hội nghị")
        self.add_button.setToolTip("Thêm một hội nghị vào kế hoạch (Ctrl+Shift+H)")
        self.add_button.setShortcut(QKeySequence("Ctrl+Shift+H"))
        self.add_button.clicked.connect(self.add_dialogue)
        self.delete_button = QPushButton("Xóa hội nghị")
        self.delete_button.setToolTip(
            "Xóa hội nghị đang chọn (phím Delete trong bảng); hội nghị đã tổ chức được giữ lại"
        )
        self.delete_button.clicked.connect(self.delete_dialogue)
        bar.addWidget(self.add_button)
        bar.addWidget(self.delete_button)
        bar.addStretch(1)
        self.indicator_box = QHBoxLayout()
        bar.addLayout(self.indicator_box)
        layout.addLayout(bar)
        self.message = FieldError()
        layout.addWidget(self.message)
        self.state_note = hint_label("")
        self.state_note.hide()

        splitter = QSplitter(Qt.Orientation.Vertical)

        def load(session: Session, page: Page) -> list[DialogueDetail]:
            plan_id = self.plan_id
            if page.offset or plan_id is None:
                return []
            return plan_dialogues(session, plan_id)

        self.model = RowsById(DIALOGUE_COLUMNS, load, context.ops, page_size=100_000, parent=self)
        self.view = make_table_view(self.model, self)
        self.view.setTabKeyNavigation(False)  # Tab leaves the table for the next field
        self.view.setSortingEnabled(False)
        self.view.setMinimumHeight(110)
        splitter.addWidget(self.view)
        QShortcut(
            QKeySequence(Qt.Key.Key_Delete),
            self.view,
            self.delete_dialogue,
            Qt.ShortcutContext.WidgetShortcut,
        )
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)
        self.model.loaded.connect(self._loaded)

        self.form_box = QWidget()
        form = QGridLayout(self.form_box)
        form.setContentsMargins(0, 6, 0, 0)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(4)
        self.title = NfcLineEdit()
        self.title.setPlaceholderText("Ví dụ: Hội nghị đối thoại với cán bộ, hội viên Hội Phụ nữ xã")
        self.by_quarter = QRadioButton("Theo quý")
        self.by_date = QRadioButton("Ngày giờ cụ thể")
        self._when_group = QButtonGroup(self)
        self._when_group.addButton(self.by_quarter)
        self._when_group.addButton(self.by_date)
        self.quarter = QComboBox()
        for q in range(1, 5):
            self.quarter.addItem(f"Quý {text.roman(q)}", q)
        self.scheduled_at = DateTimeEdit()
        self.scheduled_at.setDisplayFormat("HH:mm  dd/MM/yyyy")
        self.scheduled_at.setCalendarPopup(True)
        self.scheduled_at.setToolTip("Giờ và ngày tổ chức; phải thuộc năm của kế hoạch")
        self.place = NfcLineEdit()
        self.place.setPlaceholderText("Ví dụ: Hội trường Ủy ban nhân dân xã")
        self.audience = NfcLineEdit()
        self.audience.setPlaceholderText("Ví dụ: cán bộ, hội viên Hội Phụ nữ xã")
        self.chair = QComboBox()
        self.chair.setToolTip("Lãnh đạo chủ trì (Danh mục › Lãnh đạo)")
        self.co_chairs = QListWidget()
        self.co_chairs.setFlow(QListWidget.Flow.LeftToRight)
        self.co_chairs.setWrapping(True)
        self.co_chairs.setMaximumHeight(58)
        self.co_chairs.setToolTip("Đánh dấu người đồng chủ trì (phím cách để chọn)")
        self.collect_deadline = OptionalDateEdit()
        self.collect_deadline.setToolTip(
            "Hạn các thôn, đoàn thể gửi ý kiến trước hội nghị; Ctrl+Delete để trống"
        )
        self.notice = QLabel("")
        self.notice.setWordWrap(True)
        self.errors = {key: FieldError() for key in ("title", "scheduled_at", "quarter", "collect_deadline")}

        # The two ways of giving the time on two lines: on one line they were cut at 150 %.
        when = QGridLayout()
        when.setContentsMargins(0, 0, 0, 0)
        when.setVerticalSpacing(2)
        when.addWidget(self.by_quarter, 0, 0)
        when.addWidget(self.quarter, 0, 1)
        when.addWidget(self.by_date, 1, 0)
        when.addWidget(self.scheduled_at, 1, 1)
        when.setColumnStretch(2, 1)
        rows: list[tuple[str, QWidget | QGridLayout, str | None]] = [
            ("Tên hội nghị", self.title, "title"),
            ("Thời gian", when, "scheduled_at"),
            ("Địa điểm", self.place, None),
            ("Đối tượng", self.audience, None),
            ("Chủ trì", self.chair, None),
            ("Đồng chủ trì", self.co_chairs, None),
            ("Hạn thu ý kiến", self.collect_deadline, "collect_deadline"),
        ]
        line = 0
        for caption, widget, error in rows:
            form.addWidget(QLabel(caption), line, 0, Qt.AlignmentFlag.AlignTop)
            if isinstance(widget, QGridLayout):
                form.addLayout(widget, line, 1)
            elif widget is self.collect_deadline:
                deadline_row = QHBoxLayout()
                deadline_row.addWidget(self.collect_deadline)
                deadline_row.addWidget(self.notice, 1)
                form.addLayout(deadline_row, line, 1)
            else:
                form.addWidget(widget, line, 1)
            line += 1
            if error:
                form.addWidget(self.errors[error], line, 1)
                line += 1
        form.addWidget(self.errors["quarter"], line, 1)
        form.setColumnStretch(1, 1)
        form.setRowStretch(line + 1, 1)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.state_note)
        lower_layout.addWidget(self.form_box, 1)
        # On a short screen (150 %) the details scroll instead of their rows being squeezed.
        lower_scroll = QScrollArea()
        lower_scroll.setWidgetResizable(True)
        lower_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        lower_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        lower_scroll.setWidget(lower)
        splitter.addWidget(lower_scroll)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        self.empty_note = QLabel("Kế hoạch chưa có hội nghị nào. Bấm «+ Lên lịch hội nghị» (Ctrl+Shift+H).")
        self.empty_note.setStyleSheet("color: #6b7280;")
        layout.addWidget(self.empty_note)

        self.saver = FormSaver(context.ops, self.snapshot, self._save, parent=self, origin=self)
        self.saver.saved.connect(self._saved)
        self.saver.rejected.connect(self._rejected)
        self.saver.conflicted.connect(context.ops.tasks.report_failure)  # «đã được người khác sửa»
        # Each dialogue's version after the last read or save (written by the saves on the
        # database thread, one after another): an autosave never conflicts with its own previous one.
        self._versions: dict[int, int] = {}
        self.indicator = SaveIndicator(self.saver)
        self.indicator_box.addWidget(self.indicator)

        self.title.textEdited.connect(self._changed)
        self.place.textEdited.connect(self._changed)
        self.audience.textEdited.connect(self._changed)
        self.by_quarter.toggled.connect(self._when_toggled)
        self.quarter.currentIndexChanged.connect(self._changed)
        self.scheduled_at.dateTimeChanged.connect(self._changed)
        self.chair.currentIndexChanged.connect(self._changed)
        self.co_chairs.itemChanged.connect(self._changed)
        self.collect_deadline.dateChanged.connect(self._changed)
        self._show_form(False)

    # --- loading ------------------------------------------------------------------------------
    def set_plan(self, plan_id: int | None, year: int, rows: Sequence[DialogueDetail] | None = None) -> None:
        """Show the plan's dialogues: ``rows`` when the caller has just read them, else read them."""
        self.saver.flush()
        self.plan_id, self.plan_year = plan_id, year
        self.dialogue_id = None
        self._show_form(False)
        if rows is not None and plan_id is not None:
            self.model.set_rows(rows)
        else:
            self.model.reload()

    def set_year(self, year: int) -> None:
        self.plan_year = year

    def set_choices(self, choices: Choices) -> None:
        self._leaders = choices.leaders
        with QSignalBlocker(self.chair), QSignalBlocker(self.co_chairs):
            current = self.chair.currentData()
            checked = self._checked_co_chairs()
            self.chair.clear()
            self.chair.addItem("(chưa chọn)", None)
            self.co_chairs.clear()
            for leader in choices.leaders:
                self.chair.addItem(leader.label, leader.id)
                item = QListWidgetItem(leader.full_name)
                item.setToolTip(leader.label)
                item.setData(Qt.ItemDataRole.UserRole, leader.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if leader.id in checked else Qt.CheckState.Unchecked)
                self.co_chairs.addItem(item)
            index = self.chair.findData(current)
            self.chair.setCurrentIndex(max(0, index))

    def _loaded(self, count: int) -> None:
        self.empty_note.setVisible(count == 0)
        # Measuring the columns walks every cell: done when the tab is on screen, not for each
        # plan opened while «Nội dung kế hoạch» is the tab shown.
        self._columns_fitted = False
        if self.isVisible():
            self._fit_columns()
        self.dialogues_changed.emit(count)
        wanted = self._pending_select if self._pending_select is not None else self.dialogue_id
        self._pending_select = None
        row = self.model.row_of_id(wanted) if wanted is not None else None
        if row is None and count:
            row = 0
        if row is not None:
            self.view.setCurrentIndex(self.model.index(row, 0))
            self._load_row(self.model.row_at(row))
            if self._focus_after_load:
                # A dialogue just added: type its name straight away.
                self.title.setFocus(Qt.FocusReason.OtherFocusReason)
                self.title.selectAll()
        else:
            self._show_form(False)
        self._focus_after_load = False

    @Slot()
    def _row_changed(self, current: Any, _previous: Any) -> None:
        if not current.isValid():
            return
        row = self.model.row_at(current.row())
        if row.id != self.dialogue_id:
            self.saver.flush()
            self._load_row(row)

    def _load_row(self, row: DialogueDetail) -> None:
        self._loading = True
        try:
            self.dialogue_id = row.id
            self._versions[row.id] = max(self._versions.get(row.id, 0), row.version)
            self.title.setText(row.title)
            dated = row.scheduled_at is not None
            self.by_date.setChecked(dated)
            self.by_quarter.setChecked(not dated)
            self.quarter.setCurrentIndex((row.quarter or 1) - 1)
            moment = row.scheduled_at or self._default_moment(row.quarter or 1)
            self.scheduled_at.setDateTime(
                QDateTime(QDate(moment.year, moment.month, moment.day), QTime(moment.hour, moment.minute))
            )
            self.quarter.setEnabled(not dated)
            self.scheduled_at.setEnabled(dated)
            self.place.setText(row.place)
            self.audience.setText(row.audience)
            self.chair.setCurrentIndex(max(0, self.chair.findData(row.chair_id)))
            for i in range(self.co_chairs.count()):
                item = self.co_chairs.item(i)
                ident = item.data(Qt.ItemDataRole.UserRole)
                item.setCheckState(
                    Qt.CheckState.Checked if ident in row.co_chair_ids else Qt.CheckState.Unchecked
                )
            self.collect_deadline.set_value(row.collect_deadline)
            self._update_notice(row)
            for label in self.errors.values():
                label.show_message(None)
            editable = row.state == DialogueState.PLANNED
            self.form_box.setEnabled(editable)
            self.state_note.setVisible(not editable)
            self.state_note.setText(
                f"Hội nghị {row.state.label}: thời gian, địa điểm và người chủ trì được giữ như đã ghi."
            )
        finally:
            self._loading = False
        self._show_form(True)

    def _default_moment(self, quarter: int) -> datetime:
        return datetime(self.plan_year, quarter * 3 - 1, 15, 8, 0)

    def _show_form(self, visible: bool) -> None:
        self.form_box.setVisible(visible)
        if not visible:
            self.state_note.hide()
        self.delete_button.setEnabled(visible)

    def _checked_co_chairs(self) -> set[int]:
        return {
            self.co_chairs.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.co_chairs.count())
            if self.co_chairs.item(i).checkState() == Qt.CheckState.Checked
        }

    def _update_notice(self, row: DialogueDetail) -> None:
        self.notice.setText(notice_text(row))
        tone = row.tone
        self.notice.setStyleSheet(
            "color: #b00020; font-weight: 600;" if tone == "danger" else "color: #6b7280;"
        )

    # --- editing ------------------------------------------------------------------------------
    @Slot(bool)
    def _when_toggled(self, by_quarter: bool) -> None:
        self.quarter.setEnabled(by_quarter)
        self.scheduled_at.setEnabled(not by_quarter)
        if not by_quarter and not self._loading:
            self.scheduled_at.setFocus(Qt.FocusReason.OtherFocusReason)
        self._changed()

    @Slot()
    def _changed(self, *_args: object) -> None:
        if self._loading or self.dialogue_id is None:
            return
        self.saver.touch()

    def snapshot(self) -> tuple[int, int, DialogueInput]:
        assert self.plan_id is not None and self.dialogue_id is not None
        qdt = self.scheduled_at.dateTime()
        moment = datetime(
            qdt.date().year(), qdt.date().month(), qdt.date().day(), qdt.time().hour(), qdt.time().minute()
        )
        dated = self.by_date.isChecked()
        return (
            self.plan_id,
            self.dialogue_id,
            DialogueInput(
                organization_id=0,
                title=self.title.text_nfc(),
                scheduled_at=moment if dated else None,
                quarter=None if dated else self.quarter.currentData(),
                place=self.place.text_nfc(),
                audience=self.audience.text_nfc(),
                chair_id=self.chair.currentData(),
                co_chair_ids=tuple(sorted(self._checked_co_chairs())),
                collect_deadline=self.collect_deadline.value(),
            ),
        )

    def _save(self, session: Session, data: tuple[int, int, DialogueInput]) -> DialogueDetail:
        plan_id, dialogue_id, values = data
        values = replace(values, version=self._versions.get(dialogue_id))
        saved = plans.save_scheduled_dialogue(session, plan_id, dialogue_id, values)
        self._versions[dialogue_id] = saved.version
        return saved

    def _saved(self, _when: object) -> None:
        row = self.saver.last_result
        for label in self.errors.values():
            label.show_message(None)
        if isinstance(row, DialogueDetail):
            self.model.replace_row(row)
            if row.id == self.dialogue_id:
                self._update_notice(row)

    def _rejected(self, problems: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.show_message(problems.get(key))

    @Slot()
    def add_dialogue(self) -> None:
        if self.plan_id is None:
            return
        self.saver.flush()
        plan_id = self.plan_id

        def work(session: Session) -> int:
            return plans.schedule_dialogue(session, plan_id)

        def done(ident: int) -> None:
            self._pending_select = ident
            self._focus_after_load = True
            self.model.reload()

        self.message.show_message(None)
        self._context.ops.write(work, on_done=done, on_error=self._failed, owner=self)

    @Slot()
    def delete_dialogue(self) -> None:
        if self.dialogue_id is None or self.plan_id is None:
            return
        self.saver.flush()
        row_index = self.model.row_of_id(self.dialogue_id)
        title = self.model.row_at(row_index).title if row_index is not None else ""
        answer = QMessageBox.question(
            self,
            "Xóa hội nghị",
            f"Xóa hội nghị «{title}» khỏi kế hoạch?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        ident = self.dialogue_id

        def work(session: Session) -> None:
            remove_dialogue(session, ident)

        def done(_result: object) -> None:
            self.dialogue_id = None
            self.model.reload()

        self.message.show_message(None)
        self._context.ops.write(work, on_done=done, on_error=self._failed, owner=self)

    def _failed(self, exc: BaseException) -> None:
        self.message.show_message(user_message(exc))

    def _fit_columns(self) -> None:
        self._columns_fitted = True
        if self.columns is None:
            # Made on first sight (it refits after each load from then on). The name takes what
            # is left; time and state stay whole; on a narrow screen audience, chair, collection
            # deadline and «Lưu ý» narrow, then step aside (the details below show them all).
            self.columns = ColumnFit(
                self.view,
                1,
                caps={1: 230, 3: 320, 5: 140, 6: 200},
                give_way=(6, 5, 4, 3),
                drop=(6, 5, 4, 3),
                keep=(0, 2),
                stretch_min=160,
                min_width=80,
            )
        self.columns.refit()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._columns_fitted:
            self._fit_columns()

    def hideEvent(self, event: Any) -> None:
        self.saver.flush()
        super().hideEvent(event)
