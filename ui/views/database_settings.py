"""Cài đặt → «Cơ sở dữ liệu»: the local file (default) or a shared PostgreSQL server.

The choice is kept in this PC's local config (app.storage.connection_config), never in the
database; the password only in the OS keyring when the user asks for it, else asked each time.
«Kiểm tra kết nối» and «Chuyển dữ liệu lên máy chủ» run on the database thread through
``ctx.ops.job``; their rules live in app/storage/urls.py and app/services/transfer.py.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.text import nfc
from app.storage import passwords
from app.storage.connection_config import LOCAL, ConnectionChoice, load_choice, save_choice
from app.storage.urls import DEFAULT_PORT, ConnectionReport, Target
from ui.context import AppContext
from ui.tasks import user_message
from ui.widgets import NfcLineEdit


class ServerForm(QWidget):
    """Host, port, database, user and password of a server (shared by Cài đặt and the start-up)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.host = NfcLineEdit()
        self.host.setPlaceholderText("ví dụ 192.168.1.10 hoặc maychu-xa")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.database = NfcLineEdit()
        self.database.setPlaceholderText("ví dụ doithoai")
        self.user = NfcLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox("Ghi nhớ mật khẩu trong kho mật khẩu của hệ điều hành")
        if not passwords.keyring_available():
            self.remember.setEnabled(False)
            self.remember.setToolTip(
                "Máy này không có kho mật khẩu của hệ điều hành: chương trình sẽ hỏi mật khẩu mỗi lần mở."
            )
        form.addRow("Máy chủ", self.host)
        form.addRow("Cổng", self.port)
        form.addRow("Cơ sở dữ liệu", self.database)
        form.addRow("Người dùng", self.user)
        form.addRow("Mật khẩu", self.password)
        form.addRow("", self.remember)

    def show_target(self, target: Target) -> None:
        self.host.setText(target.host)
        self.port.setValue(target.port)
        self.database.setText(target.database)
        self.user.setText(target.user)

    def target(self) -> Target:
        return Target(
            host=nfc(self.host.text()).strip(),
            port=self.port.value(),
            database=nfc(self.database.text()).strip(),
            user=nfc(self.user.text()).strip(),
        )

    def password_text(self) -> str | None:
        """What was typed, else what the keyring holds (None: libpq may still find one)."""
        return self.password.text() or passwords.get_password(self.target())

    def problem(self) -> str:
        target = self.target()
        if not target.host:
            return "Hãy nhập địa chỉ máy chủ."
        if not target.database:
            return "Hãy nhập tên cơ sở dữ liệu."
        if not target.user:
            return "Hãy nhập tên người dùng trên máy chủ."
        return ""


