"""One petition, followed to its answer: who raised it, the answers, assignments and history.

Opened from Theo dõi giải quyết, Ý kiến – kiến nghị and the live minutes. Every action (ghi kết
quả, đổi tình trạng, giao lại, gia hạn, đánh dấu trùng, mở lại, đã thông báo cho công dân) is one
service call through the operations layer; the window refreshes when the petition changes,
whoever changed it.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app import paths
from app.domain.rules import PetitionStatus
from app.domain.text import clean, nfc, short_date, upper_first
from app.services import followup, petitions, wording
from app.services.followup import PetitionDetail
from app.services.petitions import PetitionFilter
from app.storage.changes import Changes
from ui import file_dialogs
from ui.autosave import Autosaver
from ui.context import AppContext
from ui.models.table import TONES
from ui.operations import watch
from ui.views.follow_up import (
    AssignDialog,
    BulkDialog,
    ExtendDialog,
    FilterOptions,
    InformedDialog,
    StatusDialog,
    date_edit,
    load_filter_options,
    pydate,
    qdate,
)
from ui.widgets import FieldError, NfcLineEdit

WATCHED = ("petition", "answer", "assignment", "resolution_update")
ORIGINAL_ROLE = Qt.ItemDataRole.UserRole


def _fixed_table(headers: list[str]) -> QTableWidget:
    # A handful of rows that belong to one petition: a small read-only grid, not a data list.
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setWordWrap(True)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill_table(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setToolTip(value)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    table.resizeRowsToContents()
    table.setFixedHeight(min(260, 30 + sum(table.rowHeight(r) for r in range(len(rows)))))


class PetitionWindow(QDialog):
    """The petition and what can be done with it (non-modal, one per petition)."""

    SHORTCUTS = (
        ("Ctrl+R", "Ghi kết quả giải quyết"),
        ("Ctrl+Shift+S", "Đổi tình trạng"),
        ("Ctrl+G", "Giao lại đơn vị"),
        ("Ctrl+H", "Gia hạn"),
        ("Ctrl+D", "Đánh dấu trùng với ý kiến khác"),
        ("Ctrl+Shift+O", "Mở lại (kèm lý do)"),
        ("Ctrl+Shift+T", "Đã thông báo kết quả cho công dân"),
        ("Esc", "Đóng"),
    )

    def __init__(self, context: AppContext, petition_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.petition_id = petition_id
        self.detail: PetitionDetail | None = None
        self._options: FilterOptions | None = None
        self.setWindowTitle("Ý kiến, kiến nghị")
        self.resize(980, 680)
        outer = QVBoxLayout(self)
        self.heading = QLabel("Đang tải…")
        self.heading.setWordWrap(True)
        outer.addWidget(self.heading)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        layout = QVBoxLayout(body)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        layout.addWidget(self.facts)
        layout.addWidget(QLabel("<b>Nội dung</b>"))
        self.content = QPlainTextEdit()
        self.content.setReadOnly(True)
        self.content.setMaximumHeight(90)
        layout.addWidget(self.content)
        layout.addWidget(
            QLabel(
                "<b>Tóm tắt in trong Thông báo kết luận</b> (ngôi thứ ba; biên bản giữ nguyên lời người nêu)"
            )
        )
        self.summary = QPlainTextEdit()
        self.summary.setMaximumHeight(70)
        self.summary.setTabChangesFocus(True)
        layout.addWidget(self.summary)
        self.summary_saver = Autosaver(
            context.ops, lambda: nfc(self.summary.toPlainText()), self._save_summary, parent=self, origin=self
        )
        self.summary_saver.conflicted.connect(self._summary_conflicted)
        # The petition's version after the last read or write of this window, shared with the
        # action dialogs it opens (they write it back after their action, on the database thread).
        self._known: dict[int, int] = {}
        self.summary.textChanged.connect(
            lambda: None if self._loading_summary else self.summary_saver.touch()
        )
        self._loading_summary = False
        layout.addWidget(QLabel("<b>Trả lời tại hội nghị</b>"))
        self.answers = QLabel()
        self.answers.setWordWrap(True)
        layout.addWidget(self.answers)
        layout.addWidget(QLabel("<b>Giao giải quyết</b>"))
        self.assignments = _fixed_table(["Đơn vị chủ trì", "Phối hợp", "Nhiệm vụ", "Ngày giao", "Thời hạn"])
        layout.addWidget(self.assignments)
        layout.addWidget(QLabel("<b>Quá trình giải quyết</b>"))
        self.history = _fixed_table(["Ngày", "Việc", "Nội dung", "Văn bản trả lời", "Người ghi", "Tệp"])
        self.history.cellDoubleClicked.connect(self._open_attachment)
        layout.addWidget(self.history)
        self.no_history = QLabel("<i>Chưa ghi nhận kết quả hay bước giải quyết nào.</i>")
        layout.addWidget(self.no_history)
        self.links = QLabel()
        self.links.setWordWrap(True)
        layout.addWidget(self.links)
        layout.addStretch(1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        self.message = FieldError()
        outer.addWidget(self.message)
        buttons = QHBoxLayout()
        self.action_buttons: dict[str, QPushButton] = {}
        for key, label, keys, slot in (
            ("result", "Ghi kết quả", "Ctrl+R", self.record_result),
            ("status", "Đổi tình trạng", "Ctrl+Shift+S", self.change_status),
            ("assign", "Giao lại", "Ctrl+G", self.reassign),
            ("extend", "Gia hạn", "Ctrl+H", self.extend),
            ("duplicate", "Trùng với…", "Ctrl+D", self.mark_duplicate),
            ("reopen", "Mở lại", "Ctrl+Shift+O", self.reopen),
            ("informed", "Đã báo công dân", "Ctrl+Shift+T", self.informed),
        ):
            button = QPushButton(label)
            button.setToolTip(f"{label} ({keys})")
            button.clicked.connect(slot)
            QShortcut(QKeySequence(keys), self, activated=slot)
            buttons.addWidget(button)
            self.action_buttons[key] = button
        buttons.addStretch(1)
        close = QPushButton("Đóng")
        close.clicked.connect(self.close)
        buttons.addWidget(close)
        outer.addLayout(buttons)

        watch(context.ops, self, WATCHED, self._data_changed, skip_own=False)
        context.ops.read(load_filter_options, on_done=self._options_loaded, owner=self)
        self.reload()

    # --- showing ----------------------------------------------------------------------------
    def reload(self) -> None:
        ident = self.petition_id
        self._context.ops.read(
            lambda session: wording.proposed_summary(session, ident), on_done=self._summary_loaded, owner=self
        )
        self._context.ops.read(
            lambda session: followup.petition_detail(session, ident),
            on_done=self.show_detail,
            on_error=lambda exc: self.message.show_message(str(getattr(exc, "user_message", exc))),
            owner=self,
        )

    def _save_summary(self, session: Session, summary: str) -> None:
        # Runs on the database thread, after this window's earlier writes: the version it hands
        # back is the one its previous save left, so the autosave never conflicts with itself.
        if self.petition_id in self._known:
            petitions.expect_versions(session, {self.petition_id: self._known[self.petition_id]})
        wording.set_summary(session, self.petition_id, summary)
        version = petitions.version_of(session, self.petition_id)
        if version is not None:
            self._known[self.petition_id] = version

    def _summary_conflicted(self, exc: BaseException) -> None:
        self.message.show_message(str(getattr(exc, "user_message", exc)))
        self.reload()

    def _summary_loaded(self, summary: str) -> None:
        if self.summary_saver.pending:
            return  # what is being typed wins over what was stored
        self._loading_summary = True
        self.summary.setPlainText(summary)
        self._loading_summary = False

    def closeEvent(self, event: Any) -> None:
        self.summary_saver.flush()
        super().closeEvent(event)

    def _data_changed(self, changes: Changes) -> None:
        if (
            not changes.ids
            or self.petition_id in changes.ids_of("petition")
            or changes.touches("resolution_update", "assignment")
        ):
            self.reload()

    def _options_loaded(self, options: FilterOptions) -> None:
        self._options = options

    def show_detail(self, detail: PetitionDetail) -> None:
        self.detail = detail
        self._known[detail.id] = max(self._known.get(detail.id, 0), detail.version)
        who = detail.petitioner or "Công dân"
        where = f" ({detail.hamlet})" if detail.hamlet else ""
        colour = TONES[detail.tone].name() if detail.tone else "#111827"
        deadline = (
            f" · <span style='color:{colour}'>{html.escape(detail.deadline_text)}</span>"
            if detail.deadline_text
            else ""
        )
        self.heading.setText(
            f"<span style='font-size:large'><b>{html.escape(who + where)}</b></span><br>"
            f"<span style='color:{colour}'><b>{html.escape(upper_first(detail.status_label))}</b></span>{deadline}"
        )
        self.setWindowTitle(f"Ý kiến của {who}{where}")
        facts = [
            (
                "Hội nghị",
                " – ".join(
                    x for x in (detail.dialogue_title, short_date(detail.dialogue_date), detail.place) if x
                ),
            ),
            ("Nguồn", upper_first(detail.source_label)),
            ("Loại", upper_first(detail.kind_label)),
            ("Lĩnh vực", detail.field),
            ("Tổ chức, đoàn thể", detail.organization),
            ("Điện thoại", detail.phone),
            ("Địa chỉ", detail.address),
            ("Chuyển đến", detail.forwarded_to),
        ]
        if detail.informed_on:
            facts.append(
                ("Đã thông báo cho công dân", f"{short_date(detail.informed_on)} ({detail.informed_how})")
            )
        elif not detail.finished_for_citizen and detail.status == PetitionStatus.RESOLVED:
            facts.append(("Công dân", "chưa được thông báo kết quả"))
        self.facts.setText("<br>".join(f"<b>{html.escape(k)}:</b> {html.escape(v)}" for k, v in facts if v))
        self.content.setPlainText(detail.content)
        self.answers.setText(
            "<br>".join(
                f"<b>{html.escape(who_answered or 'Lãnh đạo')}</b> ({html.escape(outcome)}): {html.escape(text)}"
                for who_answered, text, outcome in detail.answers
            )
            or "<i>Chưa có trả lời tại hội nghị.</i>"
        )
        _fill_table(
            self.assignments,
            [
                [
                    a.lead_unit,
                    ", ".join(a.supporting),
                    a.task,
                    short_date(a.assigned_on),
                    short_date(a.deadline),
                ]
                for a in detail.assignments
            ],
        )
        _fill_table(
            self.history,
            [
                [
                    short_date(h.on),
                    h.label,
                    h.text + (f" (lý do: {h.reason})" if h.reason else ""),
                    " ngày ".join(x for x in (h.reply_number, short_date(h.reply_date)) if x),
                    h.recorded_by,
                    Path(h.attachment).name if h.attachment else "",
                ]
                for h in detail.history
            ],
        )
        self.history.setVisible(bool(detail.history))
        self.no_history.setVisible(not detail.history)
        self.assignments.setVisible(bool(detail.assignments))
        links = []
        if detail.duplicate_of:
            links.append(f"<b>Trùng với:</b> {html.escape(detail.duplicate_of.summary)}")
        if detail.duplicates:
            links.append(
                "<b>Các ý kiến trùng với ý kiến này:</b> "
                + "; ".join(html.escape(d.summary) for d in detail.duplicates)
            )
        self.links.setText("<br>".join(links))
        allowed = set(detail.allowed_statuses)
        self.action_buttons["result"].setEnabled(bool(allowed) or detail.status == PetitionStatus.IN_PROGRESS)
        self.action_buttons["status"].setEnabled(bool(allowed))
        closed = detail.status in (
            PetitionStatus.RESOLVED,
            PetitionStatus.WITHDRAWN,
            PetitionStatus.DUPLICATE,
        )
        self.action_buttons["reopen"].setEnabled(closed)

    def _open_attachment(self, row: int, _column: int) -> None:
        if self.detail is None or row >= len(self.detail.history):
            return
        attachment = self.detail.history[row].attachment
        if attachment:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.data_dir() / attachment)))

    # --- actions ----------------------------------------------------------------------------
    def _versions(self) -> dict[str, Any]:
        """The version this window shows, for the action's dialog: acting on a petition another
        PC changed since is refused («đã được người khác sửa»), never applied over their change."""
        if self.detail is None:
            return {}
        self._known[self.detail.id] = max(self._known.get(self.detail.id, 0), self.detail.version)
        return {"versions": self._known, "seen": {self.detail.id: self.detail.fields}}

    def _open(self, dialog: QDialog) -> None:
        self.message.show_message(None)
        dialog.open()

    @Slot()
    def record_result(self) -> None:
        self._open(
            ResultDialog(
                self._context,
                [self.petition_id],
                "Ghi kết quả giải quyết",
                self._options,
                self,
                **self._versions(),
            )
        )

    @Slot()
    def change_status(self) -> None:
        dialog = StatusDialog(
            self._context, [self.petition_id], "Đổi tình trạng", self._options, self, **self._versions()
        )
        if self.detail is not None:
            # Only where the rules allow from here (DOMAIN §2), so no refusal after the fact.
            dialog.status.clear()
            for status in self.detail.allowed_statuses:
                dialog.status.addItem(upper_first(status.label), status)
        self._open(dialog)

    @Slot()
    def reassign(self) -> None:
        self._open(
            AssignDialog(
                self._context,
                [self.petition_id],
                "Giao lại đơn vị giải quyết",
                self._options,
                self,
                **self._versions(),
            )
        )

    @Slot()
    def extend(self) -> None:
        dialog = ExtendDialog(
            self._context, [self.petition_id], "Gia hạn giải quyết", self._options, self, **self._versions()
        )
        if self.detail is not None and self.detail.deadline:
            dialog.deadline.setDate(qdate(self.detail.deadline))
        self._open(dialog)

    @Slot()
    def mark_duplicate(self) -> None:
        self._open(
            DuplicateDialog(
                self._context, [self.petition_id], "Đánh dấu trùng", self._options, self, **self._versions()
            )
        )

    @Slot()
    def reopen(self) -> None:
        self._open(
            ReopenDialog(
                self._context, [self.petition_id], "Mở lại ý kiến", self._options, self, **self._versions()
            )
        )

    @Slot()
    def informed(self) -> None:
        self._open(
            InformedDialog(
                self._context,
                [self.petition_id],
                "Đã thông báo kết quả cho công dân",
                self._options,
                self,
                **self._versions(),
            )
        )


class ResultDialog(BulkDialog):
    """The unit's reply: date, result, its document (số, ngày), an optional scanned copy."""

    def build(self) -> None:
        self.on = date_edit()
        self.result = QPlainTextEdit()
        self.result.setPlaceholderText("Kết quả giải quyết (bắt buộc)")
        self.result.setTabChangesFocus(True)
        self.result.setMaximumHeight(110)
        self.status = QComboBox()
        for status in (PetitionStatus.RESOLVED, PetitionStatus.IN_PROGRESS):
            label = (
                "Đã giải quyết xong"
                if status == PetitionStatus.RESOLVED
                else "Đang giải quyết (kết quả từng phần)"
            )
            self.status.addItem(label, status)
        self.reply_number = NfcLineEdit()
        self.reply_number.setPlaceholderText("Số văn bản trả lời, ví dụ 12/BC-ĐCXD")
        self.reply_date = date_edit()
        self.attachment: Path | None = None
        pick = QPushButton("Đính kèm tệp (bản chụp văn bản)…")
        pick.clicked.connect(self._pick)
        self.attachment_label = QLabel("")
        self.form.addRow("Ngày ghi nhận", self.on)
        self.form.addRow("Kết quả", self.result)
        self.form.addRow("Tình trạng sau", self.status)
        self.form.addRow("Văn bản trả lời", self.reply_number)
        self.form.addRow("Ngày văn bản", self.reply_date)
        self.form.addRow(pick, self.attachment_label)

    def _pick(self) -> None:
        # Documents (or the folder of the last export), never the working directory.
        chosen = file_dialogs.ask_open_file(self, "Chọn tệp đính kèm")
        if chosen:
            self.attachment = chosen
            self.attachment_label.setText(self.attachment.name)

    def collect(self) -> dict[str, Any]:
        return {
            "on": pydate(self.on.date()),
            "result": clean(nfc(self.result.toPlainText())),
            "status_after": PetitionStatus(self.status.currentData()),  # Qt hands str enums back as str
            "reply_number": self.reply_number.text_nfc(),
            "reply_date": pydate(self.reply_date.date()) if self.reply_number.text_nfc() else None,
            "attachment": self.attachment,
        }

    def operation(self, session: Session, values: dict[str, Any]) -> int:
        return followup.record_result(session, self.ids[0], **values)


