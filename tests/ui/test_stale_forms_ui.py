"""Forms loaded before another PC's save: «đã được người khác sửa», nothing overwritten.

Each test loads a screen, changes the record through the services as the other PC would, then
saves from the screen. Autosaving forms save several times in a row without conflicting with
themselves. Runs on SQLite and, with DOITHOAI_TEST_PG_URL, on PostgreSQL.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit
from sqlalchemy import func, select

from app.domain.periods import PeriodKind
from app.domain.rules import PetitionStatus
from app.services import catalog, petitions, plans, province, reports, users
from app.storage.database import Database
from app.storage.models import Petition, Plan, ResolutionUpdate, Unit
from tests.app.test_communes import _second_commune, _sign_in_as
from tests.conftest import TODAY
from tests.ui.keyboard import type_text
from tests.ui.test_live_minutes import _planned_dialogue, _start
from tests.ui.test_plans import open_page as open_plans
from tests.ui.test_plans import replace_text
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.views.catalog import NAME_COLUMN, CataloguePage
from ui.views.live.window import LiveMinutesWindow
from ui.views.petition_detail import PetitionWindow, ResultDialog

pytestmark = pytest.mark.pg

TIMEOUT = 15000
CONFLICT = "đã được người khác sửa"


@pytest.fixture
def live(qtbot, demo_context: AppContext):  # type: ignore[no-untyped-def]
    window = LiveMinutesWindow(demo_context, _planned_dialogue(demo_context))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: window.state is not None, timeout=10000)
    yield window
    window.close()


def _idle(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not context.tasks.busy, timeout=TIMEOUT)


def _other_pc_edits(db: Database, petition_id: int, content: str) -> None:
    """Another PC corrects the petition's content (read fresh there, so no conflict there)."""
    with db.transaction() as session:
        (row,) = petitions.petition_rows(session, [petition_id], today=TODAY)
        petition = session.get(Petition, petition_id)
        assert petition is not None
        petitions.update_petition(
            session,
            petition_id,
            petitions.PetitionInput(
                content=content,
                petitioner_name=petition.petitioner_name,
                dialogue_id=petition.dialogue_id,
                version=row.version,
            ),
        )


def test_a_result_recorded_on_a_window_opened_before_another_pcs_edit_is_refused(
    qtbot, demo_context: AppContext
) -> None:  # type: ignore[no-untyped-def]
    with demo_context.db.reading() as session:
        petition_id = session.scalars(
            select(Petition.id).where(
                Petition.status == PetitionStatus.IN_PROGRESS, Petition.deleted_at.is_(None)
            )
        ).first()
    assert petition_id is not None
    window = PetitionWindow(demo_context, petition_id)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.detail is not None and window._options is not None, timeout=TIMEOUT)
    assert window.detail is not None
    before = window.detail.content
    window.record_result()
    dialog = next(iter(window.findChildren(ResultDialog)))
    type_text(dialog.result, "Đã nạo vét xong kênh tiêu")

    _other_pc_edits(demo_context.db, petition_id, "Kênh tiêu bị bồi lấp 300 m (máy kia sửa)")
    dialog.submit()
    qtbot.waitUntil(lambda: CONFLICT in dialog.error.text(), timeout=TIMEOUT)
    assert dialog.isVisible()  # nothing saved: the dialog stays, with both versions
    assert f"«{before}»" in dialog.error.text()
    assert "«Kênh tiêu bị bồi lấp 300 m (máy kia sửa)»" in dialog.error.text()
    with demo_context.db.reading() as session:
        recorded = session.scalar(
            select(func.count()).where(
                ResolutionUpdate.petition_id == petition_id,
                ResolutionUpdate.result == "Đã nạo vét xong kênh tiêu",
            )
        )
        assert recorded == 0
        assert session.get(Petition, petition_id).status == PetitionStatus.IN_PROGRESS  # type: ignore[union-attr]
    # The window reloaded the stored version; «Ghi» again, after reading, records the result.
    qtbot.waitUntil(
        lambda: window.content.toPlainText() == "Kênh tiêu bị bồi lấp 300 m (máy kia sửa)", timeout=TIMEOUT
    )
    dialog.submit()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    qtbot.waitUntil(
        lambda: window.detail is not None and window.detail.status == PetitionStatus.RESOLVED, timeout=TIMEOUT
    )
    _idle(qtbot, demo_context)
    window.close()


