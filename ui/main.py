"""Start the window: QApplication, Vietnamese texts, single-instance lock, database, first-run setup."""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QObject, QSettings, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

from app import APP_ID, APP_NAME, __version__, paths
from app.errors import AppError, DatabaseDamagedError
from app.log import setup_logging
from ui.i18n import install_translator

if TYPE_CHECKING:  # loaded after the window is on screen
    from sqlalchemy.orm import Session

    from app.storage.database import Database
    from app.storage.lock import DatabaseLock
    from app.storage.urls import Target
    from ui.context import AppContext
    from ui.main_window import MainWindow
    from ui.tasks import TaskManager

log = logging.getLogger(__name__)


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_ID)
    icon = paths.resource_path("icons", "doithoai.png")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    # Vietnamese month and day names in every calendar, Monday first, "1.234,5" numbers; the date
    # fields still set dd/MM/yyyy themselves (the locale's short format is d/M/yy).
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
    app._vi_translator = install_translator(app)  # type: ignore[attr-defined]  # keep it alive
    from ui.collector import MainThreadCollector

    if not isinstance(getattr(app, "_collector", None), MainThreadCollector):
        app._collector = MainThreadCollector(app)  # type: ignore[attr-defined]
    return app


def ui_settings() -> QSettings:
    """Window size, page and font size: per data folder, never the developer's real settings."""
    return QSettings(str(paths.state_dir() / "ui.ini"), QSettings.Format.IniFormat)


def instance_lock(db_path: Path) -> DatabaseLock | None:
    """One window per database file (resolved path); None when another program holds it."""
    from app.storage.lock import try_lock

    return try_lock(db_path)


def server_target(db_path: Path | None, db_url: str | None) -> Target | None:
    """The server to use: ``--db-url``, else (without ``--db``) the choice saved in Cài đặt.

    Asked before the window is shown, so the usual case (a local file, no server ever set up)
    must not load the database layer: that alone costs a third of a second on an old PC.
    """
    if not db_url and (db_path is not None or not paths.connection_config_path().exists()):
        return None
    from app.storage.connection_config import load_choice
    from app.storage.urls import parse_target

    if db_url:
        chosen = parse_target(db_url)
        return chosen if chosen.is_server else None
    choice = load_choice()
    return choice.target() if choice.server else None


def show_first_page(window: MainWindow, db_path: Path) -> bool:
    """Show the Hội nghị list read without the database layer, when the window opens on it and
    the file needs nothing first (app.storage.first_page); False: the normal path shows it."""
    if window.saved_page() != "dialogues":
        return False
    from app.storage.first_page import quick_first_page
    from ui.views.dialogue_list import FirstDialogues

    first = FirstDialogues()
    page = quick_first_page(db_path, order=first.order)
    if page is None:
        first.deleteLater()
        return False
    first.show_rows(page.rows)
    window.show_first_dialogues(first)
    return True


def _running_flag() -> Path:
    return paths.state_dir() / "running.flag"


def _mark_running() -> bool:
    """Note that the program runs; True if the previous run never reached a clean exit."""
    flag = _running_flag()
    crashed = flag.exists()
    with contextlib.suppress(OSError):
        flag.parent.mkdir(parents=True, exist_ok=True)
        flag.write_text("running", encoding="utf-8")
    return crashed


