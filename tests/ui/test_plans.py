"""The Kế hoạch screen driven from the keyboard: the two real plans typed in, dialogues scheduled,
a plan copied to the next year, and the Word file checked with python-docx."""

from __future__ import annotations

import json
import unicodedata
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from PySide6.QtCore import QByteArray, QDate, QDateTime, QMimeData, QPoint, QPointF, Qt, QTime
from PySide6.QtGui import QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QToolButton, QWidget

from app.domain.rules import PlanKind
from app.domain.text import search_key
from app.paths import resource_path
from app.services import catalog, dialogues, plans, settings
from app.storage.database import Database
from tests.ui.keyboard import type_text
from ui.context import AppContext
from ui.views.list_editor import MIME_ROW, GrowingTextEdit, ListEditor
from ui.views.plans import PlansPage

TIMEOUT = 15000


def seed(key: str) -> dict[str, Any]:
    data = json.loads(resource_path("demo", "plans.json").read_text(encoding="utf-8"))
    return next(p for p in data["plans"] if p["key"] == key)


def setup_organization(db: Database, spec: dict[str, Any]) -> None:
    with db.transaction() as session:
        catalog.ensure_defaults(session)
        settings.save_organization(
            session,
            settings.OrganizationInput(
                name=spec["name"].replace("\n", " "),
                place_name=spec["place_name"],
                issuer_code=spec["issuer_code"],
                signer_name=spec["signer_name"],
                signer_title=spec["signer_title"],
                signing_authority=spec.get("signing_authority", ""),
            ),
        )


def open_page(qtbot, context: AppContext) -> PlansPage:  # type: ignore[no-untyped-def]
    page = PlansPage(context)
    qtbot.addWidget(page)
    page.resize(1156, 740)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    qtbot.waitUntil(lambda: not context.tasks.busy, timeout=TIMEOUT)
    return page


def press_ok(qtbot, page: PlansPage, dialog: QWidget) -> None:  # type: ignore[no-untyped-def]
    QTest.mouseClick(
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok),
        Qt.MouseButton.LeftButton,
    )
    # A window manager gives the focus back to the main window; offscreen, the test does.
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)


def settle(qtbot, page: PlansPage) -> None:  # type: ignore[no-untyped-def]
    """Commit what was typed (the autosave) and let every queued task finish."""
    page.editor.flush()
    qtbot.waitUntil(lambda: not page.editor.pending and not page._context.tasks.busy, timeout=TIMEOUT)


def stored(context: AppContext, plan_id: int) -> plans.PlanDetail:
    with context.db.reading() as session:
        return plans.get_plan(session, plan_id)


def type_paragraph(widget: QWidget, value: str) -> None:
    """Type a paragraph; line breaks inside it are typed with Enter."""
    for n, line in enumerate(value.split("\n")):
        if n:
            QTest.keyClick(widget, Qt.Key.Key_Return)
        type_text(widget, line)


def replace_text(edit: GrowingTextEdit, value: str) -> None:
    edit.setFocus()
    QTest.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(edit, Qt.Key.Key_Delete)
    type_paragraph(edit, value)


def fill_list(editor: ListEditor, items: list[str]) -> None:
    """Empty the list with Ctrl+Shift+Delete, then type each item, Ctrl+Enter between them."""
    while editor.count():
        edit = editor.editor_at(0)
        edit.setFocus()
        QTest.keyClick(
            edit, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        )
    for n, item in enumerate(items):
        if n == 0:
            QTest.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
        else:
            QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        focused = QApplication.focusWidget()
        assert focused is editor.editor_at(n)
        type_paragraph(focused, item)


