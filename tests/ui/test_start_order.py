"""What the program loads and does on its way to the first list, in the order the secretary sees.

The whole program runs in a child (as in test_read_only_start): ``ui.main.run`` quits its
QApplication, and it must start from a fresh interpreter for ``sys.modules`` to say anything.
The child prints what it found at the program's own marks: the window on screen, and the front
page's list filled (the mark ``--quit-after-show`` logs for the benchmarks).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.app.test_read_only_mode import _demo

ROOT = Path(__file__).resolve().parents[2]

# Never needed to show the first list: documents, spreadsheets, charts, migrations, the server.
HEAVY = ("alembic", "mako", "docx", "lxml", "openpyxl", "matplotlib", "numpy", "keyring", "psycopg")

_CHILD = """
import json, logging, sys
from pathlib import Path

LARGE = sys.argv[2] == "large"
if LARGE:  # every file counts as large: its check runs beside the first screen
    from app.storage import database
    database.BACKGROUND_CHECK_BYTES = 0

from app import paths
from ui.main_window import MainWindow

found = {}

def loaded(names):
    return sorted(n for n in names if n in sys.modules)

def rows_in_front(window):
    from ui.models.table import RowTableModel
    return [m.rowCount() for m in window.pages.currentWidget().findChildren(RowTableModel)]

def texts_in_front(window):
    from ui.models.table import RowTableModel
    return [
        [[m.index(r, c).data() for c in range(m.columnCount())] for r in range(m.rowCount())]
        for m in window.pages.currentWidget().findChildren(RowTableModel)
    ]

real_when_filled = MainWindow.when_page_filled

def when_page_filled(self, callback):
    def filled():
        db = self.context.db
        found["filled"] = {
            "rows": rows_in_front(self),
            "check_started": db.verification.started if db.verification else None,
            "backups": sorted(p.name for p in paths.backups_dir().glob("*.sqlite")),
        }
        callback()
    real_when_filled(self, filled)

MainWindow.when_page_filled = when_page_filled

class Marks(logging.Handler):
    def emit(self, record):
        text = record.getMessage()
        heavy = %(heavy)r
        if text.startswith("main window on screen"):
            found["screen"] = loaded(("sqlalchemy", "app.storage.database", "app.storage.models", *heavy))
        elif text.startswith("main window ready"):
            from PySide6.QtWidgets import QApplication
            windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
            found["ready"] = {
                "heavy": loaded(heavy),
                "db_layer": loaded(("sqlalchemy", "app.storage.models")),
                "rows": rows_in_front(windows[0]),
                "texts": texts_in_front(windows[0]),
            }
        elif text.startswith("first list taken over"):
            from PySide6.QtWidgets import QApplication
            windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
            found["taken_over"] = {
                "page": type(windows[0].pages.currentWidget()).__name__,
                "texts": texts_in_front(windows[0]),
            }

logging.getLogger("ui.main").addHandler(Marks())
import ui.main
code = ui.main.run(Path(sys.argv[1]), quit_after_show=True)
found["backups_after"] = sorted(p.name for p in paths.backups_dir().glob("*.sqlite"))
print("FOUND " + json.dumps(found), flush=True)
print("RC", code, flush=True)
"""


def _start(db_path: Path, home: Path, kind: str) -> dict:  # type: ignore[type-arg]
    env = dict(os.environ, DOITHOAI_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", _CHILD % {"heavy": HEAVY}, str(db_path), kind],
        cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8", timeout=180,
    )  # fmt: skip
    assert "RC 0" in done.stdout, done.stdout + done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("FOUND "))
    found: dict = json.loads(line.removeprefix("FOUND "))  # type: ignore[type-arg]
    return found


def test_the_window_shows_before_the_database_layer_and_the_first_list_needs_nothing_heavy(
    tmp_path: Path,
) -> None:
    target = _demo(tmp_path / "data.sqlite")
    found = _start(target, tmp_path / "child-home", "small")
    # The frame is on screen before SQLAlchemy, the models or any document library load.
    assert found["screen"] == []
    # "Ready" is the Hội nghị list with the sample's dialogues in it, not an empty frame ...
    assert found["ready"]["rows"] and all(count > 0 for count in found["ready"]["rows"])
    # ... read without python-docx, openpyxl, matplotlib, Alembic, keyring or psycopg.
    assert found["ready"]["heavy"] == []


def test_a_large_files_check_and_routine_copy_wait_for_the_first_list(tmp_path: Path) -> None:
    target = _demo(tmp_path / "data.sqlite")
    found = _start(target, tmp_path / "child-home", "large")
    filled = found["filled"]
    assert filled["rows"] and all(count > 0 for count in filled["rows"])
    # When the list appeared, neither the whole-file check nor the day's copy had begun ...
    assert filled["check_started"] is False
    assert filled["backups"] == []
    # ... and both were done before the program closed: the day's copy of the file is there.
    assert any(name.startswith("data-") and "-auto" in name for name in found["backups_after"])


def test_the_next_start_shows_the_first_list_before_the_database_layer_and_hands_it_over(
    tmp_path: Path,
) -> None:
    target = _demo(tmp_path / "data.sqlite")
    home = tmp_path / "child-home"
    first = _start(target, home, "small")
    assert "taken_over" not in first  # nothing kept yet: the normal path, which keeps the statements
    found = _start(target, home, "small")
    ready = found["ready"]
    # The Hội nghị list with the sample's dialogues, on screen before SQLAlchemy or the models ...
    assert ready["rows"] and all(count > 0 for count in ready["rows"])
    assert ready["db_layer"] == [] and ready["heavy"] == []
    # ... is exactly what the normal start showed, and what the page shows once it took it over.
    assert ready["texts"] == first["ready"]["texts"]
    assert found["taken_over"] == {"page": "DialoguesPage", "texts": ready["texts"]}
    assert found["filled"]["check_started"] is None  # a small file: quick_checked before it was read
