"""The main window: navigation, lists filled from the database, honest unfinished screens."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel

from ui.context import AppContext
from ui.main_window import MainWindow
from ui.views.follow_up import DEADLINE_COLUMN as FOLLOW_UP_DEADLINE
from ui.views.follow_up import FollowUpPage
from ui.views.petitions import PetitionsPage


def _window(qtbot, context: AppContext, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), context)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    return window


def test_navigation_has_every_part_of_the_work(qtbot, demo_context: AppContext, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, demo_context, tmp_path)
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles == [
        "Kế hoạch",
        "Hội nghị",
        "Ý kiến – kiến nghị",
        "Theo dõi giải quyết",
        "Báo cáo – thống kê",
        "Danh mục",
        "Cài đặt",
        "Nhật ký",
    ]
    for row in range(window.nav.count()):
        window.nav.setCurrentRow(row)
        assert window.pages.currentIndex() == row


def test_reports_page_is_the_report_screen(qtbot, demo_context: AppContext, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from ui.views.reports import ReportsPage

    window = _window(qtbot, demo_context, tmp_path)
    window.nav.setCurrentRow(4)
    page = window.pages.currentWidget()
    assert isinstance(page, ReportsPage)
    qtbot.waitUntil(lambda: page.loaded is not None, timeout=20000)


def test_petition_list_loads_and_searches_without_accents(
    qtbot, demo_context: AppContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, demo_context, tmp_path)
    window.nav.setCurrentRow(2)
    page = window.pages.currentWidget()
    assert isinstance(page, PetitionsPage)
    qtbot.waitUntil(lambda: page.model.rowCount() >= 20, timeout=10000)
    assert page.count.text().startswith(f"{page.model.rowCount()} ý kiến")
    qtbot.keyClicks(page.search, "dang van loi")

    def shown() -> list[str]:
        return [page.model.index(r, 0).data() for r in range(page.model.rowCount())]

    qtbot.waitUntil(lambda: shown() == ["Đặng Văn Lợi"], timeout=10000)


def test_follow_up_lists_open_items_most_urgent_first(
    qtbot, demo_context: AppContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, demo_context, tmp_path)
    window.nav.setCurrentRow(3)
    page = window.pages.currentWidget()
    assert isinstance(page, FollowUpPage)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10000)
    rows = page.model.rows()
    assert all(row.status.is_open for row in rows)
    deadlines = [row.deadline for row in rows if row.deadline]
    assert deadlines == sorted(deadlines)
    first_deadline_cell = page.model.index(0, FOLLOW_UP_DEADLINE).data()
    assert "quá hạn" in first_deadline_cell


def test_font_size_shortcuts_change_and_remember_the_size(
    qtbot, demo_context: AppContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, demo_context, tmp_path)
    before = window.font().pointSizeF()
    window.change_font_size(2.0)
    assert window.font().pointSizeF() == before + 2.0
    label = window.findChildren(QLabel)[0]
    assert label.font().pointSizeF() >= before + 2.0  # pages inherit the larger type
    again = _window(qtbot, demo_context, tmp_path)  # same settings file: the size is remembered
    assert again.font().pointSizeF() == before + 2.0
    window.change_font_size(0.0)
    assert window.font().pointSizeF() == before


def test_pages_are_built_when_first_opened_and_refresh_when_shown_again(
    qtbot, demo_context: AppContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime, timedelta

    from app.services import dialogues, settings
    from ui.views.dialogues import DialoguesPage

    window = _window(qtbot, demo_context, tmp_path)
    assert window.pages.currentIndex() == 1  # Hội nghị opens first
    assert isinstance(window.pages.widget(1), DialoguesPage)
    assert isinstance(window.pages.widget(5), QLabel)  # Danh mục not built until opened
    page = window.pages.widget(1)
    qtbot.waitUntil(lambda: page.model.rowCount() == 4, timeout=10000)

    window.nav.setCurrentRow(0)  # the secretary goes to Kế hoạch and schedules a dialogue

    def schedule(session):  # type: ignore[no-untyped-def]
        org = settings.current_organization(session)
        assert org is not None
        return dialogues.create_dialogue(
            session,
            dialogues.DialogueInput(
                organization_id=org.id,
                title="Đối thoại với Đoàn Thanh niên",
                scheduled_at=datetime.now() + timedelta(days=30),
            ),
        )

    # Written through the operations layer, as the plan screen does; the hidden Hội nghị list
    # hears of it and refreshes once it is shown again.
    demo_context.ops.write_and_wait(schedule)
    assert page.model.rowCount() == 4
    window.nav.setCurrentRow(1)
    qtbot.waitUntil(lambda: page.model.rowCount() == 5, timeout=10000)
    assert "Đối thoại với Đoàn Thanh niên" in [r.title for r in page.model.rows()]


def test_window_shows_before_the_database_is_attached(
    qtbot, demo_context: AppContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    window.nav.setCurrentRow(2)
    assert window.pages.currentWidget().text() == "Đang mở dữ liệu…"
    window.attach(demo_context)
    window.nav.setCurrentRow(2)
    assert isinstance(window.pages.currentWidget(), PetitionsPage)


def test_a_page_closed_while_loading_drops_the_late_result(qtbot, demo_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    import threading

    from ui.models.table import Column, RowTableModel

    release = threading.Event()

    def slow_loader(_session: object, _page: object) -> list[str]:
        release.wait(5)
        return ["late row"]

    model: RowTableModel[str] = RowTableModel([Column("x", str)], slow_loader, demo_context.ops)
    model.reload()
    model.deleteLater()
    qtbot.waitUntil(lambda: not __import__("shiboken6").isValid(model), timeout=5000)
    release.set()
    assert demo_context.tasks.wait(5000)
    with qtbot.capture_exceptions() as raised:
        qtbot.waitUntil(lambda: not demo_context.tasks.busy, timeout=5000)
    assert raised == []


def test_f1_lists_global_keys_and_those_of_the_screen_in_front(
    qtbot, demo_context: AppContext, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text: shown.append(text))
    window = _window(qtbot, demo_context, tmp_path)
    window.nav.setCurrentRow(0)
    window.show_shortcuts()
    assert "Ctrl+1" in shown[-1] and "Phóng to" in shown[-1]
    assert "Màn hình Kế hoạch" in shown[-1] and "Sao chép từ kế hoạch trước" in shown[-1]
    window.nav.setCurrentRow(5)
    window.show_shortcuts()
    assert "Màn hình Danh mục" in shown[-1] and "Ngừng sử dụng" in shown[-1]


def test_dialogue_list_shows_the_real_start_once_held(qtbot, demo_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from app.domain.rules import DialogueState
    from app.services import dialogues, minutes
    from ui.views.dialogues import DialoguesPage

    with demo_context.db.reading() as session:
        planned = next(
            r
            for r in dialogues.list_dialogues(session)
            if r.state == DialogueState.PLANNED and r.scheduled_at
        )
    assert planned.scheduled_at is not None
    page = DialoguesPage(demo_context)
    qtbot.addWidget(page)
    page.show()

    def row_text() -> str:
        rows = [page.model.row_at(r) for r in range(page.model.rowCount())]
        return next((page.model.index(n, 0).data() for n, r in enumerate(rows) if r.id == planned.id), "")

    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10000)
    assert (
        row_text()
        == f"{planned.scheduled_at:%H:%M} {planned.scheduled_at.day}/{planned.scheduled_at.month}/{planned.scheduled_at.year}"
    )
    late = planned.scheduled_at + timedelta(minutes=23)  # the meeting began 23 minutes late
    demo_context.ops.write_and_wait(lambda s: minutes.start_dialogue(s, planned.id, now=late))
    qtbot.waitUntil(lambda: row_text().startswith(f"{late:%H:%M} "), timeout=10000)
