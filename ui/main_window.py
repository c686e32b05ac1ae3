"""The main window: a navigation on the left, one page per part of the work."""

from __future__ import annotations

from PySide6.QtCore import QSettings, QSize, Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from app import APP_NAME, __version__
from ui.context import AppContext
from ui.views.catalog import CataloguePage
from ui.views.common import NotBuiltPage
from ui.views.dialogues import DialoguesPage
from ui.views.live.window import LiveMinutesWindow
from ui.views.petitions import PetitionsPage
from ui.views.plans import PlansPage
from ui.views.settings_page import SettingsPage

MIN_FONT_PT, MAX_FONT_PT = 8.0, 22.0


class MainWindow(QMainWindow):
    NAVIGATION = (
        "Kế hoạch",
        "Hội nghị",
        "Ý kiến – kiến nghị",
        "Theo dõi giải quyết",
        "Báo cáo – thống kê",
        "Danh mục",
        "Cài đặt",
    )

    def __init__(self, context: AppContext, ui_settings: QSettings) -> None:
        super().__init__()
        self.context = context
        self._settings = ui_settings
        self.live_windows: dict[int, LiveMinutesWindow] = {}
        self.setWindowTitle(f"{APP_NAME} – {context.db.path.name}")
        self.setMinimumSize(QSize(1000, 600))

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(210)
        self.nav.setStyleSheet(
            "QListWidget#navigation { background: #1f3b57; color: white; border: none; font-weight: 600; }"
            "QListWidget#navigation::item { padding: 10px 12px; }"
            "QListWidget#navigation::item:selected { background: #3b6e99; color: white; }"
        )
        self.pages = QStackedWidget()
        for number, title in enumerate(self.NAVIGATION, start=1):
            item = QListWidgetItem(title)
            item.setToolTip(f"{title} (Ctrl+{number})")
            self.nav.addItem(item)
            self.pages.addWidget(self._make_page(title))
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        layout.addWidget(self.nav)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.busy_label = QLabel("")
        self.statusBar().addPermanentWidget(self.busy_label)
        self.statusBar().showMessage(f"Dữ liệu: {context.db.path}")
        context.tasks.busy_changed.connect(
            lambda busy: self.busy_label.setText("Đang xử lý…" if busy else "")
        )
        context.tasks.task_failed.connect(self.show_error)
        self._add_actions()
        self.nav.setCurrentRow(int(ui_settings.value("page", 1)))  # Hội nghị by default
        geometry = ui_settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 760)

    def _make_page(self, title: str) -> QWidget:
        context = self.context
        if title == "Kế hoạch":
            return PlansPage(context)
        if title == "Hội nghị":
            page = DialoguesPage(context)
            page.open_requested.connect(self.open_live_minutes)
            self.dialogues_page = page
            return page
        if title == "Ý kiến – kiến nghị":
            return PetitionsPage(context)
        if title == "Theo dõi giải quyết":
            return PetitionsPage(context, follow_up=True)
        if title == "Báo cáo – thống kê":
            return NotBuiltPage(
                title,
                "xem số liệu tổng hợp (tổng số, trả lời tại hội nghị, đúng hạn, quá hạn, chuyển cấp) theo lĩnh vực, "
                "theo thôn, biểu đồ và xuất Báo cáo, Excel.",
                "danh sách «Theo dõi giải quyết» cho biết các kiến nghị quá hạn.",
            )
        if title == "Danh mục":
            return CataloguePage(context)
        return SettingsPage(context)

    def _add_actions(self) -> None:
        for number in range(1, len(self.NAVIGATION) + 1):
            action = QAction(self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _checked=False, row=number - 1: self.nav.setCurrentRow(row))
            self.addAction(action)
        for keys, step in (("Ctrl++", 1.0), ("Ctrl+=", 1.0), ("Ctrl+-", -1.0), ("Ctrl+0", 0.0)):
            action = QAction(self)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(lambda _checked=False, s=step: self.change_font_size(s))
            self.addAction(action)
        help_action = QAction(self)
        help_action.setShortcut(QKeySequence("F1"))
        help_action.triggered.connect(self.show_shortcuts)
        self.addAction(help_action)
        self._default_font_pt = self.font().pointSizeF()
        size = self._settings.value("font_pt")
        if size is not None:
            self._apply_font_size(float(size))

    @Slot()
    def change_font_size(self, step: float) -> None:
        """Ctrl +/−: larger type for older eyes, remembered for next time; Ctrl+0 restores."""
        default = float(self._settings.value("default_font_pt", self._default_font_pt))
        current = self.font().pointSizeF()
        target = default if step == 0 else min(MAX_FONT_PT, max(MIN_FONT_PT, current + step))
        self._apply_font_size(target)
        self._settings.setValue("font_pt", target)

    def _apply_font_size(self, points: float) -> None:
        # Set on the window: every page and every dialog parented to it inherits the size.
        font = QFont(self.font())
        font.setPointSizeF(points)
        self.setFont(font)

    @Slot(int)
    def open_live_minutes(self, dialogue_id: int, *, recovered: bool = False) -> LiveMinutesWindow:
        """One live window per dialogue; asking again brings it to the front."""
        window = self.live_windows.get(dialogue_id)
        if window is None or not window.isVisible():
            window = LiveMinutesWindow(
                self.context, dialogue_id, recovered=recovered, ui_settings=self._settings
            )
            window.resize(1366, 768)
            window.dialogue_closed.connect(lambda _id: self.dialogues_page.model.reload())
            self.live_windows[dialogue_id] = window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    @Slot()
    def show_shortcuts(self) -> None:
        lines = [f"Ctrl+{n}: {title}" for n, title in enumerate(self.NAVIGATION, start=1)]
        lines += [
            "Ctrl+F: tìm trong danh sách",
            "Ctrl + / Ctrl −: phóng to / thu nhỏ chữ, Ctrl+0: cỡ chữ mặc định",
            "F1: bảng phím tắt này",
        ]
        QMessageBox.information(self, "Phím tắt", "\n".join(lines))

    @Slot(str)
    def show_error(self, message: str) -> None:
        QMessageBox.warning(self, "Không thực hiện được", message)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._settings.setValue("geometry", self.saveGeometry())
        self._settings.setValue("page", self.nav.currentRow())
        for live in list(self.live_windows.values()):
            live.close()
        self.context.tasks.wait()  # let a running save finish before the database closes
        super().closeEvent(event)


def about_text() -> str:
    return f"{APP_NAME} {__version__}"


__all__ = ["MainWindow", "Qt"]
