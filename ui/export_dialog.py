"""Xuất Word from any screen: options (số, ngày, bản công khai), where to save, progress, then
"Mở tệp" / "Mở thư mục". One implementation for every document kind."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.domain.rules import DocumentKind
from ui import file_dialogs
from ui.context import AppContext
from ui.tasks import user_message

PUBLIC_KINDS = {DocumentKind.CONCLUSION_NOTICE, DocumentKind.REPORT}


class ExportOptionsDialog(QDialog):
    """Số and ngày ban hành may stay blank: the văn thư fills them in after signing."""

    def __init__(self, kind: DocumentKind, parent: QWidget | None = None, *, public: bool = False) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setWindowTitle(f"Xuất Word – {kind.label}")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.number = QSpinBox()
        self.number.setRange(0, 99999)
        self.number.setSpecialValueText("(để trống cho văn thư ghi)")
        self.number.setToolTip("Số văn bản trong năm; để 0 nếu văn thư sẽ ghi số sau khi ký")
        form.addRow("Số văn bản", self.number)
        self.blank_date = QCheckBox("Để trống ngày, tháng (văn thư ghi sau khi ký)")
        self.blank_date.setChecked(True)
        self.issued_on = QDateEdit(QDate.currentDate())
        self.issued_on.setCalendarPopup(True)
        self.issued_on.setDisplayFormat("dd/MM/yyyy")
        self.issued_on.setEnabled(False)
        self.blank_date.toggled.connect(lambda blank: self.issued_on.setEnabled(not blank))
        form.addRow("Ngày ban hành", self.issued_on)
        form.addRow("", self.blank_date)
        self.public = QCheckBox("Bản công khai (bỏ họ tên, điện thoại, địa chỉ của công dân)")
        self.public.setChecked(public)
        self.public.setVisible(kind in PUBLIC_KINDS)
        form.addRow("", self.public)
        self.handwritten = QCheckBox("Biên bản để ghi tay (mẫu in sẵn dòng chấm, khi mất điện, hỏng máy)")
        self.handwritten.setVisible(kind is DocumentKind.MINUTES)
        form.addRow("", self.handwritten)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Chọn nơi lưu…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen_number(self) -> int | None:
        return self.number.value() or None

    def chosen_date(self) -> date | None:
        if self.blank_date.isChecked():
            return None
        value = self.issued_on.date()
        return date(value.year(), value.month(), value.day())

    def chosen_public(self) -> bool:
        return self.kind in PUBLIC_KINDS and self.public.isChecked()

    def chosen_handwritten(self) -> bool:
        return self.kind is DocumentKind.MINUTES and self.handwritten.isChecked()


def review_public_version(parent: QWidget | None, replacements: list, warning: str) -> bool:  # type: ignore[type-arg]
    """Show what the public version replaces (and a late-date warning) before the file is written."""
    if not replacements and not warning:
        return True
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information if not warning else QMessageBox.Icon.Warning)
    box.setWindowTitle("Kiểm tra trước khi xuất")
    parts = []
    if warning:
        parts.append(warning)
    if replacements:
        parts.append(
            f"Bản công khai thay {len(replacements)} chỗ có thông tin cá nhân của công dân "
            "(Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15). Bấm «Hiện chi tiết» để xem từng chỗ."
        )
        box.setDetailedText("\n".join(f"{r.where}: «{r.found}» → «{r.replaced_by}»" for r in replacements))
    box.setText("\n\n".join(parts))
    box.setStandardButtons(QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Ok).setText("Tiếp tục xuất")
    return bool(box.exec() == QMessageBox.StandardButton.Ok)


class ExportDoneDialog(QDialog):
    """Where the file went, with the two things one does next."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.setWindowTitle("Đã xuất văn bản")
        self.setMinimumWidth(480)  # the path on one or two lines, not broken mid-name
        layout = QVBoxLayout(self)
        label = QLabel(f"Đã lưu văn bản Word «{path.name}» vào thư mục:\n{path.parent}")
        label.setWordWrap(True)
        layout.addWidget(label)
        buttons = QDialogButtonBox()
        self.open_file = QPushButton("Mở tệp")
        self.open_folder = QPushButton("Mở thư mục")
        close = QPushButton("Đóng")
        buttons.addButton(self.open_file, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.open_folder, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(close, QDialogButtonBox.ButtonRole.RejectRole)
        self.open_file.clicked.connect(lambda: self._open(path))
        self.open_folder.clicked.connect(lambda: self._open(path.parent))
        close.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.open_file.setDefault(True)

    def _open(self, target: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))
        self.accept()