class ReopenDialog(BulkDialog):
    def build(self) -> None:
        self.reason = NfcLineEdit()
        self.reason.setPlaceholderText(
            "Lý do mở lại (bắt buộc), ví dụ: công dân phản ánh chưa được giải quyết"
        )
        self.form.addRow("Lý do", self.reason)

    def collect(self) -> str:
        return self.reason.text_nfc()

    def operation(self, session: Session, reason: str) -> int:
        followup.reopen(session, self.ids[0], reason=reason)
        return 1


class DuplicateDialog(BulkDialog):
    """Find the original by typing a few words (tone- and đ-insensitive), then pick it."""

    def build(self) -> None:
        self.query = NfcLineEdit()
        self.query.setPlaceholderText("Gõ vài chữ của ý kiến gốc, tên người nêu hoặc thôn…")
        self.found = QListWidget()
        self.found.setMinimumHeight(160)
        self.form.addRow("Tìm", self.query)
        self.form.addRow("Ý kiến gốc", self.found)
        self.query.textChanged.connect(self._search)

    def _search(self, text: str) -> None:
        query, own = text, self.ids[0]

        def find(session: Session) -> list[tuple[int, str]]:
            rows = petitions.list_petitions(session, PetitionFilter(query=query), limit=30)
            return [(r.id, f"{r.petitioner} ({r.hamlet}): {r.content[:90]}") for r in rows if r.id != own]

        self._context.ops.read(find, on_done=self._show, owner=self)

    def _show(self, rows: list[tuple[int, str]]) -> None:
        self.found.clear()
        for ident, summary in rows:
            item = QListWidgetItem(summary)
            item.setData(ORIGINAL_ROLE, ident)
            self.found.addItem(item)
        if rows:
            self.found.setCurrentRow(0)

    @Slot()
    def submit(self) -> None:
        if self.found.currentItem() is None:
            self.error.show_message("Hãy tìm và chọn ý kiến gốc.")
            return
        super().submit()

    def collect(self) -> int:
        return int(self.found.currentItem().data(ORIGINAL_ROLE))

    def operation(self, session: Session, original_id: int) -> int:
        followup.mark_duplicate(session, self.ids[0], original_id)
        return 1