def open_database(
    tasks: TaskManager, db_path: Path | None, window: QWidget, *, sample: bool = False
) -> Database | None:
    """Open (backup, migrate) off the GUI thread, with progress; None when the user gives up.

    A named file that is missing or empty is never created silently: the user is asked whether
    to create a new data file there. A damaged file is never written: the message says what
    happened and, when a verified backup exists, offers to restore it (the damaged file is set
    aside under a dated name only if the user agrees). Nothing from a bad file reaches a
    traceback on screen. The sample file (``sample``) is opened as it is: no routine backup, so
    no copy of the demo ever sits among the user's backups.
    """
    from PySide6.QtWidgets import QMessageBox

    from app.errors import DatabaseMissingError
    from ui.tasks import run_and_wait

    label = "Đang mở dữ liệu (sao lưu và nâng cấp nếu cần)…"
    create = False
    target = db_path or paths.default_db_path()

    def open_and_back_up(create: bool) -> Database:
        from app.services.maintenance import open_for_window

        if sample:
            from app.storage.database import Database

            return Database.open(target)
        return open_for_window(db_path, create=create)

    while True:
        try:
            return run_and_wait(tasks, lambda c=create: open_and_back_up(c), label=label, parent=window)
        except DatabaseMissingError as exc:
            log.warning("database missing: %s", exc)
            answer = QMessageBox.question(
                window,
                APP_NAME,
                f"{exc.user_message}\n\nTạo tệp dữ liệu mới, trống, tại đường dẫn này?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes or create:
                return None
            create = True
        except DatabaseDamagedError as exc:
            log.error("database refused as damaged: %s", exc)
            if not offer_restore(tasks, target, window, exc):
                return None
        except AppError as exc:
            log.error("cannot open database: %s", exc)
            QMessageBox.critical(window, APP_NAME, exc.user_message)
            return None
        except Exception as exc:  # an unforeseen failure still gets words, and the log its cause
            log.error("unexpected failure opening the database: %s", type(exc).__name__, exc_info=exc)
            QMessageBox.critical(
                window,
                APP_NAME,
                f"Không mở được tệp dữ liệu «{target}». Tệp có thể bị hỏng hoặc không phải tệp dữ liệu "
                "của chương trình. Hãy chạy «doithoai check» hoặc khôi phục một bản sao lưu "
                "(Cài đặt → Sao lưu, khôi phục), và gửi tệp nhật ký cho cán bộ kỹ thuật.",
            )
            return None


def offer_restore(tasks: TaskManager, target: Path, window: QWidget, exc: DatabaseDamagedError) -> bool:
    """Say what is damaged and, with the user's consent, restore the newest good backup.

    True when the backup was restored (the damaged file is set aside under a dated name).
    """
    from PySide6.QtWidgets import QMessageBox

    from app.storage import backups
    from ui.tasks import run_and_wait

    backup = exc.backup
    if not isinstance(backup, backups.BackupInfo):
        QMessageBox.critical(window, APP_NAME, exc.user_message)
        return False
    answer = QMessageBox.question(
        window,
        APP_NAME,
        f"{exc.user_message}\n\nKhôi phục bản sao lưu này ngay bây giờ? Tệp hỏng sẽ được "
        "đổi tên (thêm «-hong» và ngày giờ) và giữ lại trong cùng thư mục.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return False
    try:
        report = run_and_wait(
            tasks,
            lambda chosen=backup.path: backups.restore_backup(target, chosen, damaged=True),
            label="Đang khôi phục bản sao lưu…",
            parent=window,
        )
    except AppError as failure:
        log.error("restore failed: %s", failure)
        QMessageBox.critical(window, APP_NAME, failure.user_message)
        return False
    from app.services.maintenance import note_file_event

    restored_from = backup.path.name
    run_and_wait(
        tasks,
        lambda name=restored_from: note_file_event(target, "restore_backup", file=name, damaged=True),
        label="Đang ghi nhật ký…",
        parent=window,
    )
    QMessageBox.information(
        window,
        APP_NAME,
        f"Đã khôi phục dữ liệu từ {backup.phrase()}. Tệp hỏng được giữ lại với tên "
        f"«{report.set_aside.name if report.set_aside else ''}».",
    )
    return True


class _Relay(QObject):
    """Brings a result from a plain background thread to the GUI thread."""

    delivered = Signal(object)


def in_background(parent: QObject, work: Callable[[], object], on_result: Callable[[object], None]) -> None:
    """Run ``work`` on its own thread (not the database worker, which the screens' reads use)
    and hand its result to ``on_result`` on the GUI thread."""
    from PySide6.QtCore import Qt

    relay = _Relay(parent)
    relay.delivered.connect(on_result, Qt.ConnectionType.QueuedConnection)

    def run() -> None:
        try:
            result = work()
        except Exception as exc:  # delivered like a result: the receiver logs it
            result = exc
        relay.delivered.emit(result)

    threading.Thread(target=run, name="background-check", daemon=True).start()


def watch_background_check(
    db: Database, tasks: TaskManager, window: QWidget, on_damaged: Callable[[], None]
) -> None:
    """A large file is checked while the first screens read it (app.storage.database.Verification):
    if it fails, the user is told as at start, offered the backup, and ``on_damaged`` runs (the
    program closes: nothing was written to the file)."""
    from PySide6.QtWidgets import QMessageBox

    verification = db.verification
    if verification is None:
        return

    def verdict(error: object) -> None:
        if not isinstance(error, DatabaseDamagedError):
            return
        log.error("background quick_check failed: %s", error.finding)
        if offer_restore(tasks, db.path, window, error):
            QMessageBox.information(window, APP_NAME, "Hãy mở lại chương trình để dùng dữ liệu đã khôi phục.")
        on_damaged()

    in_background(window, lambda: None if verification.passed() else verification.error, verdict)


def _start_weekly_check(db_path: Path, window: QWidget) -> None:
    """The full integrity_check once a week, in the background; a problem is said at once.

    Its own thread: on a large file it reads for seconds, and the screens' reads must not queue
    behind it on the database worker.
    """
    from PySide6.QtWidgets import QMessageBox

    from app.services.maintenance import weekly_check

    def done(report: object) -> None:
        if isinstance(report, Exception):
            log.warning("weekly check: %s", type(report).__name__)
            return
        lines = getattr(report, "lines", None)
        if report is not None and lines is not None and not getattr(report, "ok", True):
            QMessageBox.warning(
                window,
                APP_NAME,
                "Kiểm tra định kỳ phát hiện tệp dữ liệu có vấn đề:\n\n"
                + "\n".join(lines())
                + "\n\nHãy sao lưu ngay ra USB (Cài đặt → Sao lưu, khôi phục) và liên hệ cán bộ kỹ thuật.",
            )

    in_background(window, lambda: weekly_check(db_path), done)


def run(db_path: Path | None = None, *, quit_after_show: bool = False, db_url: str | None = None) -> int:
    setup_logging()
    app = make_application()
    with contextlib.suppress(OSError):  # Database.open reports an unusable folder clearly
        paths.data_dir().mkdir(parents=True, exist_ok=True)
    try:
        server = server_target(db_path, db_url)
    except AppError as exc:  # a mistyped --db-url
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, APP_NAME, exc.user_message)
        return 2
    if db_url and server is None and db_path is None:
        from app.storage.urls import parse_target

        db_path = parse_target(db_url).path
    target = db_path or paths.default_db_path()
    # Several PCs share a server by design: the one-window lock guards a local file only.
    lock = instance_lock(target) if server is None else None
    if server is None and lock is None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.information(
            None,
            APP_NAME,
            "Chương trình đang mở với tệp dữ liệu này ở một cửa sổ khác. Hãy dùng cửa sổ đó "
            "(xem trên thanh tác vụ).",
        )
        return 0
    from ui.main_window import MainWindow

    # The window is on screen before the database layer loads (SQLAlchemy alone takes a good part
    # of a second on an old PC): the secretary sees the program answer at once.
    window = MainWindow(ui_settings())
    window.show()
    app.processEvents()
    # Wall-clock marks let benchmarks/bundle.py measure from outside when the window appeared.
    log.info("main window on screen at %.4f", time.time())
    # The first list with data before the database layer loads (app.storage.first_page): the
    # same statements and rows as the page's own, which takes them over once the file is open.
    shown_early = server is None and show_first_page(window, target)
    if shown_early:
        app.processEvents()
        log.info("main window ready at %.4f", time.time())
    from PySide6.QtWidgets import QMessageBox

    from app.errors import ReadOnlyDatabaseError
    from app.services import settings as settings_service
    from app.services.dialogues import running_dialogue
    from ui.context import AppContext
    from ui.tasks import TaskManager

    tasks = TaskManager(app)
    db: Database | None = None
    if server is not None:
        from app.storage.connection_config import LOCAL, save_choice
        from ui.views.server_connect import Choice, connect_server

        outcome = connect_server(tasks, server, window)
        if outcome is Choice.QUIT:
            tasks.wait()
            return 1
        if isinstance(outcome, Choice):  # back to the local file, now and next time
            save_choice(LOCAL)
            server, db_path, target = None, None, paths.default_db_path()
            lock = instance_lock(target)
            if lock is None:
                tasks.wait()
                return 0
        else:
            db = outcome
    if db is None:
        db = open_database(tasks, db_path, window)
    if db is None:
        tasks.wait()
        return 1
    context = AppContext(db=db, tasks=tasks, lock=lock)

    def first_look(session: Session) -> tuple[bool, int | None]:
        return settings_service.is_configured(session), running_dialogue(session)

    from ui.views.sign_in import sign_in_if_needed

    if not sign_in_if_needed(context, server.display() if server is not None else str(db.path), window):
        tasks.wait()
        db.close()
        if lock is not None:
            lock.release()
        return 0
    configured, running = context.ops.read_and_wait(first_look)
    if db.read_only:
        running = None  # the live minutes write with every key: not on a file that cannot be written
        window.statusBar().showMessage(f"Dữ liệu (chỉ đọc): {db.path}")
    if not configured and db.read_only:
        QMessageBox.warning(window, APP_NAME, ReadOnlyDatabaseError(db.path, db.read_only).user_message)
        tasks.wait()
        db.close()
        return 1
    if not configured:
        from ui.views.setup_dialog import SetupDialog

        dialog = SetupDialog(context, window)
        if dialog.exec() != SetupDialog.DialogCode.Accepted:
            tasks.wait()
            db.close()
            return 0
        wants_demo = dialog.wants_demo
    else:
        wants_demo = False

    window.attach(context)
    from app.services.maintenance import after_first_screen, data_folder_problem, keep_first_page

    def first_screen_filled() -> None:
        # What the secretary does not wait for starts once she sees her list: on a large file the
        # quick_check, the routine copy and the weekly integrity_check each read the whole file,
        # and on an old disk the first list would have waited behind them.
        if window.context is not None and window.context.db is db:  # not left for the sample
            after_first_screen(db)
            watch_background_check(db, tasks, window, on_damaged=app.quit)
            if server is None and db.path is not None:
                _start_weekly_check(db.path, window)
        shown = window.dialogues_page
        if server is None and shown is not None:  # for the next start's first list
            order = shown.model.sort_order  # type: ignore[attr-defined]
            threading.Thread(
                target=keep_first_page, args=(order,), name="keep-first-page", daemon=True
            ).start()
        if not shown_early:
            # Measured start = the window shown with its first list filled, not just its frame.
            log.info("main window ready at %.4f", time.time())
        else:
            log.info("first list taken over at %.4f", time.time())
        if quit_after_show:
            app.quit()

    folder_problem = data_folder_problem()
    if folder_problem:
        window.show_notice(folder_problem)
    if wants_demo:  # her own file stays as set up; the demo opens from its own sample file
        window.show_demo(rebuild=True)
    window.when_page_filled(first_screen_filled)  # the page in front now (the sample's, if shown)
    crashed = _mark_running()
    if running is not None:
        # Reopen exactly where the secretary was: the dialogue whose minutes were being typed.
        window.open_live_minutes(running, recovered=crashed)
    if db.migration and db.migration.backup_path:
        window.statusBar().showMessage(
            f"Dữ liệu đã được nâng cấp; bản sao lưu trước khi nâng cấp: {db.migration.backup_path}", 15000
        )
    code = app.exec()
    tasks.wait()
    # The window may have switched files (the sample and back): close the one it shows now.
    current = window.context or context
    close_context(current)
    with contextlib.suppress(OSError):  # a data folder that cannot be written never had it
        _running_flag().unlink(missing_ok=True)
    if lock is not None:
        lock.release()  # no-op when a switch already released it
    return code


def close_context(context: AppContext) -> None:
    """Close a database the window showed and free its lock; her own file gets its exit copy."""
    from app.services.maintenance import close_after_window

    context.tasks.wait()
    if context.demo or context.db.on_server:
        context.db.close()  # the sample is rebuilt at will; the server keeps its own backups (README)
    else:
        close_after_window(context.db)
    if context.lock is not None:
        context.lock.release()
