"""First start: who issues the documents. Validated in place; nothing is saved half-way."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.services import audit, catalog, settings
from app.services.settings import OrganizationInput
from ui.context import AppContext
from ui.tasks import user_message
from ui.widgets import INVALID_EDIT_STYLE, FieldError, NfcLineEdit


class SetupDialog(QDialog):
    """Asks for the commune once; offers to look at the demo, which lives in its own sample file."""

    organization_saved = Signal(int)

    FIELDS = (
        ("name", "Tên cơ quan ban hành (*)", "ỦY BAN NHÂN DÂN XÃ LƯƠNG PHONG"),
        ("parent_name", "Cơ quan chủ quản (nếu có)", ""),
        ("place_name", "Địa danh (*)", "Lương Phong"),
        ("issuer_code", "Ký hiệu cơ quan (*)", "UBND"),
        ("signer_title", "Chức vụ người ký (*)", "Chủ tịch"),
        ("signer_name", "Họ tên người ký (*)", "Nguyễn Văn A"),
    )

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.setWindowTitle("Thiết lập lần đầu – Đối thoại với Nhân dân")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Chào mừng! Hãy nhập thông tin cơ quan ban hành văn bản. Các thông tin này in ở phần đầu và "
            "phần ký của mọi văn bản, có thể sửa sau trong mục Cài đặt."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        form = QFormLayout()
        self.edits: dict[str, NfcLineEdit] = {}
        self.errors: dict[str, FieldError] = {}
        for key, label, example in self.FIELDS:
            edit = NfcLineEdit()
            edit.setPlaceholderText(f"Ví dụ: {example}" if example else "")
            edit.setObjectName(key)
            error = FieldError()
            box = QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(edit)
            box.addWidget(error)
            form.addRow(label, box)
            self.edits[key], self.errors[key] = edit, error
            edit.textEdited.connect(lambda _text, k=key: self._clear_error(k))
        self.edits["issuer_code"].setText("UBND")
        self.edits["signer_title"].setText("Chủ tịch")
        # Who writes: kept beside the computer's login in every line of the Nhật ký.
        self.display_name = NfcLineEdit()
        self.display_name.setObjectName("display_name")
        self.display_name.setMaxLength(100)
        self.display_name.setPlaceholderText("Ví dụ: Nguyễn Thị Lan – văn phòng")
        form.addRow("Tên của bạn (ghi trong Nhật ký)", self.display_name)
        layout.addLayout(form)

        self.demo_check = QCheckBox(
            "Tạo dữ liệu mẫu để dùng thử (kế hoạch, hội nghị, ý kiến của một xã mẫu, trong tệp riêng; "
            "dữ liệu của xã vẫn trống)"
        )
        self.wants_demo = False
        layout.addWidget(self.demo_check)
        self.form_error = FieldError()
        layout.addWidget(self.form_error)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Bắt đầu sử dụng")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Thoát")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def input(self) -> OrganizationInput:
        values = {key: edit.text_nfc() for key, edit in self.edits.items()}
        return OrganizationInput(**values)

    def _clear_error(self, key: str) -> None:
        self.errors[key].show_message(None)
        self.edits[key].setStyleSheet("")

    def show_problems(self, problems: dict[str, str]) -> None:
        for key, edit in self.edits.items():
            message = problems.get(key)
            self.errors[key].show_message(message)
            edit.setStyleSheet(INVALID_EDIT_STYLE if message else "")
        first = next((key for key, _l, _e in self.FIELDS if key in problems), None)
        if first:
            self.edits[first].setFocus()

    @Slot()
    def submit(self) -> None:
        data = self.input()
        problems = settings.validate_organization(data)
        self.show_problems(problems)
        if problems:
            return
        self.buttons.setEnabled(False)
        # The demo is opened by the main window from its own file, never written into this one.
        self.wants_demo = self.demo_check.isChecked()
        who = self.display_name.text_nfc()

        def work(session: Session) -> int:
            if who.strip():
                audit.set_display_name(session, who)  # first: the lines below carry the name
            catalog.ensure_defaults(session)
            info = settings.save_organization(session, data)
            return info.id

        self._context.ops.write(
            work,
            on_done=self._saved,
            on_error=self._failed,
            label="Đang lưu thông tin cơ quan…",
            parent=self,
            owner=self,
        )

    def _saved(self, org_id: int) -> None:
        self.organization_saved.emit(org_id)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.form_error.show_message(user_message(exc))
