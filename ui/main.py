"""Start the window: QApplication, Vietnamese texts, single-instance lock, database, first-run setup."""

from __future__ import annotations

import contextlib
import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app import APP_ID, APP_NAME, __version__, paths
from app.errors import AppError
from app.log import setup_logging
from ui.i18n import install_translator

if TYPE_CHECKING:  # loaded after the window is on screen
    from sqlalchemy.orm import Session

    from app.storage.database import Database
    from app.storage.lock import DatabaseLock
    from app.storage.urls import Target
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
    app._vi_translator = install_translator(app)  # type: ignore[attr-defined]  # keep it alive
    return app


def ui_settings() -> QSettings:
    """Window size, page and font size: per data folder, never the developer's real settings."""
    return QSettings(str(paths.state_dir() / "ui.ini"), QSettings.Format.IniFormat)


def instance_lock(db_path: Path) -> DatabaseLock | None:
    """One window per database file (resolved path); None when another program holds it."""
    from app.storage.lock import try_lock

    return try_lock(db_path)


def server_target(db_path: Path | None, db_url: str | None) -> Target | None:
    """The server to use: ``--db-url``, else (without ``--db``) the choice saved in Cài đặt."""
    from app.storage.connection_config import load_choice
    from app.storage.urls import parse_target

    if db_url:
        chosen = parse_target(db_url)
        return chosen if chosen.is_server else None
    if db_path is not None:
        return None
    choice = load_choice()
    return choice.target() if choice.server else None


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


def open_database(tasks: TaskManager, db_path: Path | None, window: QWidget) -> Database | None:
    """Open (backup, migrate) off the GUI thread, with progress; None when the user gives up.

    A named file that is missing or empty is never created silently: the user is asked whether
    to create a new data file there. A damaged file is never written: the message says what
    happened and, when a verified backup exists, offers to restore it (the damaged file is set
    aside under a dated name only if the user agrees). Nothing from a bad file reaches a
    traceback on screen.
    """
    from app.errors import DatabaseDamagedError, DatabaseMissingError
    from app.storage import backups
    from ui.tasks import run_and_wait

    label = "Đang mở dữ liệu (sao lưu và nâng cấp nếu cần)…"
    create = False
    target = db_path or paths.default_db_path()

    def open_and_back_up(create: bool) -> Database:
        from app.services.maintenance import open_for_window

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
            backup = exc.backup
            if not isinstance(backup, backups.BackupInfo):
                QMessageBox.critical(window, APP_NAME, exc.user_message)
                return None
            answer = QMessageBox.question(
                window,
                APP_NAME,
                f"{exc.user_message}\n\nKhôi phục bản sao lưu này ngay bây giờ? Tệp hỏng sẽ được "
                "đổi tên (thêm «-hong» và ngày giờ) và giữ lại trong cùng thư mục.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return None
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
                return None
            QMessageBox.information(
                window,
                APP_NAME,
                f"Đã khôi phục dữ liệu từ {backup.phrase()}. Tệp hỏng được giữ lại với tên "
                f"«{report.set_aside.name if report.set_aside else ''}».",
            )
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


def _start_weekly_check(tasks: TaskManager, db_path: Path, window: QWidget) -> None:
    """The full integrity_check once a week, in the background; a problem is said at once."""
    from app.services.maintenance import weekly_check

    def done(report: object) -> None:
        lines = getattr(report, "lines", None)
        if report is not None and lines is not None and not getattr(report, "ok", True):
            QMessageBox.warning(
                window,
                APP_NAME,
                "Kiểm tra định kỳ phát hiện tệp dữ liệu có vấn đề:\n\n"
                + "\n".join(lines())
                + "\n\nHãy sao lưu ngay ra USB (Cài đặt → Sao lưu, khôi phục) và liên hệ cán bộ kỹ thuật.",
            )

    tasks.run(
        lambda: weekly_check(db_path),
        on_success=done,
        on_failure=lambda exc: log.warning("weekly check: %s", exc),
    )


def run(db_path: Path | None = None, *, quit_after_show: bool = False, db_url: str | None = None) -> int:
    setup_logging()
    app = make_application()
    with contextlib.suppress(OSError):  # Database.open reports an unusable folder clearly
        paths.data_dir().mkdir(parents=True, exist_ok=True)
    try:
        server = server_target(db_path, db_url)
    except AppError as exc:  # a mistyped --db-url
        QMessageBox.critical(None, APP_NAME, exc.user_message)
        return 2
    if db_url and server is None and db_path is None:
        from app.storage.urls import parse_target

        db_path = parse_target(db_url).path
    target = db_path or paths.default_db_path()
    # Several PCs share a server by design: the one-window lock guards a local file only.
    lock = instance_lock(target) if server is None else None
    if server is None and lock is None:
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

    from app.services import settings as settings_service
    from app.services.minutes import running_dialogue
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
    context = AppContext(db=db, tasks=tasks)

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
    if not configured:
        from ui.views.setup_dialog import SetupDialog

        dialog = SetupDialog(context, window)
        if dialog.exec() != SetupDialog.DialogCode.Accepted:
            tasks.wait()
            db.close()
            return 0

    window.attach(context)
    if server is None:
        _start_weekly_check(tasks, db.path, window)
    crashed = _mark_running()
    if running is not None:
        # Reopen exactly where the secretary was: the dialogue whose minutes were being typed.
        window.open_live_minutes(running, recovered=crashed)
    if db.migration and db.migration.backup_path:
        window.statusBar().showMessage(
            f"Dữ liệu đã được nâng cấp; bản sao lưu trước khi nâng cấp: {db.migration.backup_path}", 15000
        )
    if quit_after_show:
        # Measured start = the window shown with its data loaded, not just its frame.
        context.tasks.wait()
        QTimer.singleShot(0, lambda: (log.info("main window ready at %.4f", time.time()), app.quit()))
    code = app.exec()
    context.tasks.wait()
    from app.services.maintenance import close_after_window

    if server is None:
        close_after_window(db)
    else:
        db.close()  # the server keeps its own backups (README)
    _running_flag().unlink(missing_ok=True)
    if lock is not None:
        lock.release()
    return code
