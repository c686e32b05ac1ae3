"""The main window: a navigation on the left, one page per part of the work."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QSize, QTimer, Slot
from PySide6.QtGui import QAction, QCloseEvent, QColor, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME, __version__
from ui.screen import fit_to_screen

if TYPE_CHECKING:  # the pages and the database layer load after the window is on screen
    from sqlalchemy.orm import Session

    from app.storage.lock import DatabaseLock
    from ui.context import AppContext
    from ui.views.dialogue_list import FirstDialogues
    from ui.views.live.window import LiveMinutesWindow

MIN_FONT_PT, MAX_FONT_PT = 8.0, 22.0


def _placeholder() -> QLabel:
    """«Đang mở dữ liệu…» in the middle of a page that is not built yet."""
    label = QLabel("Đang mở dữ liệu…")
    # Centred by a style sheet rather than Qt.AlignmentFlag: creating the Qt namespace's enums
    # takes a good 50 ms, and the window is on screen before anything else needs them.
    label.setStyleSheet("qproperty-alignment: AlignCenter;")
    return label


def read_only_banner_text(reason: str) -> str:
    """The banner of a database opened read-only: what still works, why, and what to do."""
    return (
        "<b>Chế độ chỉ đọc.</b> Bạn vẫn xem, tìm kiếm và xem trước văn bản được, nhưng không thể "
        f"thêm, sửa hay xóa, vì {reason}. Sau đó hãy đóng và mở lại chương trình."
    )


class MainWindow(QMainWindow):
    # (key, title): pages are chosen by key; the title is only what the user reads.
    PAGES = (
        ("plans", "Kế hoạch"),
        ("dialogues", "Hội nghị"),
        ("petitions", "Ý kiến – kiến nghị"),
        ("follow_up", "Theo dõi giải quyết"),
        ("reports", "Báo cáo – thống kê"),
        ("catalog", "Danh mục"),
        ("settings", "Cài đặt"),
        ("audit", "Nhật ký"),
    )
    NAVIGATION = tuple(title for _key, title in PAGES)
    PAGE_KEYS = tuple(key for key, _title in PAGES)
    # Added after the others, for a province user only (bound to no commune, several communes).
    PROVINCE_PAGE = ("province", "Báo cáo toàn tỉnh")

    def __init__(self, ui_settings: QSettings, context: AppContext | None = None) -> None:
        """The window comes up at once; ``attach`` gives it the database and fills the pages.

        Pages are built the first time they are shown, so starting the program costs one page.
        """
        super().__init__()
        self.context: AppContext | None = None
        self._settings = ui_settings
        self.live_windows: dict[int, LiveMinutesWindow] = {}
        self.petition_windows: dict[int, QWidget] = {}
        self.dialogues_page: QWidget | None = None
        # The Hội nghị list shown from rows read before the database layer loaded (ui.main),
        # until the page itself takes them over in attach.
        self.first_dialogues: FirstDialogues | None = None
        # Her own database: where «Về dữ liệu của tôi» leads back from the sample file.
        self.own_db_path: Path | None = None
        # Her file's lock stays held while the sample is shown: no second window takes her data.
        self._own_lock: DatabaseLock | None = None
        self.setWindowTitle(APP_NAME)
        self.setMinimumSize(QSize(760, 440))  # 1366×768 at 150 % leaves about 910×485

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self._make_demo_banner())
        layout = QHBoxLayout()
        layout.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(layout, 1)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(210)
        self.nav.setStyleSheet(
            "QListWidget#navigation { background: #1f3b57; color: white; border: none; font-weight: 600; }"
            "QListWidget#navigation::item { padding: 10px 12px; }"
            "QListWidget#navigation::item:selected { background: #3b6e99; color: white; }"
        )
        self.pages = QStackedWidget()
        self._built: set[int] = set()
        self.page_keys: list[str] = list(self.PAGE_KEYS)
        for number, title in enumerate(self.NAVIGATION, start=1):
            item = QListWidgetItem(title)
            item.setToolTip(f"{title} (Ctrl+{number})")
            self.nav.addItem(item)
            self.pages.addWidget(_placeholder())
        self.nav.currentRowChanged.connect(self._show_page)
        layout.addWidget(self.nav)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(0)
        # Shown when the data can only be read: why, and what to do (ui.main, Database.read_only).
        self.read_only_banner = QLabel()
        self.read_only_banner.setObjectName("read_only_banner")
        self.read_only_banner.setWordWrap(True)
        # A palette, not a style sheet: a style sheet would stop the label following Ctrl+= sizes.
        banner_palette = self.read_only_banner.palette()
        banner_palette.setColor(QPalette.ColorRole.Window, QColor("#fff4ce"))
        banner_palette.setColor(QPalette.ColorRole.WindowText, QColor("#5c3b00"))
        self.read_only_banner.setPalette(banner_palette)
        self.read_only_banner.setAutoFillBackground(True)
        self.read_only_banner.setContentsMargins(12, 8, 12, 8)
        self.read_only_banner.hide()
        right.addWidget(self.read_only_banner)
        right.addWidget(self.pages, 1)
        layout.addLayout(right, 1)
        self.setCentralWidget(central)

        self.busy_label = QLabel("")
        self.statusBar().addPermanentWidget(self.busy_label)
        self._add_actions()
        geometry = ui_settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            fit_to_screen(self, QSize(1280, 760))  # whole, status bar included, above the taskbar
        if context is not None:
            self.attach(context)

    def attach(self, context: AppContext, *, page: int | None = None) -> None:
        """The database is open: show where it is and build the page the user left open.

        ``page``: the page to show (switching files keeps the one in front), else the saved one.
        """
        self.context = context
        if not context.demo:
            self.own_db_path = context.db.path
        self.demo_banner.setVisible(context.demo)
        # Qt adds the application's display name to a title that does not end with it: ending
        # with it keeps the program's name there once.
        # A server database has no file: its place is the server's address (Database.location).
        where = context.db.path.name if context.db.path is not None else context.db.location
        shown = "Dữ liệu mẫu" if context.demo else where
        self.setWindowTitle(f"{shown} – {APP_NAME}")
        self.statusBar().showMessage(f"Dữ liệu: {context.db.location}")
        if context.db.read_only:
            self.setWindowTitle(f"{where} (chỉ đọc) – {APP_NAME}")
            self.read_only_banner.setText(read_only_banner_text(context.db.read_only))
            self.read_only_banner.show()
        from PySide6.QtCore import Qt  # the pages need its enums now; the frame did not

        self.search_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        # Bound slots (not lambdas): Qt drops them with the window, the task manager lives on.
        context.tasks.busy_changed.connect(self._busy_changed)
        context.tasks.task_failed.connect(self.show_error)
        row = page if page is not None else int(self._settings.value("page", 1))  # Hội nghị by default
        if not 0 <= row < self.nav.count():
            row = 1
        if self.nav.currentRow() == row:
            self._show_page(row)
        else:
            self.nav.setCurrentRow(row)
        # Asked once the first page shows its data, never before it: the province report's
        # modules take a fifth of a second to load, and the answer only adds or removes a row at
        # the end of the navigation.
        self.when_page_filled(lambda: self._offer_province_page(context))

    def saved_page(self) -> str:
        """The key of the page the window opens on (the one the user left open)."""
        row = int(self._settings.value("page", 1))
        return self.page_keys[row] if 0 <= row < len(self.page_keys) else "dialogues"

    def show_first_dialogues(self, first: FirstDialogues) -> None:
        """Show the Hội nghị list from rows read at start-up, before the database is open; the
        page built in :meth:`attach` takes them over in place."""
        row = self.page_keys.index("dialogues")
        placeholder = self.pages.widget(row)
        self.first_dialogues = first
        self.pages.insertWidget(row, self.first_dialogues)
        self.pages.removeWidget(placeholder)
        placeholder.deleteLater()
        self.nav.setCurrentRow(row)
        self.pages.setCurrentIndex(row)

    def _offer_province_page(self, context: AppContext) -> None:
        """Báo cáo toàn tỉnh is there for a province user, and never for a commune's."""
        if self.context is not context:
            return  # the window went on to another file meanwhile

        def province_view(session: Session) -> bool:
            from app.services.province import province_view  # loaded on the database thread

            return province_view(session)

        context.ops.read(
            province_view, on_done=self._set_province_page, on_error=self._province_unknown, owner=self
        )

    def _province_unknown(self, _exc: BaseException) -> None:
        # The page is a convenience; the database's own refusal shows on the page in front.
        self._set_province_page(False)

    def _set_province_page(self, wanted: bool) -> None:
        key, title = self.PROVINCE_PAGE
        present = key in self.page_keys
        if wanted and not present:
            self.page_keys.append(key)
            item = QListWidgetItem(title)
            item.setToolTip(title)
            self.nav.addItem(item)
            self.pages.addWidget(_placeholder())
        elif present and not wanted:
            row = self.page_keys.index(key)
            if self.nav.currentRow() == row:
                self.nav.setCurrentRow(1)
            self.page_keys.pop(row)
            self.nav.takeItem(row)
            widget = self.pages.widget(row)
            self.pages.removeWidget(widget)
            widget.deleteLater()
            self._built.discard(row)

    def when_page_filled(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the page in front shows its first data: every list on it has
        its first rows (or its error), read through the operations layer, and has been painted.

        Start-up waits for this before it starts the work the secretary does not wait for
        (routine copy, integrity check), and ``--quit-after-show`` marks it for the benchmarks.
        """
        from ui.models.table import RowTableModel

        page = self.pages.currentWidget()
        waiting = [model for model in page.findChildren(RowTableModel) if model.loading]
        left = set(waiting)

        def settled(model: RowTableModel) -> None:
            if model not in left:
                return
            left.discard(model)
            if not left:
                # Queued after the paint the new rows asked for: the list is on screen then.
                QTimer.singleShot(0, callback)

        for model in waiting:
            model.loaded.connect(lambda _count, m=model: settled(m))
            model.load_failed.connect(lambda _text, m=model: settled(m))
        if not waiting:
            QTimer.singleShot(0, callback)

    def show_notice(self, text: str) -> None:
        """A lasting line above the pages (a data folder that cannot be written); after the
        read-only banner when both apply."""
        shown = self.read_only_banner.text() if self.read_only_banner.isVisible() else ""
        self.read_only_banner.setText(f"{shown}<br>{text}" if shown else text)
        self.read_only_banner.show()

    @Slot(int)
    def _show_page(self, row: int) -> None:
        if row < 0:
            return
        if self.context is not None and row not in self._built:
            placeholder = self.pages.widget(row)
            page = self._make_page(self.page_keys[row])
            self.pages.insertWidget(row, page)
            self.pages.removeWidget(placeholder)
            placeholder.deleteLater()
            self._built.add(row)
        self.pages.setCurrentIndex(row)

    def show_page(self, key: str) -> QWidget:
        """Bring the page ``key`` (one of ``PAGE_KEYS``) to the front, building it if needed."""
        row = self.page_keys.index(key)
        self.nav.setCurrentRow(row)
        return self.pages.widget(row)

    def _make_page(self, key: str) -> QWidget:
        context = self.context
        assert context is not None
        # Imported here: each screen's modules load when the screen is first opened.
        if key == "plans":
            from ui.views.plans import PlansPage

            return PlansPage(context)
        if key == "dialogues":
            from ui.views.dialogues import DialoguesPage

            first, self.first_dialogues = self.first_dialogues, None
            if first is None:
                page = DialoguesPage(context)
            else:  # the rows on screen pass to the page, where the user left them
                page = DialoguesPage(context, first_rows=first.model.rows())
                page.resize(first.size())
                page.view.setCurrentIndex(page.model.index(first.view.currentIndex().row(), 0))
                page.view.verticalScrollBar().setValue(first.view.verticalScrollBar().value())
            page.open_requested.connect(self.open_live_minutes)
            self.dialogues_page = page
            return page
        if key == "petitions":
            from ui.views.petitions import PetitionsPage

            page = PetitionsPage(context)
            page.open_requested.connect(self.open_petition)
            return page
        if key == "follow_up":
            from ui.views.follow_up import FollowUpPage

            follow = FollowUpPage(context)
            follow.open_requested.connect(self.open_petition)
            return follow
        if key == "reports":
            from ui.views.reports import ReportsPage

            return ReportsPage(context)
        if key == "catalog":
            from ui.views.catalog import CataloguePage

            return CataloguePage(context)
        if key == "settings":
            from ui.views.settings_page import SettingsPage

            settings_page = SettingsPage(context)
            settings_page.demo_requested.connect(self._demo_requested)
            return settings_page
        if key == "audit":
            from ui.views.audit_log import AuditLogPage

            return AuditLogPage(context)
        if key == "province":
            from ui.views.province_report import ProvinceReportPage

            return ProvinceReportPage(context)
        raise KeyError(key)

    def _add_actions(self) -> None:
        # setShortcuts([…]) rather than setShortcut(…): the latter's overloads make PySide create
        # the whole Qt namespace's enums (a good 50 ms) before the window is on screen.
        for number in range(1, len(self.NAVIGATION) + 1):
            action = QAction(self)
            action.setShortcuts([QKeySequence(f"Ctrl+{number}")])
            action.triggered.connect(lambda _checked=False, row=number - 1: self.nav.setCurrentRow(row))
            self.addAction(action)
        for keys, step in (("Ctrl++", 1.0), ("Ctrl+=", 1.0), ("Ctrl+-", -1.0), ("Ctrl+0", 0.0)):
            action = QAction(self)
            action.setShortcuts([QKeySequence(keys)])
            action.triggered.connect(lambda _checked=False, s=step: self.change_font_size(s))
            self.addAction(action)
        # Ctrl+K works over every window once the data is open (attach): it searches the data.
        self.search_action = QAction(self)
        self.search_action.setShortcuts([QKeySequence("Ctrl+K")])
        self.search_action.triggered.connect(self.open_search)
        self.addAction(self.search_action)
        self.search_dialog: QWidget | None = None
        help_action = QAction(self)
        help_action.setShortcuts([QKeySequence("F1")])
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
        font = self.font()  # a copy: changing it changes nothing until set
        font.setPointSizeF(points)
        self.setFont(font)

    @Slot(int)
    def open_live_minutes(self, dialogue_id: int, *, recovered: bool = False) -> LiveMinutesWindow:
        """One live window per dialogue; asking again brings it to the front."""
        from ui.views.live.window import LiveMinutesWindow

        assert self.context is not None
        window = self.live_windows.get(dialogue_id)
        if window is None or not window.isVisible():
            window = LiveMinutesWindow(
                self.context, dialogue_id, recovered=recovered, ui_settings=self._settings
            )
            window.petition_opener = self.open_petition
            fit_to_screen(window, QSize(1366, 768))
            self.live_windows[dialogue_id] = window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    @Slot(int)
    def open_petition(self, petition_id: int) -> QWidget:
        """One window per petition (its answers, assignments, history and actions)."""
        from ui.views.petition_detail import PetitionWindow

        assert self.context is not None
        window = self.petition_windows.get(petition_id)
        if window is None or not window.isVisible():
            window = PetitionWindow(self.context, petition_id, self)
            self.petition_windows[petition_id] = window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    @Slot()
    def open_search(self) -> QWidget | None:
        """Ctrl+K anywhere: the search popup over everything (ui/views/search.py)."""
        from ui.views.search import SearchDialog

        if self.context is None:
            return None
        if self.search_dialog is None:
            dialog = SearchDialog(self.context, self)
            dialog.open_requested.connect(self.open_search_hit)
            self.search_dialog = dialog
        self.search_dialog.show()
        self.search_dialog.raise_()
        self.search_dialog.activateWindow()
        self.search_dialog.box.setFocus()  # type: ignore[attr-defined]
        self.search_dialog.box.selectAll()  # type: ignore[attr-defined]
        return self.search_dialog

    @Slot(object)
    def open_search_hit(self, hit: object) -> None:
        """Open what a search found in its own screen."""
        from app.services.search import SearchKind

        kind = getattr(hit, "kind", None)
        if getattr(hit, "petition_id", None) is not None:
            self.open_petition(hit.petition_id)  # type: ignore[attr-defined]
        elif kind is SearchKind.PLAN:
            self.show_page("plans")
        elif getattr(hit, "dialogue_id", None) is not None:
            self.open_live_minutes(hit.dialogue_id)  # type: ignore[attr-defined]
        elif kind in (SearchKind.PERSON, SearchKind.HAMLET):
            self.show_page("catalog")

    @Slot()
    def show_shortcuts(self) -> None:
        lines = [(f"Ctrl+{n}", title) for n, title in enumerate(self.NAVIGATION, start=1)]
        lines += [
            ("Ctrl + / Ctrl −", "Phóng to / thu nhỏ chữ (Ctrl+0: cỡ mặc định)"),
            ("Ctrl+K", "Tìm kiếm trong mọi dữ liệu"),
            ("F1", "Bảng phím tắt này"),
        ]
        page = self.pages.currentWidget()
        page_keys = list(getattr(page, "SHORTCUTS", ()))
        rows = "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{w}</td></tr>" for k, w in lines)
        if page_keys:
            title = self.nav.currentItem().text() if self.nav.currentItem() else ""
            rows += f"<tr><td colspan=2><br><b>Màn hình {title}</b></td></tr>"
            rows += "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{w}</td></tr>" for k, w in page_keys)
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.information(self, "Phím tắt", f"<table>{rows}</table>")

    # --- the sample file and back ------------------------------------------------------------

    def _make_demo_banner(self) -> QFrame:
        self.demo_banner = QFrame()
        self.demo_banner.setObjectName("demoBanner")
        # Colours by palette, not a style sheet: a style sheet would stop the label's font from
        # following Ctrl +/− (style-sheet widgets keep the font they were polished with).
        palette = self.demo_banner.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor("#fff3c4"))
        palette.setColor(QPalette.ColorRole.WindowText, QColor("#5a4500"))
        self.demo_banner.setPalette(palette)
        self.demo_banner.setAutoFillBackground(True)
        self.demo_banner.setFrameShape(QFrame.Shape.StyledPanel)
        row = QHBoxLayout(self.demo_banner)
        row.setContentsMargins(12, 6, 12, 6)
        # Bold by markup, not by a font: the size keeps following Ctrl +/− like every label.
        self.demo_label = QLabel(
            "<b>Đang xem dữ liệu mẫu</b> – một xã mẫu để dùng thử; dữ liệu của xã không bị thay đổi."
        )
        self.demo_label.setWordWrap(True)
        self.back_button = QPushButton("Về dữ liệu của tôi")
        self.back_button.setObjectName("backToOwnData")
        self.back_button.clicked.connect(self.show_own_data)
        row.addWidget(self.demo_label, 1)
        row.addWidget(self.back_button)
        self.demo_banner.hide()
        return self.demo_banner

    @Slot()
    def _demo_requested(self) -> None:
        self.show_demo(rebuild=True)

    def show_demo(self, *, rebuild: bool = False) -> bool:
        """Show the sample file (made afresh when ``rebuild`` or missing); her file is untouched."""
        from app import paths

        return self.switch_database(paths.demo_db_path(), demo=True, rebuild=rebuild)

    @Slot()
    def show_own_data(self) -> bool:
        """«Về dữ liệu của tôi»: back to the database she works in."""
        if self.own_db_path is None:
            return False
        return self.switch_database(self.own_db_path, demo=False)

    def switch_database(self, path: Path, *, demo: bool, rebuild: bool = False) -> bool:
        """Show another database file in this window; False (nothing changed) when it cannot.

        Every open record window closes first and every pending autosave is written; the new file
        is locked and opened before the old one is let go, so a failure leaves the window as it was.
        """
        from PySide6.QtWidgets import QMessageBox

        from ui.autosave import Autosaver
        from ui.context import AppContext
        from ui.main import close_context, instance_lock, open_database
        from ui.tasks import run_and_wait

        old = self.context
        assert old is not None
        if old.db.path.resolve() == path.resolve() and not rebuild:
            return True
        for live in list(self.live_windows.values()):
            live.close()
        if any(live.isVisible() for live in self.live_windows.values()):
            return False  # a live window still open: its dialogue is being minuted
        for window in list(self.petition_windows.values()):
            window.close()
        if self.search_dialog is not None:
            self.search_dialog.close()
        for saver in self.findChildren(Autosaver):
            saver.flush()
        old.tasks.wait()
        if old.db.path.resolve() == path.resolve():
            # Rebuilding the sample being shown: let it go first (nothing of hers is open).
            if not self.show_own_data():
                return False
            old = self.context
            assert old is not None
        own = self.own_db_path is not None and path.resolve() == self.own_db_path.resolve()
        lock = self._own_lock if own and self._own_lock is not None else instance_lock(path)
        if lock is None:
            QMessageBox.information(
                self,
                APP_NAME,
                f"Tệp «{path}» đang mở ở một cửa sổ khác của chương trình. Hãy dùng cửa sổ đó.",
            )
            return False
        if demo and (rebuild or not path.exists()):
            from app.services.demo import create_demo_file

            try:
                run_and_wait(
                    old.tasks, lambda: create_demo_file(path), label="Đang tạo dữ liệu mẫu…", parent=self
                )
            except Exception as exc:
                from ui.tasks import user_message

                lock.release()  # the sample's own lock, never hers
                self.show_error(user_message(exc))
                return False
        db = open_database(old.tasks, path, self, sample=demo)
        if db is None:
            if lock is not self._own_lock:
                lock.release()
            return False
        in_front = self.nav.currentRow()
        self._detach()
        if not old.demo:
            self._own_lock, old.lock = old.lock, None
        elif own:
            self._own_lock = None
        close_context(old)
        self.attach(AppContext(db=db, tasks=old.tasks, lock=lock, demo=demo), page=max(in_front, 0))
        from app.services.maintenance import after_first_screen

        # As at start: a large file's check and routine copy begin once its first list is shown.
        self.when_page_filled(lambda: after_first_screen(db))
        return True

    def _detach(self) -> None:
        """Drop every page and window built over the current database (they hold its context)."""
        context = self.context
        assert context is not None
        context.tasks.busy_changed.disconnect(self._busy_changed)
        context.tasks.task_failed.disconnect(self.show_error)
        for row in sorted(self._built):
            page = self.pages.widget(row)
            self.pages.insertWidget(row, _placeholder())
            self.pages.removeWidget(page)
            page.deleteLater()
        self._built.clear()
        self.dialogues_page = None
        for window in [*self.live_windows.values(), *self.petition_windows.values()]:
            window.deleteLater()
        self.live_windows.clear()
        self.petition_windows.clear()
        if self.search_dialog is not None:
            self.search_dialog.deleteLater()
            self.search_dialog = None
        context.ops.deleteLater()
        self.context = None

    @Slot(bool)
    def _busy_changed(self, busy: bool) -> None:
        self.busy_label.setText("Đang xử lý…" if busy else "")

    @Slot(str)
    def show_error(self, message: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(self, "Không thực hiện được", message)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._settings.setValue("geometry", self.saveGeometry())
        self._settings.setValue("page", self.nav.currentRow())
        for live in list(self.live_windows.values()):
            live.close()
        if self.context is not None:
            self.context.tasks.wait()  # let a running save finish before the database closes
        super().closeEvent(event)


def about_text() -> str:
    return f"{APP_NAME} {__version__}"


__all__ = ["MainWindow"]
