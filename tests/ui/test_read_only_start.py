"""The window on a file it cannot write: a banner says why and what to do, the lists are there,
and a change is refused in Vietnamese (see tests/app/test_read_only_mode.py for how read-only is
simulated while the tests run as root)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

from app.services import petitions
from app.storage import engine as engine_module
from tests.app.test_read_only_mode import _demo, _deny_writes
from tests.damage import snapshot
from ui.context import AppContext
from ui.main import open_database
from ui.main_window import MainWindow
from ui.tasks import TaskManager, user_message
from ui.views.petitions import PetitionsPage


def test_window_on_a_read_only_file_shows_the_banner_and_the_lists(
    qtbot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    target = _demo(tmp_path / "data.sqlite")
    target.chmod(stat.S_IRUSR | stat.S_IRGRP)
    _deny_writes(monkeypatch, target)
    before = snapshot(target)
    holder = QWidget()
    qtbot.addWidget(holder)
    tasks = TaskManager()
    db = open_database(tasks, target, holder)  # the window's own opening step, off the GUI thread
    assert db is not None and db.read_only
    context = AppContext(db=db, tasks=tasks)
    try:
        window = MainWindow(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), context)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        window.nav.setCurrentRow(2)
        page = window.pages.currentWidget()
        assert isinstance(page, PetitionsPage)
        qtbot.waitUntil(lambda: page.model.rowCount() >= 20, timeout=10000)
        assert window.read_only_banner.isVisible()
        banner = window.read_only_banner.text()
        assert "Chế độ chỉ đọc" in banner and "chỉ cho phép đọc" in banner and "Properties" in banner
        assert "(chỉ đọc)" in window.windowTitle()
        window.grab().save(str(tmp_path / "read-only-window.png"))
        failures: list[BaseException] = []
        context.ops.write(
            lambda s: petitions.create_petition(s, petitions.PetitionInput(content="Kiến nghị mới")),
            on_error=failures.append,
        )
        qtbot.waitUntil(lambda: bool(failures), timeout=10000)
        assert "chế độ chỉ đọc" in user_message(failures[0])
    finally:
        assert tasks.wait(10000)
        db.close()
    assert snapshot(target) == before


def test_the_real_check_is_used_when_nothing_stands_in(tmp_path: Path) -> None:
    assert engine_module.writable(tmp_path)


# The whole program runs in a child: ui.main.run ends with QApplication.quit(), and a quit
# application left behind in this process made later UI tests wait for results that never came.
_CHILD = """
import sys
from pathlib import Path
from ui.main_window import MainWindow as Window
real_notice = Window.show_notice
def notice(self, text):
    real_notice(self, text)
    self.grab().save(sys.argv[2])
    print("NOTICE " + text.replace(chr(10), " "), flush=True)
Window.show_notice = notice
import ui.main
print("RC", ui.main.run(Path(sys.argv[1]), quit_after_show=True), flush=True)
"""


def test_a_data_folder_that_cannot_be_written_with_a_writable_db(tmp_path: Path) -> None:
    """DOITHOAI_HOME under a plain file: every mkdir and write there fails (for root too)."""
    import os
    import subprocess
    import sys

    target = _demo(tmp_path / "data.sqlite")
    blocker = tmp_path / "blocker"
    blocker.write_text("một tệp, không phải thư mục", encoding="utf-8")
    shot = tmp_path / "data-folder-notice.png"
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, DOITHOAI_HOME=str(blocker / "home"), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(target), str(shot)],
        cwd=root, env=env, capture_output=True, text=True, encoding="utf-8", timeout=120,
    )  # fmt: skip
    assert "RC 0" in done.stdout, done.stdout + done.stderr  # no crash at start or at exit
    notices = [line for line in done.stdout.splitlines() if line.startswith("NOTICE ")]
    assert notices and "Không ghi được vào thư mục dữ liệu" in notices[0] and "sao lưu" in notices[0]
    assert shot.is_file()