class TransferDialog(QDialog):
    """The progress of «Chuyển dữ liệu»: table by table, then the check; the report at the end."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Chuyển dữ liệu")
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        self.step = QLabel("Đang chuẩn bị…")
        self.step.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.result = QPlainTextEdit()
        self.result.setReadOnly(True)
        # The report is a table: a fixed font lines up its columns.
        self.result.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.result.setMinimumHeight(380)
        self.result.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.setEnabled(False)  # the copy cannot be interrupted from here; a re-run resumes
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.step)
        layout.addWidget(self.bar)
        layout.addWidget(self.result)
        layout.addWidget(self.buttons)

    @Slot(object)
    def show_step(self, step: object) -> None:
        from app.services.transfer import TransferProgress

        if not isinstance(step, TransferProgress):
            return
        self.step.setText(step.line())
        self.bar.setRange(0, max(1, step.total))
        self.bar.setValue(min(step.done, step.total))

    def finish(self, text: str, ok: bool) -> None:
        self.step.setText("Đã chuyển xong và kiểm tra khớp." if ok else "Chuyển dữ liệu không thành công.")
        if ok:
            self.bar.setRange(0, 1)
            self.bar.setValue(1)
        self.result.setPlainText(text)
        self.result.show()
        self.buttons.setEnabled(True)

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if not self.buttons.isEnabled():
            event.ignore()  # still copying
            return
        super().closeEvent(event)


class DatabaseSettings(QWidget):
    """The «Cơ sở dữ liệu» tab."""

    choice_saved = Signal(object)  # ConnectionChoice

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        layout = QVBoxLayout(self)
        box = QGroupBox("Nơi lưu dữ liệu")
        inner = QVBoxLayout(box)
        self.local = QRadioButton("Tệp dữ liệu trên máy này (mặc định, một máy)")
        self.server = QRadioButton("Máy chủ PostgreSQL dùng chung (nhiều máy của cơ quan, hoặc cả tỉnh)")
        group = QButtonGroup(self)
        group.addButton(self.local)
        group.addButton(self.server)
        inner.addWidget(self.local)
        inner.addWidget(self.server)
        self.form = ServerForm()
        inner.addWidget(self.form)
        buttons = QHBoxLayout()
        self.check = QPushButton("Kiểm tra kết nối")
        self.check.clicked.connect(self.check_connection)
        self.save = QPushButton("Lưu lựa chọn")
        self.save.clicked.connect(self.save_choice)
        self.transfer = QPushButton("Chuyển dữ liệu lên máy chủ…")
        self.transfer.setToolTip(
            "Chép toàn bộ dữ liệu của tệp đang mở vào cơ sở dữ liệu trống trên máy chủ, rồi kiểm tra "
            "số dòng và mã kiểm tra nội dung từng bảng. Bị ngắt giữa chừng thì bấm lại để tiếp tục."
        )
        self.transfer.clicked.connect(self.transfer_to_server)
        for button in (self.check, self.save, self.transfer):
            buttons.addWidget(button)
        buttons.addStretch(1)
        inner.addLayout(buttons)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        inner.addWidget(self.status)
        note = QLabel(
            "Lựa chọn được ghi trên máy này (không ghi vào dữ liệu) và có hiệu lực khi mở lại chương trình. "
            "Mật khẩu không bao giờ được ghi ra tệp: chỉ lưu trong kho mật khẩu của hệ điều hành nếu chọn "
            "ghi nhớ, nếu không chương trình hỏi mỗi lần mở."
        )
        note.setWordWrap(True)
        inner.addWidget(note)
        layout.addWidget(box)
        layout.addStretch(1)
        self.dialog: TransferDialog | None = None
        self.local.toggled.connect(self._kind_changed)
        self.show_choice(load_choice())

    def show_choice(self, choice: ConnectionChoice) -> None:
        (self.server if choice.server else self.local).setChecked(True)
        if choice.server:
            self.form.show_target(choice.target())
        self._kind_changed()

    @Slot()
    def _kind_changed(self) -> None:
        server = self.server.isChecked()
        self.form.setEnabled(server)
        self.check.setEnabled(server)
        self.transfer.setEnabled(server and not self._context.db.path.is_dir())

    def choice(self) -> ConnectionChoice:
        return ConnectionChoice.of(self.form.target()) if self.server.isChecked() else LOCAL

    @Slot()
    def save_choice(self) -> None:
        choice = self.choice()
        if choice.server and self.form.problem():
            self.status.setText(self.form.problem())
            return
        if choice.server and self.form.remember.isChecked() and self.form.password.text():
            if not passwords.store_password(self.form.target(), self.form.password.text()):
                self.status.setText(
                    "Không ghi được mật khẩu vào kho mật khẩu của hệ điều hành; chương trình sẽ hỏi mật "
                    "khẩu mỗi lần mở."
                )
        elif choice.server and not self.form.remember.isChecked():
            passwords.forget_password(self.form.target())
        try:
            save_choice(choice)
        except OSError as exc:
            self.status.setText(f"Không ghi được lựa chọn trên máy này ({exc.strerror}).")
            return
        where = choice.target().display() if choice.server else "tệp dữ liệu trên máy này"
        self.status.setText(f"Đã lưu: lần mở sau, chương trình dùng {where}.")
        self.choice_saved.emit(choice)

    @Slot()
    def check_connection(self) -> None:
        if self.form.problem():
            self.status.setText(self.form.problem())
            return
        from app.storage.urls import check_server

        target, password = self.form.target(), self.form.password_text()
        self.status.setText("Đang kiểm tra kết nối…")
        self.check.setEnabled(False)

        def done(report: ConnectionReport) -> None:
            self.check.setEnabled(True)
            self.status.setText("\n".join(report.lines()))

        def failed(exc: BaseException) -> None:
            self.check.setEnabled(True)
            self.status.setText(user_message(exc))

        self._context.ops.job(
            lambda _report: check_server(target, password, require_data=False),
            on_done=done,
            on_error=failed,
            owner=self,
        )

    @Slot()
    def transfer_to_server(self) -> None:
        if self.form.problem():
            self.status.setText(self.form.problem())
            return
        from app.services import transfer

        target, password = self.form.target(), self.form.password_text()
        source = self._context.db
        dialog = self.dialog = TransferDialog(self)

        def work(report: object) -> transfer.TransferReport:
            engine = transfer.open_destination(target, password)
            try:
                return transfer.transfer(
                    source.engine,
                    engine,
                    source_name=str(source.path),
                    target_name=target.display(),
                    progress=report,  # type: ignore[arg-type]
                )
            finally:
                engine.dispose()

        def done(result: transfer.TransferReport) -> None:
            dialog.finish("\n".join(result.lines()), result.ok)
            self.status.setText(result.lines()[-1])

        def failed(exc: BaseException) -> None:
            dialog.finish(user_message(exc), False)
            self.status.setText(user_message(exc))

        self._context.ops.job(work, on_progress=dialog.show_step, on_done=done, on_error=failed, owner=self)
        dialog.open()
