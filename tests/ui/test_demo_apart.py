"""«Tạo dữ liệu mẫu» opens a sample file of its own; her database stays hers, one click brings it back."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import func, select

from app import paths
from app.storage.database import Database
from app.storage.models import Dialogue, Leader, MinuteEntry, Organization, Petition, Plan
from tests.ui.keyboard import type_text
from ui.context import AppContext
from ui.main import close_context
from ui.main_window import MainWindow
from ui.views.dialogues import DialoguesPage
from ui.views.setup_dialog import SetupDialog

TABLES = (Organization, Leader, Plan, Dialogue, Petition, MinuteEntry)


def _counts(db: Database) -> dict[str, int]:
    with db.reading() as session:
        return {t.__name__: session.scalar(select(func.count()).select_from(t)) or 0 for t in TABLES}


def _dialogue_titles(window: MainWindow, qtbot, expected_rows: int | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    page = window.show_page("dialogues")
    assert isinstance(page, DialoguesPage)
    if expected_rows is None:
        qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=20000)
    else:
        page.model.reload()
        qtbot.waitUntil(lambda: not window.context.tasks.busy, timeout=20000)
        assert page.model.rowCount() == expected_rows
    return [page.model.row_at(r).title for r in range(page.model.rowCount())]


def test_demo_opens_apart_with_a_banner_and_one_click_back(
    qtbot, context: AppContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    setup = SetupDialog(context)
    qtbot.addWidget(setup)
    setup.show()
    for key, value in (
        ("name", "Ủy ban nhân dân xã Tân Sơn"),
        ("place_name", "Tân Sơn"),
        ("signer_name", "Lê Thị Hằng"),
    ):
        type_text(setup.edits[key], value)
    qtbot.mouseClick(setup.demo_check, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(setup.organization_saved, timeout=10000):
        qtbot.mouseClick(setup.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert setup.wants_demo
    own = _counts(context.db)
    # Her file: her commune, its chair among the leaders, nothing of the demo.
    assert own == {"Organization": 1, "Leader": 1, "Plan": 0, "Dialogue": 0, "Petition": 0, "MinuteEntry": 0}

    window = MainWindow(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), context)
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    assert not window.demo_banner.isVisible()
    assert window.show_demo(rebuild=True)  # what the first start does when the box is ticked

    shown = window.context
    assert shown is not None and shown.demo and shown.db.path == paths.demo_db_path()
    assert window.demo_banner.isVisible()
    assert "Đang xem dữ liệu mẫu" in window.demo_label.text()
    assert window.back_button.text() == "Về dữ liệu của tôi" and window.back_button.isVisible()
    assert "Dữ liệu mẫu" in window.windowTitle()
    titles = _dialogue_titles(window, qtbot)
    assert any("Phụ nữ" in t for t in titles)
    window.grab().save(str(tmp_path / "demo-banner.png"))
    window.grab().save("/tmp/hall2/demo-banner.png")
    # Her file was closed untouched while the demo is shown.
    mine = Database.open(context.db.path)
    try:
        assert _counts(mine) == own
    finally:
        mine.close()

    qtbot.mouseClick(window.back_button, Qt.MouseButton.LeftButton)
    back = window.context
    assert back is not None and not back.demo and back.db.path == context.db.path
    assert not window.demo_banner.isVisible()
    assert _counts(back.db) == own
    assert _dialogue_titles(window, qtbot, expected_rows=0) == []
    assert "Dữ liệu mẫu" not in window.windowTitle()
    window.close()
    close_context(back)


def test_settings_button_rebuilds_the_sample_and_never_writes_her_file(
    qtbot, context: AppContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from app.services import catalog, settings

    def setup(session) -> None:  # type: ignore[no-untyped-def]
        catalog.ensure_defaults(session)
        settings.save_organization(
            session,
            settings.OrganizationInput(
                name="Ủy ban nhân dân xã Tân Sơn",
                place_name="Tân Sơn",
                issuer_code="UBND",
                signer_title="Chủ tịch",
                signer_name="Lê Thị Hằng",
            ),
        )

    context.ops.write_and_wait(setup)
    own = _counts(context.db)
    window = MainWindow(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), context)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("settings")
    qtbot.mouseClick(page.demo_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert window.context is not None and window.context.demo
    assert window.nav.currentRow() == window.PAGE_KEYS.index("settings")  # the page in front stays
    demo_counts = _counts(window.context.db)
    assert demo_counts["Petition"] >= 20
    shown = window.show_page("settings")
    assert not shown.demo_button.isEnabled()  # type: ignore[attr-defined]
    assert not shown.backups.isEnabled()  # type: ignore[attr-defined]  # her backups stay hers
    assert window.show_own_data()
    assert window.context is not None and _counts(window.context.db) == own
    window.close()
    close_context(window.context)
