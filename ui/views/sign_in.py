"""Đăng nhập: asked at start-up only when the database has users (app.services.users)."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app import APP_NAME
from app.services import users
from ui.context import AppContext
from ui.tasks import user_message
from ui.widgets import NfcLineEdit


class SignInDialog(QDialog):
    """Login and password; the check runs on the database thread, the refusal is shown in place."""

    def __init__(self, context: AppContext, where: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.signed: users.SignedIn | None = None
        self.setWindowTitle(f"Đăng nhập – {APP_NAME}")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        intro = QLabel(f"Cơ sở dữ liệu «{where}» dùng chung cho nhiều người: hãy đăng nhập.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.login = NfcLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Tên đăng nhập", self.login)
        form.addRow("Mật khẩu", self.password)
        layout.addLayout(form)
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Đăng nhập")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Thoát")
        self.buttons.accepted.connect(self.try_sign_in)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.login.setFocus()

    @Slot()
    def try_sign_in(self) -> None:
        login, password = self.login.text(), self.password.text()
        if not login or not password:
            self.error.setText("Hãy nhập tên đăng nhập và mật khẩu.")
            return
        self.buttons.setEnabled(False)

        def check(session: Session) -> users.SignedIn:
            return users.sign_in(session, login, password)

        def done(signed: users.SignedIn) -> None:
            self.signed = signed
            users.bind_user(self._context.db.sessions, signed)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            self.password.clear()
            self.password.setFocus()
            self.error.setText(user_message(exc))

        self._context.ops.write(check, on_done=done, on_error=failed, owner=self)


def sign_in_if_needed(context: AppContext, where: str, parent: QWidget | None = None) -> bool:
    """True when the user may go on: no users in this database, or signed in."""
    if not context.ops.read_and_wait(users.has_users):
        return True
    dialog = SignInDialog(context, where, parent)
    return dialog.exec() == QDialog.DialogCode.Accepted and dialog.signed is not None
