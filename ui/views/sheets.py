"""Spreadsheets and letters to and from the units, and opinions collected before a meeting.

Every step is a service call through the operations layer: the file is read on the database
thread (``read_results``, ``read_opinions`` never write), the user sees a preview with what
would change and what stops a row, and only what she confirms is applied, in one transaction.
File dialogs go through ``FileAsk`` so tests (and scripted use) replace them.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.domain.text import short_date, upper_first
from ui import file_dialogs
from ui.context import AppContext
from ui.tasks import user_message

if TYPE_CHECKING:
    # The services load when a round trip is first used, not with the Hội nghị page that holds
    # these buttons: they bring python-docx, openpyxl and the follow-up rules (a good part of a
    # second on an old PC, before the first list could be shown).
    from app.services import unit_sheets
    from app.services.opinion_import import ImportPreview, ImportResult
    from app.services.unit_sheets import ResultsPreview

CHECK_ROLE = Qt.ItemDataRole.UserRole


@dataclass
class FileAsk:
    """The questions a round trip asks; tests give answers instead of modal dialogs."""

    save: Callable[[QWidget | None, str, str, str], Path | None] = field(default=lambda *a: _ask_save(*a))
    open: Callable[[QWidget | None, str, str], Path | None] = field(default=lambda *a: _ask_open(*a))
    confirm: Callable[[QDialog], bool] = field(default=lambda d: d.exec() == QDialog.DialogCode.Accepted)
    tell: Callable[[QWidget | None, str, str], None] = field(
        default=lambda parent, title, text: QMessageBox.information(parent, title, text)
    )


def _ask_save(parent: QWidget | None, title: str, name: str, kinds: str) -> Path | None:
    return file_dialogs.ask_save_file(parent, title, name, kinds, key=file_dialogs.SHEET_FOLDER)


def _ask_open(parent: QWidget | None, title: str, kinds: str) -> Path | None:
    return file_dialogs.ask_open_file(parent, title, kinds, key=file_dialogs.SHEET_FOLDER)


def _with_suffix(path: Path, suffix: str) -> Path:
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


class PreviewDialog(QDialog):
    """Rows with a tick each (ticked: will be applied), what stops a row in red, then «Áp dụng»."""

    def __init__(self, title: str, intro: str, headers: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(1000, 560)
        layout = QVBoxLayout(self)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.table = QTableWidget(0, len(headers) + 1)
        self.table.setHorizontalHeaderLabels(["Áp dụng", *headers])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.extra = QCheckBox()
        self.extra.hide()
        layout.addWidget(self.extra)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Áp dụng các dòng đã chọn")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def add_row(self, key: Any, values: list[str], *, applicable: bool, problem: str = "") -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        tick = QTableWidgetItem()
        tick.setData(CHECK_ROLE, key)
        flags = Qt.ItemFlag.ItemIsEnabled | (
            Qt.ItemFlag.ItemIsUserCheckable if applicable else Qt.ItemFlag.NoItemFlags
        )
        tick.setFlags(flags)
        tick.setCheckState(Qt.CheckState.Checked if applicable else Qt.CheckState.Unchecked)
        self.table.setItem(row, 0, tick)
        for column, value in enumerate([*values, problem], start=1):
            if column >= self.table.columnCount():
                break
            item = QTableWidgetItem(value)
            item.setToolTip(value)
            if problem and column == self.table.columnCount() - 1:
                item.setForeground(Qt.GlobalColor.darkRed)
            self.table.setItem(row, column, item)

    def finish(self) -> None:
        self.table.resizeColumnsToContents()
        for column in range(1, self.table.columnCount()):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), 260))
        self.table.resizeRowsToContents()
        self._update_ok()
        self.table.itemChanged.connect(lambda _item: self._update_ok())

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.chosen()))

    def chosen(self) -> list[Any]:
        keys = []
        for row in range(self.table.rowCount()):
            tick = self.table.item(row, 0)
            if tick is not None and tick.checkState() == Qt.CheckState.Checked:
                keys.append(tick.data(CHECK_ROLE))
        return keys


class UnitRoundTrip(QWidget):
    """The actions of Theo dõi that go to a unit and back (no network needed: USB, Zalo, email)."""

    done = Signal(str)  # a Vietnamese sentence for the status line
    failed = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget, ask: FileAsk | None = None) -> None:
        super().__init__(parent)
        self.hide()
        self._context, self._parent = context, parent
        self.ask = ask or FileAsk()

    def _fail(self, exc: BaseException) -> None:
        self.failed.emit(user_message(exc))

    # --- Phiếu giao việc: .docx + .xlsx for one unit -------------------------------------------
    def export_unit(self, unit_id: int | None) -> None:
        from app.services import unit_sheets

        if unit_id is None:
            unit_id = self._pick_unit()
            if unit_id is None:
                return
        ident = unit_id

        def names(session: Session) -> tuple[str, str]:
            return (
                unit_sheets.unit_file_name(session, ident, "slip"),
                unit_sheets.unit_file_name(session, ident, "sheet"),
            )

        self._context.ops.read(
            names, on_done=lambda n: self._export_to(ident, *n), on_error=self._fail, owner=self
        )

    def _pick_unit(self) -> int | None:
        from app.services import catalog

        units = self._context.ops.read_and_wait(
            lambda s: [(e.id, e.name) for e in catalog.list_entries(s, "unit")]
        )
        if not units:
            return None
        names = [name for _id, name in units]
        chosen, ok = QInputDialog.getItem(
            self._parent, "Chọn đơn vị", "Đơn vị nhận phiếu giao việc:", names, 0, False
        )
        return units[names.index(chosen)][0] if ok and chosen in names else None

    def _export_to(self, unit_id: int, slip_name: str, sheet_name: str) -> None:
        """The Phiếu (Word) where the user chooses; its results sheet (Excel) beside it."""
        from app.services import unit_sheets

        target = self.ask.save(self._parent, "Lưu phiếu giao việc", slip_name, "Word (*.docx)")
        if target is None:
            return
        docx = _with_suffix(target, ".docx")
        xlsx = docx.with_name(sheet_name)

        def work(session: Session) -> tuple[Path, Path]:
            unit_sheets.export_assignment_slip(session, unit_id, docx)
            return docx, unit_sheets.export_unit_sheet(session, unit_id, xlsx)

        self._context.ops.write(
            work,
            on_done=lambda paths_: self.done.emit(
                f"Đã xuất phiếu giao việc: {paths_[0].name} và bảng kết quả {paths_[1].name} "
                "(đơn vị điền cột Kết quả rồi gửi lại)."
            ),
            on_error=self._fail,
            label="Đang xuất phiếu giao việc…",
            parent=self._parent,
            owner=self,
        )

    # --- Nhập kết quả: the unit's sheet comes back ------------------------------------------------
    def import_results(self) -> None:
        from app.services import unit_sheets

        source = self.ask.open(self._parent, "Chọn bảng kết quả đơn vị gửi lại", "Excel (*.xlsx)")
        if source is None:
            return
        self._context.ops.read(
            lambda session: unit_sheets.read_results(session, source),
            on_done=self._show_results,
            on_error=self._fail,
            label="Đang đọc bảng kết quả…",
            parent=self._parent,
            owner=self,
        )

    def results_dialog(self, preview: ResultsPreview) -> PreviewDialog:
        intro = (
            f"<b>{html.escape(preview.unit or 'Đơn vị')}</b> — bảng xuất ngày {short_date(preview.exported_on)}; "
            f"{len(preview.rows)} dòng có kết quả, {preview.unchanged} dòng để trống."
        )
        for warning in preview.warnings:
            intro += f"<br><span style='color:#9a6700'>{html.escape(warning)}</span>"
        for problem in preview.problems:
            intro += f"<br><span style='color:#b00020'><b>{html.escape(problem)}</b></span>"
        dialog = PreviewDialog(
            "Nhập kết quả giải quyết",
            intro,
            ["Dòng", "Ý kiến", "Tình trạng sau", "Kết quả", "Văn bản trả lời", "Lưu ý"],
            self._parent,
        )
        for row in preview.rows:
            reply = " ngày ".join(x for x in (row.reply_number, short_date(row.reply_date)) if x)
            notes = "; ".join((*row.conflicts, *row.warnings))
            dialog.add_row(
                row.row,
                [str(row.row), row.summary, upper_first(row.status_after.label), row.result, reply],
                applicable=row.applicable and not preview.refused,
                problem=notes,
            )
        dialog.finish()
        return dialog

    def _show_results(self, preview: ResultsPreview) -> None:
        from app.services import unit_sheets

        dialog = self.results_dialog(preview)
        if not self.ask.confirm(dialog):
            return
        accepted = list(dialog.chosen())
        self._context.ops.write(
            lambda session: unit_sheets.apply_results(session, preview, accepted),
            on_done=lambda n: self.done.emit(f"Đã ghi kết quả của {n} ý kiến từ bảng của {preview.unit}."),
            on_error=self._fail,
            label="Đang ghi kết quả…",
            parent=self._parent,
            owner=self,
        )

    # --- Công văn đôn đốc --------------------------------------------------------------------------
    def remind(self) -> None:
        from app.services import unit_sheets

        self._context.ops.read(
            lambda session: unit_sheets.reminder_units(session),
            on_done=self._pick_reminder,
            on_error=self._fail,
            owner=self,
        )

    def _pick_reminder(self, units: list[unit_sheets.ReminderUnit]) -> None:
        if not units:
            self.ask.tell(
                self._parent, "Công văn đôn đốc", "Không đơn vị nào có kiến nghị quá hạn hay sắp đến hạn."
            )
            return
        labels = [f"{u.unit} — quá hạn {u.overdue}, sắp đến hạn {u.near_due}" for u in units]
        chosen, ok = QInputDialog.getItem(
            self._parent, "Công văn đôn đốc", "Đôn đốc đơn vị:", labels, 0, False
        )
        if not ok or chosen not in labels:
            return
        self.send_reminder(units[labels.index(chosen)].unit_id)

    def send_reminder(self, unit_id: int) -> None:
        from app.services import unit_sheets

        name = self._context.ops.read_and_wait(lambda s: unit_sheets.unit_file_name(s, unit_id, "reminder"))
        target = self.ask.save(self._parent, "Lưu công văn đôn đốc", name, "Word (*.docx)")
        if target is None:
            return
        docx = _with_suffix(target, ".docx")
        self._context.ops.write(
            lambda session: unit_sheets.send_reminder(session, unit_id, docx),
            on_done=lambda result: self.done.emit(
                f"Đã xuất công văn đôn đốc {result[0].name}; ghi vào lịch sử {result[1]} ý kiến."
            ),
            on_error=self._fail,
            label="Đang xuất công văn…",
            parent=self._parent,
            owner=self,
        )


class RepeatedDialog(QDialog):
    """Kiến nghị lặp lại: matters raised again across dialogues, longest-running first."""

    open_requested = Signal(int)

    def __init__(self, groups: list[unit_sheets.RepeatedGroup], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Kiến nghị lặp lại")
        self.resize(900, 560)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                f"{len(groups)} vấn đề được nêu lại qua nhiều hội nghị (cùng thôn hoặc lĩnh vực, nội dung giống nhau). "
                "Nhấp đúp một ý kiến để mở."
            )
        )
        self.list = QListWidget()
        for group in groups:
            head = QListWidgetItem(
                f"{'ĐANG MỞ' if group.still_open else 'Đã xong'} · {group.open_text} · {group.dialogues} hội nghị · "
                f"{group.hamlet or group.field}: {group.summary[:120]}"
            )
            font = head.font()
            font.setBold(True)
            head.setFont(font)
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.list.addItem(head)
            for item in group.items:
                line = QListWidgetItem(
                    f"    {short_date(item.raised_on)} – {item.petitioner} ({item.hamlet}): {item.content[:110]} "
                    f"[{item.status.label}]"
                )
                line.setData(CHECK_ROLE, item.id)
                self.list.addItem(line)
        self.list.itemDoubleClicked.connect(self._open)
        layout.addWidget(self.list, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("Đóng")
        close.rejected.connect(self.reject)
        layout.addWidget(close)

    @Slot(QListWidgetItem)
    def _open(self, item: QListWidgetItem) -> None:
        ident = item.data(CHECK_ROLE)
        if ident is not None:
            self.open_requested.emit(int(ident))


class OpinionImporter(QWidget):
    """«Nhập ý kiến thu thập từ Excel» into one dialogue: file, preview, confirm, import."""

    done = Signal(str)
    failed = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget, ask: FileAsk | None = None) -> None:
        super().__init__(parent)
        self.hide()
        self._context, self._parent = context, parent
        self.ask = ask or FileAsk()

    def save_template(self) -> None:
        from app.services import opinion_import

        target = self.ask.save(self._parent, "Lưu mẫu Excel", "mau-y-kien-thu-thap.xlsx", "Excel (*.xlsx)")
        if target is None:
            return
        path = _with_suffix(target, ".xlsx")
        self._context.ops.read(
            lambda session: opinion_import.write_template(path, session),
            on_done=lambda p: self.done.emit(
                f"Đã lưu mẫu {Path(p).name}: gửi cho MTTQ, đoàn thể, thôn điền ý kiến."
            ),
            on_error=lambda exc: self.failed.emit(user_message(exc)),
            owner=self,
        )

    def start(self, dialogue_id: int) -> None:
        from app.services import opinion_import

        source = self.ask.open(self._parent, "Chọn danh sách ý kiến thu thập (Excel)", "Excel (*.xlsx)")
        if source is None:
            return
        self._context.ops.read(
            lambda session: opinion_import.read_opinions(session, source, dialogue_id=dialogue_id),
            on_done=lambda preview: self._show(dialogue_id, preview),
            on_error=lambda exc: self.failed.emit(user_message(exc)),
            label="Đang đọc danh sách…",
            parent=self._parent,
            owner=self,
        )

    def preview_dialog(self, preview: ImportPreview) -> PreviewDialog:
        intro = f"{len(preview.rows)} dòng đọc được, {len(preview.importable_rows)} dòng nhập được."
        if preview.new_hamlets:
            intro += " Thôn mới sẽ được thêm vào Danh mục: " + ", ".join(preview.new_hamlets) + "."
        if preview.skipped_sheets:
            intro += " Bỏ qua trang không có dòng tiêu đề: " + ", ".join(preview.skipped_sheets) + "."
        dialog = PreviewDialog(
            "Nhập ý kiến thu thập trước hội nghị",
            intro,
            ["Dòng", "Người nêu", "Thôn/tổ", "Lĩnh vực", "Nội dung", "Lưu ý"],
            self._parent,
        )
        for row in preview.rows:
            notes = "; ".join(p.text for p in row.problems)
            if row.already_imported:
                notes = "đã nhập trước đây" + (f"; {notes}" if notes else "")
            dialog.add_row(
                (row.sheet, row.row),
                [
                    f"{row.sheet}:{row.row}",
                    row.petitioner_name,
                    row.hamlet_label,
                    row.field_name or row.field,
                    row.content,
                ],
                applicable=row.importable,
                problem=notes,
            )
        dialog.extra.setText("Thêm thôn chưa có vào Danh mục")
        dialog.extra.setChecked(True)
        dialog.extra.setVisible(bool(preview.new_hamlets))
        dialog.finish()
        return dialog

    def _show(self, dialogue_id: int, preview: ImportPreview) -> None:
        from app.services import opinion_import

        dialog = self.preview_dialog(preview)
        if not self.ask.confirm(dialog):
            return
        chosen = set(dialog.chosen())
        add_hamlets = dialog.extra.isChecked()
        subset = _only_rows(preview, chosen)

        def work(session: Session) -> ImportResult:
            return opinion_import.apply_import(session, dialogue_id, subset, add_unknown_hamlets=add_hamlets)

        self._context.ops.write(
            work,
            on_done=lambda result: self.done.emit(result.message),
            on_error=lambda exc: self.failed.emit(user_message(exc)),
            label="Đang nhập ý kiến…",
            parent=self._parent,
            owner=self,
        )


def _only_rows(preview: ImportPreview, chosen: set[tuple[str, int]]) -> ImportPreview:
    """The preview limited to the rows the user kept ticked."""
    from dataclasses import replace

    return replace(preview, rows=tuple(r for r in preview.rows if (r.sheet, r.row) in chosen))


__all__ = ["FileAsk", "OpinionImporter", "PreviewDialog", "RepeatedDialog", "UnitRoundTrip"]
