"""Cài đặt → «Người dùng»: who may sign in to a shared database, and with which role.

The rules (first user is Quản trị, only an administrator manages people, the last administrator
stays) live in app/services/users.py; every change goes through ``ctx.ops.write`` and the list
refreshes on the ``app_user`` changes it announces. Adding the first administrator turns sign-in
on, so this window signs in as that person at once.
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.services import users
from app.services.users import ROLE_LABELS, Role, UserRow
from app.storage.changes import Changes
from ui.context import AppContext
from ui.models.table import Column, Page, RowTableModel
from ui.operations import watch
from ui.tasks import user_message
from ui.views.common import make_table_view
from ui.widgets import NfcLineEdit

USER_COLUMNS: list[Column[UserRow]] = [
    Column("Tên đăng nhập", lambda r: r.login),
    Column("Họ tên", lambda r: r.full_name),
    Column("Vai trò", lambda r: r.role_label),
    Column("Xã", lambda r: r.commune_name or "Mọi xã"),
    Column(
        "Trạng thái",
        lambda r: "Đang dùng" if r.active else "Đã khóa",
        tone=lambda r: None if r.active else "muted",
    ),
]


def _load(session: Session, page: Page) -> list[UserRow]:
    rows = users.list_users(session)
    return rows[page.offset : page.offset + page.limit]


class UsersSettings(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        layout = QVBoxLayout(self)
        self.intro = QLabel(
            "Khi cơ sở dữ liệu có người dùng, mỗi người phải đăng nhập khi mở chương trình và nhật ký ghi "
            "tên người đó. Quản trị: mọi việc; Thư ký: nhập, sửa, chốt biên bản, xuất văn bản; Lãnh đạo: "
            "chốt, mở khóa biên bản, xuất văn bản, báo cáo; Xem: chỉ xem."
        )
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.model: RowTableModel[UserRow] = RowTableModel(USER_COLUMNS, _load, context.ops, parent=self)
        self.view = make_table_view(self.model, self)
        layout.addWidget(self.view, 1)
        box = QGroupBox("Thêm hoặc sửa người dùng")
        form = QFormLayout(box)
        self.login = NfcLineEdit()
        self.full_name = NfcLineEdit()
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(ROLE_LABELS[role], role.value)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("ít nhất 8 ký tự")
        form.addRow("Tên đăng nhập", self.login)
        form.addRow("Họ tên", self.full_name)
        form.addRow("Vai trò", self.role)
        form.addRow("Mật khẩu", self.password)
        buttons = QHBoxLayout()
        self.add = QPushButton("Thêm người dùng")
        self.add.clicked.connect(self.add_user)
        self.change_role = QPushButton("Đổi vai trò")
        self.change_role.clicked.connect(self.set_role)
        self.reset = QPushButton("Đặt mật khẩu")
        self.reset.clicked.connect(self.set_password)
        self.toggle = QPushButton("Khóa / mở tài khoản")
        self.toggle.clicked.connect(self.toggle_active)
        for button in (self.add, self.change_role, self.reset, self.toggle):
            buttons.addWidget(button)
        buttons.addStretch(1)
        form.addRow(buttons)
        layout.addWidget(box)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.view.clicked.connect(self._picked)
        watch(context.ops, self, ("app_user",), self._changed, skip_own=False)
        self.model.reload()

    def _changed(self, _changes: Changes) -> None:
        self.model.reload()

    @Slot()
    def _picked(self) -> None:
        index = self.view.currentIndex()
        if not index.isValid():
            return
        row = self.model.row_at(index.row())
        self.login.setText(row.login)
        self.full_name.setText(row.full_name)
        self.role.setCurrentIndex(self.role.findData(row.role.value))

    def _run(self, op, done_text) -> None:  # type: ignore[no-untyped-def]
        def done(result: object) -> None:
            self.password.clear()
            self.status.setText(done_text(result))
            self.model.reload()

        def failed(exc: BaseException) -> None:
            # A refused field says only its own sentence (not "role: …").
            problems = getattr(exc, "problems", None)
            self.status.setText(
                " ".join(problems.values()) if isinstance(problems, dict) else user_message(exc)
            )

        self._context.ops.write(op, on_done=done, on_error=failed, owner=self)

    @Slot()
    def add_user(self) -> None:
        login, password = self.login.text(), self.password.text()
        name, role = self.full_name.text(), str(self.role.currentData())
        sessions = self._context.db.sessions

        def op(session: Session) -> tuple[UserRow, users.SignedIn | None]:
            first = not users.has_users(session)
            row = users.add_user(session, login, password, full_name=name, role=role)
            return row, (users.sign_in(session, login, password) if first else None)

        def said(result: object) -> str:
            row, signed = result  # type: ignore[misc]
            if signed is not None:
                users.bind_user(sessions, signed)  # sign-in is on now: this window works as them
                return (
                    f"Đã thêm «{row.login}» ({row.role_label}). Từ nay mỗi người phải đăng nhập; cửa sổ này "
                    f"đang đăng nhập là «{row.login}»."
                )
            return f"Đã thêm «{row.login}» ({row.role_label})."

        self._run(op, said)

    @Slot()
    def set_role(self) -> None:
        login, role = self.login.text(), str(self.role.currentData())
        self._run(
            lambda session: users.set_role(session, login, role),
            lambda row: f"«{row.login}» nay là {row.role_label}.",
        )

    @Slot()
    def set_password(self) -> None:
        login, password = self.login.text(), self.password.text()
        self._run(
            lambda session: users.set_password(session, login, password),
            lambda _r: f"Đã đặt mật khẩu mới cho «{login}».",
        )

    @Slot()
    def toggle_active(self) -> None:
        login = self.login.text()

        def op(session: Session) -> UserRow:
            current = next((row for row in users.list_users(session) if row.login == login.lower()), None)
            return users.set_active(session, login, not (current.active if current else True))

        self._run(op, lambda row: f"Đã {'mở' if row.active else 'khóa'} tài khoản «{row.login}».")