def last_folder() -> Path:
    """Where file dialogs open: the folder of the last export, else Documents."""
    return file_dialogs.start_folder(file_dialogs.EXPORT_FOLDER)


def _remember_folder(folder: Path) -> None:
    file_dialogs.remember_folder(folder, file_dialogs.EXPORT_FOLDER)


def ask_save_path(parent: QWidget | None, suggested_name: str) -> Path | None:
    return file_dialogs.ask_save_file(
        parent, "Lưu văn bản Word", suggested_name, "Văn bản Word (*.docx)", suffix=".docx"
    )


class WordExporter(QObject):
    """Runs one export from options to the "done" dialog. Hooks let tests skip the modal dialogs."""

    exported = Signal(object)  # Path
    failed = Signal(str)

    def __init__(
        self,
        context: AppContext,
        parent: QWidget,
        *,
        ask_options: Callable[[DocumentKind], ExportOptionsDialog | None] | None = None,
        ask_path: Callable[[QWidget | None, str], Path | None] = ask_save_path,
        show_done: bool = True,
    ) -> None:
        super().__init__(parent)
        self._context, self._parent = context, parent
        self._ask_options = ask_options or self._options_dialog
        self._ask_path = ask_path
        self._show_done = show_done

    def set_hooks(
        self,
        *,
        ask_options: Callable[[DocumentKind], ExportOptionsDialog | None],
        ask_path: Callable[[QWidget | None, str], Path | None],
        show_done: bool = False,
    ) -> None:
        """Replace the modal dialogs (tests, scripted exports)."""
        self._ask_options, self._ask_path, self._show_done = ask_options, ask_path, show_done

    def _options_dialog(self, kind: DocumentKind) -> ExportOptionsDialog | None:
        dialog = ExportOptionsDialog(kind, self._parent)
        return dialog if dialog.exec() == QDialog.DialogCode.Accepted else None

    def export(self, kind: DocumentKind, ident: int) -> None:
        options = self._ask_options(kind)
        if options is None:
            return
        number, issued_on, public = options.chosen_number(), options.chosen_date(), options.chosen_public()
        handwritten = bool(getattr(options, "chosen_handwritten", lambda: False)())

        def suggest(session: Session) -> tuple[str, list, str]:  # type: ignore[type-arg]
            from app.services.documents import (
                conclusion_notice_warning,
                public_replacements,
                suggested_file_name,
            )

            name = suggested_file_name(session, kind, ident, public=public, issued_on=issued_on)
            replacements = public_replacements(session, kind, ident) if public else []
            warning = (
                conclusion_notice_warning(session, ident, issued_on)
                if kind is DocumentKind.CONCLUSION_NOTICE
                else ""
            )
            return name, replacements, warning

        def chosen(found: tuple[str, list, str]) -> None:  # type: ignore[type-arg]
            name, replacements, warning = found
            if self._show_done and not review_public_version(self._parent, replacements, warning):
                return
            path = self._ask_path(self._parent, name)
            if path is None:
                return
            _remember_folder(path.parent)

            def work(session: Session) -> Path:
                from app.services.documents import write_document

                return write_document(
                    session,
                    kind,
                    ident,
                    path,
                    public=public,
                    number=number,
                    issued_on=issued_on,
                    handwritten=handwritten,
                )

            self._context.ops.write(
                work,
                on_done=self._done,
                on_error=self._failed,
                label=f"Đang xuất {kind.label}…",
                parent=self._parent,
                owner=self,
            )

        self._context.ops.read(suggest, on_done=chosen, on_error=self._failed, owner=self)

    def _done(self, path: Path) -> None:
        self.exported.emit(path)
        if self._show_done:
            ExportDoneDialog(path, self._parent).exec()

    def _failed(self, exc: BaseException) -> None:
        message = user_message(exc)
        self.failed.emit(message)
        if self._show_done:
            QMessageBox.warning(self._parent, "Không xuất được văn bản", message)
