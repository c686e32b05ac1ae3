"""Start-up on a shared server: connect, or say in Vietnamese what is wrong and offer the local file.

The check itself (app.storage.urls.check_server) runs off the GUI thread; a failure opens
:class:`ServerProblemDialog`: the message with what to do, a password box when the password was
missing or wrong, and the buttons «Thử lại», «Dùng tệp dữ liệu trên máy này» and «Thoát».
"""

from __future__ import annotations

import enum
import logging

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME
from app.storage import passwords
from app.storage.database import Database
from app.storage.urls import Problem, ServerConnectionError, Target, open_server_database
from ui.tasks import TaskManager, run_and_wait

log = logging.getLogger(__name__)


class Choice(enum.Enum):
    RETRY = "retry"
    LOCAL = "local"
    QUIT = "quit"


class ServerProblemDialog(QDialog):
    def __init__(self, error: ServerConnectionError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Không dùng được máy chủ – {APP_NAME}")
        self.setMinimumWidth(560)
        self.choice = Choice.QUIT
        layout = QVBoxLayout(self)
        where = QLabel(f"Cơ sở dữ liệu: {error.target.display()}")
        self.message = QLabel(error.user_message)
        self.message.setWordWrap(True)
        layout.addWidget(where)
        layout.addWidget(self.message)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("Mật khẩu trên máy chủ")
        self.remember = QCheckBox("Ghi nhớ trong kho mật khẩu của hệ điều hành")
        self.remember.setEnabled(passwords.keyring_available())
        asks = error.problem in (Problem.NEEDS_PASSWORD, Problem.BAD_PASSWORD)
        self.password.setVisible(asks)
        self.remember.setVisible(asks)
        layout.addWidget(self.password)
        layout.addWidget(self.remember)
        buttons = QHBoxLayout()
        self.retry = QPushButton("Kết nối" if asks else "Thử lại")
        self.local = QPushButton("Dùng tệp dữ liệu trên máy này")
        self.local.setToolTip("Mở tệp dữ liệu cục bộ; lần sau chương trình cũng mở tệp này.")
        self.quit = QPushButton("Thoát")
        self.retry.clicked.connect(lambda: self._choose(Choice.RETRY))
        self.local.clicked.connect(lambda: self._choose(Choice.LOCAL))
        self.quit.clicked.connect(lambda: self._choose(Choice.QUIT))
        for button in (self.retry, self.local, self.quit):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.retry.setDefault(True)

    @Slot()
    def _choose(self, choice: Choice) -> None:
        self.choice = choice
        self.accept() if choice is not Choice.QUIT else self.reject()


def connect_server(tasks: TaskManager, target: Target, window: QWidget) -> Database | Choice:
    """The open server Database, or the user's choice to use the local file or to quit."""
    password = passwords.get_password(target)
    while True:
        try:
            return run_and_wait(
                tasks,
                lambda p=password: open_server_database(target, p),
                label=f"Đang kết nối máy chủ {target.host or 'localhost'}…",
                parent=window,
            )
        except ServerConnectionError as exc:
            log.warning("server connection refused: %s", exc.problem.value)
            dialog = ServerProblemDialog(exc, window)
            dialog.exec()
            if dialog.choice is not Choice.RETRY:
                return dialog.choice
            typed = dialog.password.text()
            if typed:
                password = typed
                if dialog.remember.isChecked():
                    passwords.store_password(target, typed)