def test_the_summary_autosaves_after_the_windows_own_action_without_conflict(
    qtbot, demo_context: AppContext
) -> None:  # type: ignore[no-untyped-def]
    with demo_context.db.reading() as session:
        petition_id = session.scalars(
            select(Petition.id).where(
                Petition.status == PetitionStatus.IN_PROGRESS, Petition.deleted_at.is_(None)
            )
        ).first()
    assert petition_id is not None
    window = PetitionWindow(demo_context, petition_id)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.detail is not None and window._options is not None, timeout=TIMEOUT)
    for text in ("Ông Bình đề nghị nạo vét kênh", "Ông Bình đề nghị nạo vét kênh tiêu"):
        window.summary.setPlainText(text)
        window.summary_saver.flush()
        qtbot.waitUntil(lambda: not window.summary_saver.pending, timeout=TIMEOUT)
    window.extend()  # this window's own action: a new version, not a conflict for the next autosave
    from ui.views.follow_up import ExtendDialog

    dialog = next(iter(window.findChildren(ExtendDialog)))
    dialog.deadline.setDate(dialog.deadline.date().addDays(30))
    type_text(dialog.reason, "Chờ kinh phí nạo vét")
    dialog.submit()
    window.summary.setPlainText("Ông Bình đề nghị nạo vét kênh tiêu nội đồng")  # typed at once
    window.summary_saver.flush()
    qtbot.waitUntil(lambda: not window.summary_saver.pending and not dialog.isVisible(), timeout=TIMEOUT)
    _idle(qtbot, demo_context)
    assert CONFLICT not in window.message.text()
    with demo_context.db.reading() as session:
        assert session.get(Petition, petition_id).summary == "Ông Bình đề nghị nạo vét kênh tiêu nội đồng"  # type: ignore[union-attr]
    window.close()


def test_live_opinion_autosaves_in_a_row_then_refuses_over_another_pcs_edit(
    qtbot, live: LiveMinutesWindow, demo_context: AppContext
) -> None:  # type: ignore[no-untyped-def]
    window = live
    _start(qtbot, window)
    window.new_opinion()
    editor = window.opinion_editor
    type_text(editor.name, "Hà Văn Khoa")
    type_text(editor.hamlet, "Thôn Đông")
    editor._hamlet_done()  # leaving the thôn links it (a write of this editor's own)
    for part in ("Đề nghị làm rãnh", " thoát nước", " cho xóm Giữa"):
        type_text(editor.content, part)
        editor.saver.flush()
        qtbot.waitUntil(lambda: not editor.saver.pending, timeout=TIMEOUT)
        _idle(qtbot, demo_context)
        assert window.save_indicator.text().startswith("Đã lưu"), window.save_indicator.text()
    petition_id = editor.draft.petition_id
    assert petition_id is not None
    with demo_context.db.reading() as session:
        assert session.get(Petition, petition_id).content == "Đề nghị làm rãnh thoát nước cho xóm Giữa"  # type: ignore[union-attr]

    _other_pc_edits(demo_context.db, petition_id, "Đề nghị làm rãnh thoát nước (máy kia sửa)")
    type_text(editor.content, " trước mùa mưa")
    editor.saver.flush()
    qtbot.waitUntil(lambda: CONFLICT in editor.error.text(), timeout=TIMEOUT)
    assert "«Đề nghị làm rãnh thoát nước cho xóm Giữa trước mùa mưa»" in editor.error.text()
    with demo_context.db.reading() as session:
        assert session.get(Petition, petition_id).content == "Đề nghị làm rãnh thoát nước (máy kia sửa)"  # type: ignore[union-attr]
    # The editor now shows their version; typing on saves over it, from the version it showed.
    qtbot.waitUntil(
        lambda: editor.content.toPlainText() == "Đề nghị làm rãnh thoát nước (máy kia sửa)", timeout=TIMEOUT
    )
    type_text(editor.content, ", trước mùa mưa")
    editor.saver.flush()
    qtbot.waitUntil(lambda: not editor.saver.pending, timeout=TIMEOUT)
    _idle(qtbot, demo_context)
    with demo_context.db.reading() as session:
        assert (
            session.get(Petition, petition_id).content
            == "Đề nghị làm rãnh thoát nước (máy kia sửa), trước mùa mưa"
        )  # type: ignore[union-attr]


