"""The window part of ``doithoai --self-test``: Qt plugins, the icon, the real main window drawn.

Kept in ui/ so that app/ never imports Qt; app/selftest.py calls it the way the CLI opens the GUI.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtGui import QImage, QImageReader

from app import paths
from ui.context import AppContext  # the program's own window, as `doithoai` opens it
from ui.main import make_application
from ui.main_window import MainWindow
from ui.tasks import TaskManager


def check_main_window(notes: list[str], db: Any, folder: Path) -> None:
    app = make_application()
    notes.append(f"nền tảng Qt «{app.platformName()}»")
    native = {"win32": "windows", "darwin": "cocoa"}.get(sys.platform, "xcb")
    platform_plugins = {
        entry.stem.removeprefix("lib").removeprefix("q")
        for folder_path in QCoreApplication.libraryPaths()
        for entry in (Path(folder_path) / "platforms").glob("*q*")
    }
    if native not in platform_plugins:
        raise FileNotFoundError(f"thiếu plugin nền tảng «{native}» (có: {sorted(platform_plugins)})")
    notes.append(f"có plugin «{native}»")
    formats = {bytes(name.data()).decode() for name in QImageReader.supportedImageFormats()}
    icon = QImage(str(paths.resource_path("icons", "doithoai.ico")))
    if "ico" not in formats or icon.isNull():
        raise ValueError("không đọc được biểu tượng .ico (thiếu plugin ảnh «ico»)")

    tasks = TaskManager(app)
    window = MainWindow(
        QSettings(str(folder / "ui.ini"), QSettings.Format.IniFormat), AppContext(db=db, tasks=tasks)
    )
    try:
        window.show()
        app.processEvents()
        if not tasks.wait():
            raise TimeoutError("các tác vụ nền của cửa sổ không xong sau 30 giây")
        app.processEvents()
        picture = window.grab()
        shot = folder / "cua-so.png"
        if picture.isNull() or not picture.save(str(shot)) or QImage(str(shot)).isNull():
            raise ValueError("không vẽ được cửa sổ chính")
        notes.append(f"cửa sổ chính {picture.width()}×{picture.height()} vẽ được")
    finally:
        window.close()
        window.deleteLater()
        tasks.deleteLater()
        app.processEvents()
