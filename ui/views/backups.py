"""Cài đặt → «Sao lưu, khôi phục»: a verified copy to a chosen folder, and restoring a backup.

File work runs off the GUI thread (ui.tasks); the backup and restore rules live in
app/storage/backups.py. A restore closes the database's connections on the database thread,
replaces the file (after backing up the current one) and announces that everything changed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME, paths
from app.domain.text import clock_time, short_date
from app.services import audit, maintenance
from app.storage import backups
from app.storage.changes import Changes
from ui import file_dialogs
from ui.context import AppContext
from ui.tasks import user_message

# Every kind a screen may show: after a restore, all of them are new.
ALL_KINDS = (
    "organization",
    "plan",
    "dialogue",
    "petition",
    "answer",
    "assignment",
    "minute_entry",
    "conclusion",
    "attendee",
    "resolution_update",
    "hamlet",
    "field",
    "unit",
    "leader",
    "setting",
    "issued_document",
    "audit_event",
)


def _size(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{max(1, size // 1024)} KB"


class BackupsTab(QWidget):
    """The list of backups (the backups folder), «Sao lưu ngay» and «Khôi phục»."""

    backup_made = Signal(str)
    restored = Signal(str)

    COLUMNS = ("Thời điểm", "Lý do", "Dung lượng", "Nội dung", "Tệp")
    LABELS = {
        "auto": "tự động hằng ngày",
        "exit": "khi đóng chương trình",
        "manual": "sao lưu ngay",
        "before-restore": "trước khi khôi phục",
    }

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._infos: list[backups.BackupInfo] = []
        layout = QVBoxLayout(self)
        hint = QLabel(
            "Chương trình tự sao lưu mỗi ngày, trước mỗi lần nâng cấp, trước khi khôi phục và khi đóng "
            f"sau khi có thay đổi. Các bản sao nằm trong «{paths.backups_dir()}». Nên chép thêm một bản "
            "ra USB hằng tuần."
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        buttons = QHBoxLayout()
        self.backup_button = QPushButton("Sao lưu ngay…")
        self.backup_button.setToolTip("Chọn thư mục (ví dụ USB); tên tệp có tên xã và ngày")
        self.backup_button.clicked.connect(self.choose_and_back_up)
        self.restore_button = QPushButton("Khôi phục bản đã chọn…")
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_file_button = QPushButton("Khôi phục từ tệp khác…")
        self.restore_file_button.setToolTip("Một bản sao lưu trên USB hoặc chép từ máy cũ (.sqlite)")
        self.restore_file_button.clicked.connect(self.choose_and_restore)
        self.reload_button = QPushButton("Làm mới danh sách")
        self.reload_button.clicked.connect(self.reload)
        for button in (self.backup_button, self.restore_button, self.restore_file_button, self.reload_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.table = QTableWidget(0, len(self.COLUMNS))  # a handful of files, never a growing list
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        keep_row = QHBoxLayout()
        keep_row.addWidget(QLabel("Giữ bản sao tự động của"))
        self.keep: dict[str, QSpinBox] = {}
        for key, unit in (("daily", "ngày,"), ("weekly", "tuần,"), ("monthly", "tháng gần nhất")):
            box = QSpinBox()
            box.setRange(1, 366)
            self.keep[key] = box
            keep_row.addWidget(box)
            keep_row.addWidget(QLabel(unit))
        self.keep_button = QPushButton("Lưu")
        self.keep_button.clicked.connect(self.save_keep)
        keep_row.addWidget(self.keep_button)
        keep_row.addStretch(1)
        layout.addLayout(keep_row)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        context.ops.read(maintenance.backup_keep, on_done=self._show_keep, owner=self)
        self.reload()

    def _show_keep(self, keep: dict[str, int]) -> None:
        for key, box in self.keep.items():
            box.setValue(keep[key])

    @Slot()
    def save_keep(self) -> None:
        daily, weekly, monthly = (self.keep[k].value() for k in ("daily", "weekly", "monthly"))
        self._context.ops.write(
            lambda s: maintenance.set_backup_keep(s, daily=daily, weekly=weekly, monthly=monthly),
            on_done=lambda _r: self.status.setText("Đã lưu số bản sao lưu cần giữ."),
            on_error=lambda exc: self.status.setText(user_message(exc)),
            owner=self,
        )

    # --- list ----------------------------------------------------------------------------------

    @Slot()
    def reload(self) -> None:
        self._context.tasks.run(backups.list_backups, on_success=self._show, owner=self)

    def _show(self, infos: list[backups.BackupInfo]) -> None:
        self._infos = infos
        self.table.setRowCount(len(infos))
        for row, info in enumerate(infos):
            cells = (
                f"{clock_time(info.made_at)} {short_date(info.made_at.date())}",
                self.LABELS.get(
                    info.label, "trước khi nâng cấp" if info.label.startswith("before") else info.label
                ),
                _size(info.size),
                info.summary.phrase() if info.summary else "không đọc được (bị hỏng)",
                info.path.name,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.restore_button.setEnabled(bool(infos))

    # --- backup --------------------------------------------------------------------------------

    @Slot()
    def choose_and_back_up(self) -> None:
        folder = file_dialogs.ask_folder(
            self, "Chọn thư mục nhận bản sao lưu", key=file_dialogs.BACKUP_FOLDER
        )
        if folder:
            self.back_up_to(folder)

    def back_up_to(self, folder: Path) -> None:
        db_path = self._context.db.path
        self.status.setText("Đang sao lưu…")
        self._context.tasks.run(
            lambda: backups.make_backup(db_path, folder, "manual", commune_in_name=True),
            on_success=self._backed_up,
            on_failure=lambda exc: self.status.setText(user_message(exc)),
            label="Đang sao lưu…",
            parent=self,
            owner=self,
        )

    def _backed_up(self, made: Path) -> None:
        self.status.setText(f"Đã sao lưu vào «{made}».")
        self._context.ops.write(lambda s: audit.record(s, "backup", "database", None, file=made.name))
        self.backup_made.emit(str(made))
        self.reload()

    # --- restore -------------------------------------------------------------------------------

    @Slot()
    def restore_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            self.status.setText("Hãy chọn một bản sao lưu trong danh sách.")
            return
        info = self._infos[rows[0].row()]
        if not info.good:
            self.status.setText("Bản sao lưu này không đọc được; hãy chọn bản khác.")
            return
        answer = QMessageBox.question(
            self,
            APP_NAME,
            f"Khôi phục dữ liệu từ {info.phrase()}?\n\nDữ liệu hiện tại sẽ được sao lưu trước, rồi được "
            "thay bằng bản này. Những gì nhập sau thời điểm sao lưu sẽ không còn trong dữ liệu.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.restore(info.path)

    @Slot()
    def choose_and_restore(self) -> None:
        """A backup from elsewhere (a USB stick, the old PC): checked, then restored like the others."""
        chosen = file_dialogs.ask_open_file(
            self,
            "Chọn bản sao lưu để khôi phục",
            "Tệp dữ liệu (*.sqlite);;Mọi tệp (*)",
            key=file_dialogs.BACKUP_FOLDER,
        )
        if chosen is None:
            return
        name = str(chosen)
        summary = backups.summary_of(Path(name))
        if summary is None:
            self.status.setText(
                f"Tệp «{Path(name).name}» không phải bản sao lưu đọc được; hãy chọn tệp khác."
            )
            return
        answer = QMessageBox.question(
            self,
            APP_NAME,
            f"Khôi phục dữ liệu từ «{Path(name).name}» ({summary.phrase()})?\n\nDữ liệu hiện tại sẽ được "
            "sao lưu trước, rồi được thay bằng bản này.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.restore(Path(name))

    def restore(self, backup: Path) -> None:
        db = self._context.db

        def work() -> backups.RestoreReport:
            db.engine.dispose()  # no connection may keep the old file (or its -wal) open
            report = backups.restore_backup(db.path, backup)
            db.engine.dispose()
            return report

        self._context.tasks.run(
            work,
            on_success=self._restored,
            on_failure=lambda exc: self.status.setText(user_message(exc)),
            label="Đang khôi phục…",
            parent=self,
            owner=self,
        )

    def _restored(self, report: backups.RestoreReport) -> None:
        safety = (
            f" Dữ liệu trước đó được sao lưu tại «{report.safety_copy.name}»." if report.safety_copy else ""
        )
        self.status.setText(f"Đã khôi phục từ «{report.restored_from.name}».{safety}")
        name = report.restored_from.name
        self._context.ops.write(lambda s: audit.record(s, "restore_backup", "database", None, file=name))
        self._context.ops.changed.emit(Changes.of(*ALL_KINDS))
        self.restored.emit(str(report.restored_from))
        self.reload()