def test_the_plan_form_autosaves_in_a_row_then_refuses_over_another_pcs_edit(
    qtbot, demo_context: AppContext
) -> None:  # type: ignore[no-untyped-def]
    page = open_plans(qtbot, demo_context)
    qtbot.waitUntil(lambda: page.editor.form.plan_id is not None, timeout=TIMEOUT)
    _idle(qtbot, demo_context)
    form, plan_id = page.editor.form, page.editor.form.plan_id
    assert plan_id is not None
    for title in ("Kế hoạch tổ chức đối thoại năm 2026", "Kế hoạch tổ chức đối thoại với Nhân dân năm 2026"):
        replace_text(form.title, title)
        page.editor.flush()
        qtbot.waitUntil(lambda: not page.editor.pending, timeout=TIMEOUT)
        _idle(qtbot, demo_context)
        assert page.editor.indicator.text().startswith("Đã lưu"), page.editor.indicator.text()

    with demo_context.db.transaction() as session:  # the other PC, reading afresh
        detail = plans.get_plan(session, plan_id, today=TODAY)
        plans.update_plan(
            session,
            plan_id,
            replace(detail.to_input(), title="Kế hoạch (máy kia sửa)", version=detail.version),
        )
    with qtbot.waitSignal(demo_context.tasks.task_failed, timeout=TIMEOUT) as told:
        replace_text(form.title, "Kế hoạch của máy này")
        page.editor.flush()
    assert CONFLICT in told.args[0]
    assert "«Kế hoạch của máy này»" in told.args[0] and "«Kế hoạch (máy kia sửa)»" in told.args[0]
    qtbot.waitUntil(lambda: form.title.text() == "Kế hoạch (máy kia sửa)", timeout=TIMEOUT)  # reloaded
    _idle(qtbot, demo_context)
    with demo_context.db.reading() as session:
        assert session.get(Plan, plan_id).title == "Kế hoạch (máy kia sửa)"  # type: ignore[union-attr]
    assert not page.editor.pending  # not retried over their save


def test_a_catalogue_rename_over_another_pcs_rename_is_refused(qtbot, demo_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = CataloguePage(demo_context)
    qtbot.addWidget(page)
    page.resize(1156, 740)
    page.show()
    tab = page.catalogues["unit"]
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0, timeout=TIMEOUT)
    _idle(qtbot, demo_context)
    row = tab.model.row_at(0)
    with demo_context.db.transaction() as session:
        catalog.rename_entry(session, "unit", row.id, "Công chức Địa chính (máy kia)")
    tab.view.setCurrentIndex(tab.model.index(0, NAME_COLUMN))
    tab.view.setFocus()
    QTest.keyClick(tab.view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    type_text(editor, "Công chức Địa chính (máy này)")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: CONFLICT in tab.message.text(), timeout=TIMEOUT)
    assert "«Công chức Địa chính (máy kia)»" in tab.message.text()
    _idle(qtbot, demo_context)
    with demo_context.db.reading() as session:
        assert session.get(Unit, row.id).name == "Công chức Địa chính (máy kia)"  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: tab.model.row_at(0).name == "Công chức Địa chính (máy kia)", timeout=TIMEOUT)


def _main_window(qtbot, context: AppContext, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), context)
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    return window


def test_the_province_report_is_there_for_a_province_user_only(
    qtbot, demo_context: AppContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    db = demo_context.db
    single = _main_window(qtbot, demo_context, tmp_path)  # one commune: no province page
    _idle(qtbot, demo_context)  # the page is asked for beside the first one
    assert "Báo cáo toàn tỉnh" not in [single.nav.item(i).text() for i in range(single.nav.count())]
    single.close()

    hoa_binh, _org = _second_commune(db)
    window = _main_window(qtbot, demo_context, tmp_path)
    qtbot.waitUntil(
        lambda: window.nav.item(window.nav.count() - 1).text() == "Báo cáo toàn tỉnh", timeout=TIMEOUT
    )
    page = window.show_page("province")
    from ui.views.province_report import ProvinceReportPage

    assert isinstance(page, ProvinceReportPage)
    page.picker.kind.setCurrentIndex(page.picker.kind.findData(PeriodKind.YEAR))
    page.picker.year.setValue(2026)
    qtbot.waitUntil(
        lambda: page.loaded is not None and page.loaded.table.period.code == "2026", timeout=TIMEOUT
    )
    _idle(qtbot, demo_context)
    with db.reading() as session:
        period = reports.period_from_code(session, "2026")
        each = {
            name: reports.period_report(session, period, commune_id=ident)
            for ident, name in province.communes(session)
        }
    shown = {
        page.model.index(r, 0).data(): page.model.index(r, 2).data() for r in range(page.model.rowCount())
    }
    assert shown == {
        "Hòa Bình": str(each["Hòa Bình"].raised),
        "Lương Phong": str(each["Lương Phong"].raised),
        "Tổng cộng": str(sum(r.raised for r in each.values())),
    }
    # Only Hòa Bình ticked: its row and its totals.
    for i in range(page.commune_list.count()):
        item = page.commune_list.item(i)
        if item.text() != "Hòa Bình":
            item.setCheckState(Qt.CheckState.Unchecked)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=TIMEOUT)
    assert page.model.index(1, 2).data() == str(each["Hòa Bình"].raised) == "2"
    folder = tmp_path / "xuat"
    folder.mkdir()
    page.export_to(folder / "tong-hop.xlsx", period, [hoa_binh])
    qtbot.waitUntil(lambda: (folder / "tong-hop.xlsx").exists(), timeout=TIMEOUT)
    _idle(qtbot, demo_context)
    window.close()

    _sign_in_as(db, "thuky-hb", hoa_binh)  # a commune user never sees it
    try:
        commune_window = _main_window(qtbot, demo_context, tmp_path)
        assert "Báo cáo toàn tỉnh" not in [
            commune_window.nav.item(i).text() for i in range(commune_window.nav.count())
        ]
        audit_page = commune_window.show_page("audit")
        assert not audit_page.commune.isVisible()  # type: ignore[attr-defined]
        _idle(qtbot, demo_context)
        commune_window.close()
    finally:
        users.bind_user(db.sessions, None)


