"""Cài đặt: the issuing body, where the data lives, and the program's versions."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app import paths
from app.services import settings
from app.services.maintenance import info_lines
from ui.context import AppContext
from ui.widgets import Banner, page_title


class SettingsPage(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Cài đặt"))
        layout.addWidget(
            Banner(
                "Sửa thông tin cơ quan, mẫu câu chữ văn bản và thời hạn mặc định sẽ có trong phiên bản tới; "
                "hiện tại các thông tin dưới đây chỉ để xem.",
                "info",
            )
        )
        self.org_box = QGroupBox("Cơ quan ban hành")
        self.org_form = QFormLayout(self.org_box)
        layout.addWidget(self.org_box)

        data_box = QGroupBox("Dữ liệu và phiên bản")
        data_layout = QVBoxLayout(data_box)
        self.info = QLabel("\n".join(info_lines(context.db.path)))
        self.info.setWordWrap(True)
        data_layout.addWidget(self.info)
        buttons = QHBoxLayout()
        open_data = QPushButton("Mở thư mục dữ liệu")
        open_data.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(context.db.path.parent)))
        )
        open_backups = QPushButton("Mở thư mục sao lưu")
        open_backups.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.backups_dir())))
        )
        buttons.addWidget(open_data)
        buttons.addWidget(open_backups)
        buttons.addStretch(1)
        data_layout.addLayout(buttons)
        layout.addWidget(data_box)
        layout.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        db = self._context.db

        def load() -> settings.OrganizationInfo | None:
            with db.reading() as session:
                return settings.current_organization(session)

        self._context.tasks.run(load, on_success=self._show_org)

    def _show_org(self, org: settings.OrganizationInfo | None) -> None:
        while self.org_form.rowCount():
            self.org_form.removeRow(0)
        if org is None:
            self.org_form.addRow(QLabel("Chưa thiết lập."))
            return
        for label, value in (
            ("Tên cơ quan ban hành", org.display_name),
            ("Cơ quan chủ quản", org.parent_name or "(không có)"),
            ("Địa danh", org.place_name),
            ("Ký hiệu", org.issuer_code),
            ("Thẩm quyền ký", org.signing_authority or "(ký trực tiếp)"),
            ("Chức vụ người ký", org.signer_title),
            ("Họ tên người ký", org.signer_name),
        ):
            self.org_form.addRow(label, QLabel(value))