def set_date(edit: QWidget, value: date | None) -> None:
    """Empty the date (Ctrl+Delete), then type it as it reads: typing starts at the day."""
    edit.setFocus()
    QTest.keyClick(edit, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    if value is not None:
        QTest.keyClicks(edit, f"{value.day:02d}/{value.month:02d}/{value.year}")


def type_plan(qtbot, page: PlansPage, spec: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    form = page.editor.form
    form.kind.setCurrentIndex(list(PlanKind).index(PlanKind(spec["kind"])))
    set_date(form.issued_on, date.fromisoformat(spec["issued_on"]))
    replace_text(form.title, spec["title"])
    fill_list(form.bases, spec["bases"])
    replace_text(form.opening, spec["opening"])
    fill_list(form.purposes, spec["purposes"])
    fill_list(form.requirements, spec["requirements"])
    replace_text(form.audience, spec["audience"])
    fill_list(form.contents, spec["contents"])
    fill_list(form.forms, spec["forms"])
    fill_list(form.time_place, spec["time_place"])
    fill_list(form.steps, spec["steps"])
    replace_text(form.tasks_intro, spec["tasks_intro"])
    for block in list(form.tasks.blocks):
        remove = next(b for b in block.findChildren(QToolButton) if b.text() == "✕" and b.parent() is block)
        QTest.mouseClick(remove, Qt.MouseButton.LeftButton)
    assert form.tasks.blocks == []
    for unit in spec["tasks"]:
        QTest.mouseClick(form.tasks.add_button, Qt.MouseButton.LeftButton)
        block = form.tasks.blocks[-1]
        type_text(block.unit.lineEdit(), unit["unit"])
        fill_list(block.tasks, unit["tasks"])
    fill_list(form.recipients, spec["recipients"])
    form.signer_name.lineEdit().selectAll()
    type_text(form.signer_name.lineEdit(), spec["organization"]["signer_name"])
    form.signer_title.selectAll()
    type_text(form.signer_title, spec["organization"]["signer_title"])


def docx_text(path: Path) -> list[str]:
    doc = Document(str(path))
    paragraphs = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs += [p.text for p in cell.paragraphs]
    return paragraphs


def assert_in_document(paragraphs: list[str], sentence: str) -> None:
    # The document writes "Nhân dân" with a capital and may end a paragraph with "./.":
    # compare without case and tone marks, line breaks as spaces.
    wanted = search_key(sentence.replace("\n", " ")).rstrip(".;")
    assert any(wanted in search_key(p) for p in paragraphs), sentence


@pytest.mark.parametrize("key", ["luong-phong-2024", "bac-kan-2016"])
def test_a_seed_plan_is_typed_in_saved_and_exported(
    qtbot, context: AppContext, tmp_path: Path, key: str
) -> None:  # type: ignore[no-untyped-def]
    spec = seed(key)
    setup_organization(context.db, spec["organization"])
    page = open_page(qtbot, context)
    assert page.empty_note.isVisible()

    QTest.keyClick(page.new_button, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = page.new_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.year.selectAll()
    QTest.keyClicks(dialog.year, str(spec["year"]))
    dialog.kind.setCurrentIndex(dialog.kind.findData(PlanKind(spec["kind"])))
    press_ok(qtbot, page, dialog)
    qtbot.waitUntil(lambda: page.editor.form.plan_id is not None, timeout=TIMEOUT)
    plan_id = page.editor.form.plan_id
    assert page.editor.form.year.value() == spec["year"]
    assert page.editor.form.bases.count() >= 1  # the standard wording is there to start from

    type_plan(qtbot, page, spec)
    settle(qtbot, page)
    assert page.editor.indicator.text().startswith("Đã lưu")

    saved = stored(context, plan_id)
    assert saved.title == spec["title"]
    assert saved.kind == PlanKind(spec["kind"])
    assert saved.issued_on == date.fromisoformat(spec["issued_on"])
    assert saved.opening == spec["opening"]
    for name in ("bases", "purposes", "requirements", "contents", "forms", "time_place", "steps"):
        assert list(getattr(saved, name)) == spec[name], name
    assert saved.audience == spec["audience"]
    assert saved.tasks_intro == spec["tasks_intro"]
    assert [(t.unit, list(t.tasks)) for t in saved.tasks] == [(t["unit"], t["tasks"]) for t in spec["tasks"]]
    assert list(saved.recipients) == spec["recipients"]
    assert saved.signer_name == spec["organization"]["signer_name"]
    # The list on the left follows the autosave.
    assert page.model.row_at(0).title == spec["title"]

    out = tmp_path / "ke-hoach.docx"
    suggested: list[Path] = []

    def choose(default: Path) -> Path:
        suggested.append(default)
        return out

    page.ask_save_path = choose  # type: ignore[method-assign]
    with qtbot.waitSignal(page.plan_exported, timeout=TIMEOUT):
        QTest.keyClick(page.editor.form.title, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert (
        suggested[0].name
        == f"KH-doi-thoai-{'' if spec['kind'] == 'yearly' else 'hoi-nghi-'}{spec['year']}.docx"
    )
    assert out.is_file()
    assert page.export_bar.isVisible() and str(out) in page.export_bar.label.text()
    paragraphs = docx_text(out)
    assert "KẾ HOẠCH" in paragraphs
    for sentence in [
        spec["title"],
        *spec["purposes"],
        *spec["requirements"],
        *spec["steps"],
        *spec["time_place"],
        *spec["contents"],
        *(task for unit in spec["tasks"] for task in unit["tasks"]),
        spec["organization"]["signer_name"],
    ]:
        assert_in_document(paragraphs, sentence)


def test_preview_shows_the_structure_before_export(qtbot, demo_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, demo_context)
    row = next(i for i, r in enumerate(page.model.rows()) if r.year == 2024)
    page.view.setCurrentIndex(page.model.index(row, 0))
    qtbot.waitUntil(lambda: page.editor.form.year.value() == 2024, timeout=TIMEOUT)
    QTest.keyClick(page.editor.form.title, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    assert page.editor.tabs.currentIndex() == 2 and page.editor.preview.isVisible()
    qtbot.waitUntil(lambda: "KẾ HOẠCH" in page.editor.preview.browser.toPlainText(), timeout=TIMEOUT)
    shown = "\n".join(
        " ".join(line.split()) for line in page.editor.preview.browser.toPlainText().split("\n")
    )
    for heading in (
        "I. MỤC ĐÍCH YÊU CẦU",  # the seed plan's own headings, as it was written
        "II. THỜI GIAN, ĐỊA ĐIỂM TIẾP XÚC, ĐỐI THOẠI",
        "III. CÁC BƯỚC TIẾN HÀNH",
        "IV. TỔ CHỨC THỰC HIỆN",
    ):
        assert heading in shown
    assert "1. Mục đích" in shown and "Nơi nhận:" in shown and "Nguyễn Văn Luận" in shown


def test_export_without_trich_yeu_is_refused_in_place(
    qtbot, demo_context: AppContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, demo_context)
    qtbot.waitUntil(lambda: page.editor.form.plan_id is not None, timeout=TIMEOUT)
    replace_text(page.editor.form.title, "")
    settle(qtbot, page)
    page.ask_save_path = lambda default: pytest.fail("no file dialog for a plan without trích yếu")  # type: ignore[method-assign]
    QTest.keyClick(page.editor.form.title, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    error = page.editor.form.errors["title"]
    qtbot.waitUntil(error.isVisible, timeout=TIMEOUT)
    assert error.text() == "Hãy nhập trích yếu của kế hoạch trước khi xuất Word."
    assert QApplication.focusWidget() is page.editor.form.title
    assert not page.export_bar.isVisible()
    assert list(tmp_path.glob("*.docx")) == []


def test_an_issue_date_outside_the_year_is_shown_and_not_saved(qtbot, demo_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, demo_context)
    qtbot.waitUntil(lambda: page.editor.form.plan_id is not None, timeout=TIMEOUT)
    form = page.editor.form
    plan_id, year = form.plan_id, form.year.value()
    before = stored(demo_context, plan_id)
    replace_text(form.title, "Trích yếu đã sửa")
    set_date(form.issued_on, date(year - 3, 5, 6))
    page.editor.flush()
    qtbot.waitUntil(form.errors["issued_on"].isVisible, timeout=TIMEOUT)
    assert form.errors["issued_on"].text() == f"Ngày ban hành phải thuộc năm {year} (hoặc cuối năm trước)."
    assert "Chưa lưu được" in page.editor.indicator.text()
    assert stored(demo_context, plan_id).title == before.title  # nothing half-saved
    set_date(form.issued_on, date(year, 1, 20))
    settle(qtbot, page)
    assert not form.errors["issued_on"].isVisible()
    after = stored(demo_context, plan_id)
    assert after.title == "Trích yếu đã sửa" and after.issued_on == date(year, 1, 20)


def test_typing_autosaves_without_ctrl_s(qtbot, demo_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, demo_context)
    qtbot.waitUntil(lambda: page.editor.form.plan_id is not None, timeout=TIMEOUT)
    plan_id = page.editor.form.plan_id
    edit = page.editor.form.purposes.editor_at(0)
    edit.setFocus()
    QTest.keyClick(edit, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    type_text(edit, " Thêm ý cuối.")
    # No flush: the autosave commits by itself shortly after typing stops.
    qtbot.waitUntil(
        lambda: stored(demo_context, plan_id).purposes[0].endswith("Thêm ý cuối."), timeout=TIMEOUT
    )
    qtbot.waitUntil(lambda: page.editor.indicator.text().startswith("Đã lưu"), timeout=TIMEOUT)


def test_scheduling_dialogues_with_validation_in_place(qtbot, demo_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    day = date.today() + timedelta(days=3)
    page = open_page(qtbot, demo_context)
    existing = {row.id for row in page.model.rows()}
    page.create_plan(PlanKind.YEARLY, day.year)
    qtbot.waitUntil(lambda: page.editor.form.plan_id not in existing | {None}, timeout=TIMEOUT)
    plan_id = page.editor.form.plan_id
    QTest.keyClick(page.editor.form.title, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    scheduler = page.editor.scheduler
    assert page.editor.tabs.currentIndex() == 1 and scheduler.isVisible()
    QTest.mouseClick(scheduler.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: scheduler.model.rowCount() == 1 and scheduler.form_box.isVisible(), timeout=TIMEOUT
    )
    assert QApplication.focusWidget() is scheduler.title
    type_text(scheduler.title, "Đối thoại với cán bộ, hội viên Hội Phụ nữ xã")
    scheduler.audience.setFocus()
    scheduler.audience.selectAll()  # replaces the plan's đối tượng the new dialogue started with
    type_text(scheduler.audience, "cán bộ, hội viên Hội Phụ nữ xã")
    scheduler.place.setFocus()
    type_text(scheduler.place, "Hội trường Ủy ban nhân dân xã")
    scheduler.co_chairs.item(1).setCheckState(Qt.CheckState.Checked)

    # A date outside the plan's year is refused in place.
    QTest.mouseClick(scheduler.by_date, Qt.MouseButton.LeftButton)
    scheduler.scheduled_at.setDateTime(QDateTime(QDate(day.year + 1, 1, 10), QTime(8, 0)))
    scheduler.saver.flush()
    qtbot.waitUntil(scheduler.errors["scheduled_at"].isVisible, timeout=TIMEOUT)
    assert (
        scheduler.errors["scheduled_at"].text()
        == f"Ngày hội nghị phải nằm trong năm {day.year} của kế hoạch."
    )

    # So is an opinion deadline after the dialogue.
    scheduler.scheduled_at.setDateTime(QDateTime(QDate(day.year, day.month, day.day), QTime(8, 0)))
    set_date(scheduler.collect_deadline, day + timedelta(days=1))
    scheduler.saver.flush()
    qtbot.waitUntil(scheduler.errors["collect_deadline"].isVisible, timeout=TIMEOUT)
    assert scheduler.errors["collect_deadline"].text() == "Hạn thu thập ý kiến phải trước ngày hội nghị."
    with demo_context.db.reading() as session:
        (detail,) = dialogues.plan_dialogues(session, plan_id)
    assert detail.scheduled_at is None  # nothing half-saved

    set_date(scheduler.collect_deadline, day - timedelta(days=2))
    scheduler.saver.flush()
    qtbot.waitUntil(lambda: not scheduler.saver.pending and not demo_context.tasks.busy, timeout=TIMEOUT)
    assert not scheduler.errors["collect_deadline"].isVisible()
    with demo_context.db.reading() as session:
        (detail,) = dialogues.plan_dialogues(session, plan_id)
        listed = next(r for r in dialogues.list_dialogues(session) if r.id == detail.id)
    assert detail.title == "Đối thoại với cán bộ, hội viên Hội Phụ nữ xã"
    assert detail.audience == "cán bộ, hội viên Hội Phụ nữ xã"
    assert detail.scheduled_at == datetime(day.year, day.month, day.day, 8, 0)
    assert detail.collect_deadline == day - timedelta(days=2)
    assert len(detail.co_chair_ids) == 1 and detail.chair
    # In the Hội nghị list: planned, "còn 3 ngày", and the 7-day notice date has passed.
    assert listed.due_text == "còn 3 ngày" and listed.notice_overdue
    assert scheduler.model.index(0, 2).data() == "còn 3 ngày"
    assert scheduler.model.index(0, 3).data().startswith("Quá hạn gửi thông báo/giấy mời")
    assert page.model.row_at(page.model.row_of_id(plan_id)).dialogues == 1


def test_copy_from_last_years_plan_moves_the_dates(qtbot, demo_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, demo_context)
    QTest.keyClick(
        page.view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    dialog = page.copy_dialog
    assert dialog is not None and dialog.isVisible()
    source = next(r for r in page.model.rows() if r.year == 2016)
    dialog.source.setCurrentIndex(dialog.source.findData(source.id))
    dialog.year.selectAll()
    QTest.keyClicks(dialog.year, "2017")
    press_ok(qtbot, page, dialog)
    qtbot.waitUntil(lambda: page.editor.form.year.value() == 2017, timeout=TIMEOUT)
    form = page.editor.form
    assert form.title.text().endswith("năm 2017")
    assert form.issued_on.value() == date(2016 + 1, 8, 25)
    assert "Từ 8h00 ngày 23 tháng 9 năm 2017." in form.time_place.items()[0]
    qtbot.waitUntil(lambda: page.editor.scheduler.model.rowCount() == 1, timeout=TIMEOUT)
    copied = page.editor.scheduler.model.row_at(0)
    assert copied.scheduled_at == datetime(2017, 9, 23, 8, 0)
    assert copied.collect_deadline == date(2017, 9, 10)
    assert [r.year for r in page.model.rows()].count(2017) == 1


# --- the list editor on its own ---------------------------------------------------------------------


def make_list(qtbot, items: list[str]) -> tuple[QWidget, ListEditor]:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLineEdit, QVBoxLayout

    host = QWidget()
    layout = QVBoxLayout(host)
    before = QLineEdit()
    before.setObjectName("before")
    editor = ListEditor(marker="number", noun="bước")
    after = QLineEdit()
    after.setObjectName("after")
    for widget in (before, editor, after):
        layout.addWidget(widget)
    qtbot.addWidget(host)
    host.show()
    qtbot.waitExposed(host)
    host.activateWindow()
    qtbot.waitUntil(host.isActiveWindow)
    editor.set_items(items)
    return host, editor


def test_list_keys_add_move_and_remove_items(qtbot) -> None:  # type: ignore[no-untyped-def]
    _host, editor = make_list(qtbot, ["Một", "Hai"])
    with qtbot.waitSignal(editor.edited):
        QTest.keyClick(editor.editor_at(0), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert editor.count() == 3 and QApplication.focusWidget() is editor.editor_at(1)
    type_text(editor.editor_at(1), "Ba")
    assert editor.items() == ["Một", "Ba", "Hai"]
    QTest.keyClick(editor.editor_at(1), Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert editor.items() == ["Một", "Hai", "Ba"] and QApplication.focusWidget() is editor.editor_at(2)
    QTest.keyClick(editor.editor_at(2), Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    QTest.keyClick(editor.editor_at(1), Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert editor.items() == ["Ba", "Một", "Hai"]
    assert [editor.rows()[i].marker.text() for i in range(3)] == ["1.", "2.", "3."]
    QTest.keyClick(editor.editor_at(0), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(editor.editor_at(1), Qt.Key.Key_Backspace)  # an empty item goes away
    assert editor.items() == ["Ba", "Một", "Hai"] and editor.count() == 3


def test_list_items_reorder_by_drag_and_drop(qtbot) -> None:  # type: ignore[no-untyped-def]
    _host, editor = make_list(qtbot, ["A", "B", "C", "D"])
    qtbot.waitUntil(lambda: editor.rows()[3].geometry().top() > editor.rows()[2].geometry().top() > 0)
    mime = QMimeData()
    mime.setData(MIME_ROW, QByteArray(editor.drag_token(0).encode()))
    below_c = editor.rows()[3].geometry().top() + 2  # just above D's middle: between C and D
    event = QDropEvent(
        QPointF(50, below_c),
        Qt.DropAction.MoveAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    editor.dropEvent(event)
    assert editor.items() == ["B", "C", "A", "D"]


def test_list_text_is_stored_nfc_and_grows(qtbot) -> None:  # type: ignore[no-untyped-def]
    _host, editor = make_list(qtbot, ["x"])
    edit = editor.editor_at(0)
    one_line = edit.height()
    replace_text(edit, unicodedata.normalize("NFD", "Nghe ý kiến của Nhân dân về đất đai, quy hoạch. " * 8))
    assert all(unicodedata.is_normalized("NFC", item) for item in editor.items())
    assert editor.items()[0].startswith("Nghe ý kiến của Nhân dân")
    qtbot.waitUntil(lambda: edit.height() > 2 * one_line)


def test_tab_walks_the_items_in_form_order(qtbot) -> None:  # type: ignore[no-untyped-def]
    host, editor = make_list(qtbot, ["Một"])
    editor.add_item(0, "Hai", focus=False)  # created after the field below it
    before = host.findChild(QWidget, "before")
    before.setFocus()
    order = []
    for _ in range(3):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    assert order == [editor.editor_at(0), editor.editor_at(1), host.findChild(QWidget, "after")]
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is editor.editor_at(1)


def test_tab_order_of_the_plan_form_follows_the_document(qtbot, demo_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, demo_context)
    qtbot.waitUntil(lambda: page.editor.form.plan_id is not None, timeout=TIMEOUT)
    form = page.editor.form
    form.title.setFocus()
    seen = []
    for _ in range(60):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())

    def first(widget: QWidget) -> int:
        return next(i for i, w in enumerate(seen) if w is widget or widget.isAncestorOf(w))

    sequence = [
        form.bases,
        form.opening,
        form.purposes,
        form.requirements,
        form.audience,
        form.contents,
        form.forms,
        form.time_place,
        form.steps,
        form.tasks_intro,
        form.tasks,
    ]
    positions = [first(widget) for widget in sequence]
    assert positions == sorted(positions)
    assert seen[0] is form.bases.editor_at(0)


def test_units_of_the_tasks_come_from_danh_muc_and_reorder(qtbot, demo_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, demo_context)
    qtbot.waitUntil(lambda: len(page.editor.form.tasks.blocks) >= 2, timeout=TIMEOUT)
    form = page.editor.form
    plan_id = form.plan_id
    qtbot.waitUntil(lambda: form.tasks.blocks[0].unit.count() > 0, timeout=TIMEOUT)
    offered = [form.tasks.blocks[0].unit.itemText(i) for i in range(form.tasks.blocks[0].unit.count())]
    assert "Văn phòng HĐND và UBND" in offered and "Hội Nông dân xã" in offered
    first, second = (block.value()["unit"] for block in form.tasks.blocks[:2])
    combo = form.tasks.blocks[1].unit
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert [b.value()["unit"] for b in form.tasks.blocks[:2]] == [second, first]
    settle(qtbot, page)
    assert [t.unit for t in stored(demo_context, plan_id).tasks[:2]] == [second, first]


def test_standard_forms_are_offered(qtbot, demo_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, demo_context)
    qtbot.waitUntil(lambda: page.editor.form.plan_id is not None, timeout=TIMEOUT)
    form = page.editor.form
    actions = form.form_choices.menu().actions()
    online = next(a for a in actions if "trực tuyến" in a.text())
    online.trigger()
    assert online.text() in form.forms.items()
    settle(qtbot, page)
    assert online.text() in stored(demo_context, form.plan_id).forms


def test_deleting_plans(qtbot, demo_context: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page = open_page(qtbot, demo_context)
    held = next(i for i, r in enumerate(page.model.rows()) if r.year == 2016)
    page.view.setCurrentIndex(page.model.index(held, 0))
    qtbot.waitUntil(lambda: page.editor.form.year.value() == 2016, timeout=TIMEOUT)
    QTest.keyClick(page.view, Qt.Key.Key_Delete)
    qtbot.waitUntil(page.message.isVisible, timeout=TIMEOUT)
    assert page.message.text().startswith("Không xóa được kế hoạch: Hội nghị")
    assert "đã kết thúc" in page.message.text()
    assert page.model.rowCount() == 3

    existing = {row.id for row in page.model.rows()}
    page.create_plan(PlanKind.SINGLE, 2030)
    qtbot.waitUntil(lambda: page.editor.form.plan_id not in existing | {None}, timeout=TIMEOUT)
    page.view.setFocus()
    QTest.keyClick(page.view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: page.model.rowCount() == 3 and not page.message.isVisible(), timeout=TIMEOUT)
    assert 2030 not in [row.year for row in page.model.rows()]


def test_an_opened_plan_saves_its_lists_unchanged_and_edits_the_item_clicked(
    qtbot, demo_context: AppContext
) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, demo_context)
    qtbot.waitUntil(lambda: page.editor.form.plan_id is not None, timeout=TIMEOUT)
    settle(qtbot, page)
    form, plan_id = page.editor.form, page.editor.form.plan_id
    before = stored(demo_context, plan_id)
    # «Lịch hội nghị» says how many dialogues the plan has before the tab is ever opened.
    assert page.editor.tabs.tabText(1) == f"Lịch hội nghị ({len(before.dialogues)})"
    assert len(before.purposes) >= 2 and before.tasks

    # Only the title typed: every list and unit goes back to disk as it was read, the lower
    # sections built for the save from the plan read (they were out of sight).
    assert not form._later.built
    replace_text(form.title, before.title + " (sửa)")
    settle(qtbot, page)
    after = stored(demo_context, plan_id)
    assert after.title == before.title + " (sửa)"
    for field in (
        "bases",
        "purposes",
        "requirements",
        "contents",
        "forms",
        "time_place",
        "steps",
        "recipients",
    ):
        assert getattr(after, field) == getattr(before, field), field
    assert [(t.unit, t.tasks) for t in after.tasks] == [(t.unit, t.tasks) for t in before.tasks]

    # A click on the second «Mục đích» puts the cursor in that item, and what is typed is saved.
    form.ensureWidgetVisible(form.purposes)
    face = form.purposes._face
    assert face is not None
    y = next(y for y in range(face.height()) if face.row_at(y) == 1)
    QTest.mouseClick(face, Qt.MouseButton.LeftButton, pos=face.rect().topLeft() + QPoint(120, y + 6))
    edit = form.purposes.editor_at(1)
    assert QApplication.focusWidget() is edit
    QTest.keyClick(edit, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    type_text(edit, " Thêm")
    settle(qtbot, page)
    assert stored(demo_context, plan_id).purposes[1] == before.purposes[1] + " Thêm"
    assert stored(demo_context, plan_id).purposes[0] == before.purposes[0]

    # The units: the first one's tasks reached from its block, as the user sees them.
    block = form.tasks.blocks[0]
    assert block.value() == {"unit": before.tasks[0].unit, "tasks": list(before.tasks[0].tasks)}


def test_the_lower_sections_are_built_when_they_come_into_sight(qtbot, demo_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    from ui.views.plan_widgets import combo_text

    """Below the fold on opening, the later sections are not built; the scroll bar already
    reaches about as far; scrolling there shows the plan's own lines, and nothing is saved."""
    page = open_page(qtbot, demo_context)
    qtbot.waitUntil(lambda: page.editor.form.plan_id is not None, timeout=TIMEOUT)
    settle(qtbot, page)
    form = page.editor.form
    later = form._later
    assert not later.built  # «Hình thức» and below are out of sight on opening
    QApplication.processEvents()
    held = form.widget().height()
    before = stored(demo_context, form.plan_id)
    bar = form.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())
    qtbot.waitUntil(lambda: later.built, timeout=TIMEOUT)
    QApplication.processEvents()
    assert 0.6 < held / form.widget().height() < 1.5  # the held height was about right
    assert tuple(form.__dict__["forms"].items()) == tuple(before.forms)  # the plan's own lines
    assert tuple(form.__dict__["steps"].items()) == tuple(before.steps)
    assert combo_text(form.__dict__["signer_name"]) == before.signer_name
    assert form.__dict__["signature_preview"].text().strip().endswith(before.signer_name)
    assert form.__dict__["steps"].isVisible()
    assert not page.editor.pending  # coming into sight is not an edit