def test_the_nhat_ky_of_a_province_user_has_a_commune_column_and_filter(
    qtbot, demo_context: AppContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    hoa_binh, _org = _second_commune(demo_context.db)
    with demo_context.db.transaction() as session:
        catalog.add_entry(session, "hamlet", "Thôn Bắc")  # an office line (Lương Phong)
    from ui.views.audit_log import AuditLogPage

    page = AuditLogPage(demo_context)
    qtbot.addWidget(page)
    page.resize(1366, 728)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=TIMEOUT)
    assert page.commune.isVisible()
    assert page.model.headerData(1, Qt.Orientation.Horizontal) == "Xã, phường"
    assert page.model.index(0, 1).data() == "Lương Phong"
    page.commune.setCurrentIndex(page.commune.findData(hoa_binh))
    qtbot.waitUntil(
        lambda: (
            page.model.rowCount() == 0
            or {page.model.index(r, 1).data() for r in range(page.model.rowCount())} == {"Hòa Bình"}
        ),
        timeout=TIMEOUT,
    )
    _idle(qtbot, demo_context)


def test_the_dialogue_scheduler_autosaves_in_a_row_then_refuses_over_another_pcs_edit(
    qtbot, demo_context: AppContext
) -> None:  # type: ignore[no-untyped-def]
    from app.domain.rules import DialogueState
    from app.services import dialogues

    page = open_plans(qtbot, demo_context)
    qtbot.waitUntil(lambda: page.editor.form.plan_id is not None, timeout=TIMEOUT)
    page.editor.show_tab(1)
    scheduler = page.editor.scheduler
    qtbot.waitUntil(lambda: scheduler.model.rowCount() > 0, timeout=TIMEOUT)
    _idle(qtbot, demo_context)
    planned = next(
        (
            r
            for r in range(scheduler.model.rowCount())
            if scheduler.model.row_at(r).state == DialogueState.PLANNED
        ),
        None,
    )
    assert planned is not None, "the demo's newest plan keeps a dialogue still to be held"
    scheduler.view.setCurrentIndex(scheduler.model.index(planned, 0))
    dialogue_id = scheduler.model.row_at(planned).id
    qtbot.waitUntil(lambda: scheduler.dialogue_id == dialogue_id, timeout=TIMEOUT)
    for place in ("Hội trường thôn Đông", "Hội trường Ủy ban nhân dân xã"):
        scheduler.place.setFocus()
        scheduler.place.selectAll()
        type_text(scheduler.place, place)
        scheduler.saver.flush()
        qtbot.waitUntil(lambda: not scheduler.saver.pending, timeout=TIMEOUT)
        _idle(qtbot, demo_context)
        assert scheduler.indicator.text().startswith("Đã lưu"), scheduler.indicator.text()

    with demo_context.db.transaction() as session:  # the other PC renames the dialogue
        row = dialogues.get_dialogue(session, dialogue_id)
        row.title = "Hội nghị (máy kia sửa)"
    with qtbot.waitSignal(demo_context.tasks.task_failed, timeout=TIMEOUT) as told:
        scheduler.title.setFocus()
        scheduler.title.selectAll()
        type_text(scheduler.title, "Hội nghị của máy này")
        scheduler.saver.flush()
    assert CONFLICT in told.args[0] and "«Hội nghị (máy kia sửa)»" in told.args[0]
    _idle(qtbot, demo_context)
    with demo_context.db.reading() as session:
        assert dialogues.get_dialogue(session, dialogue_id).title == "Hội nghị (máy kia sửa)"
    qtbot.waitUntil(lambda: scheduler.title.text() == "Hội nghị (máy kia sửa)", timeout=TIMEOUT)
