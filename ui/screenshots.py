"""Save screenshots of the main screens from the running program (for the README and reviews).

``python -m ui.screenshots OUTDIR`` builds demo data in a temporary folder, opens the main window
offscreen at 1366×768 (the common office laptop) and saves one PNG per page.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

PAGES = {0: "ke-hoach", 1: "hoi-nghi", 2: "y-kien", 3: "theo-doi", 6: "cai-dat"}


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["DOITHOAI_HOME"] = tempfile.mkdtemp(prefix="doithoai-shots-")

    from PySide6.QtCore import QEventLoop, QTimer

    from app.services.demo import build_demo
    from app.storage.database import Database
    from ui.context import AppContext
    from ui.main import make_application, ui_settings
    from ui.main_window import MainWindow
    from ui.tasks import TaskManager

    app = make_application()
    db = Database.open()
    with db.transaction() as session:
        build_demo(session)
    context = AppContext(db, TaskManager(app))
    window = MainWindow(context, ui_settings())
    window.resize(1366, 768)
    window.show()
    for row, name in PAGES.items():
        window.nav.setCurrentRow(row)
        context.tasks.wait()
        loop = QEventLoop()
        QTimer.singleShot(300, loop.quit)
        loop.exec()
        target = out / f"{name}.png"
        window.grab().save(str(target))
        print(target)
    window.close()
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
