"""Danh mục: add, rename in place, deactivate, reorder; refuse to delete what records use."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox

from app.services import catalog
from tests.ui.keyboard import type_text
from ui.context import AppContext
from ui.views.catalog import NAME_COLUMN, CataloguePage, CatalogueTab

TIMEOUT = 15000


def open_page(qtbot, context: AppContext) -> CataloguePage:  # type: ignore[no-untyped-def]
    page = CataloguePage(context)
    qtbot.addWidget(page)
    page.resize(1156, 740)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    qtbot.waitUntil(lambda: not context.tasks.busy, timeout=TIMEOUT)
    return page


def names(tab: CatalogueTab) -> list[str]:
    return [tab.model.index(r, NAME_COLUMN).data() for r in range(tab.model.rowCount())]


def select(qtbot, tab: CatalogueTab, name: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: name in names(tab), timeout=TIMEOUT)
    tab.view.setCurrentIndex(tab.model.index(names(tab).index(name), NAME_COLUMN))
    tab.view.setFocus()


def wait_idle(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not context.tasks.busy, timeout=TIMEOUT)


def test_four_catalogues_in_tabs(qtbot, demo_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, demo_context)
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == [
        "Đơn vị",
        "Thôn, tổ dân phố",
        "Lĩnh vực",
        "Lãnh đạo",
    ]
    QTest.keyClick(page.tabs, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert page.tabs.currentIndex() == 1
    hamlets = page.catalogues["hamlet"]
    assert names(hamlets)[0] == "Thôn Đông"
    assert hamlets.model.index(0, 3).data() == "4 ý kiến, kiến nghị"


def test_add_rename_and_deactivate_a_hamlet(qtbot, demo_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, demo_context)
    page.show_tab(1)
    tab = page.catalogues["hamlet"]
    type_text(tab.new_name, "Tổ dân phố Bắc Sơn")
    QTest.keyClick(tab.new_name, Qt.Key.Key_Return)
    select(qtbot, tab, "Tổ dân phố Bắc Sơn")
    assert tab.new_name.text() == ""

    # F2 renames in place.
    QTest.keyClick(tab.view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    type_text(editor, "Tổ dân phố Nam Sơn")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    select(qtbot, tab, "Tổ dân phố Nam Sơn")
    with demo_context.db.reading() as session:
        assert "Tổ dân phố Nam Sơn" in [e.name for e in catalog.list_entries(session, "hamlet")]

    # Ctrl+D: no longer offered in pick lists, still listed here.
    assert tab.toggle_button.text() == "Ngừng sử dụng"
    QTest.keyClick(tab.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, demo_context)
    row = names(tab).index("Tổ dân phố Nam Sơn")
    qtbot.waitUntil(lambda: tab.model.index(row, 2).data() == "Ngừng sử dụng", timeout=TIMEOUT)
    assert tab.toggle_button.text() == "Dùng lại"
    with demo_context.db.reading() as session:
        assert "Tổ dân phố Nam Sơn" not in [e.name for e in catalog.list_entries(session, "hamlet")]


def test_a_used_entry_is_not_deleted_and_the_reason_is_shown(qtbot, demo_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, demo_context)
    page.show_tab(1)
    tab = page.catalogues["hamlet"]
    select(qtbot, tab, "Thôn Đông")
    QTest.keyClick(tab.view, Qt.Key.Key_Delete)
    assert tab.message.isVisible()
    assert tab.message.text() == (
        "Không thể xóa «Thôn Đông» vì đang được dùng trong 4 ý kiến, kiến nghị. "
        "Hãy chọn «Ngừng sử dụng» để ẩn khỏi danh sách chọn mà vẫn giữ hồ sơ cũ."
    )
    with demo_context.db.reading() as session:
        assert "Thôn Đông" in [e.name for e in catalog.list_entries(session, "hamlet")]


def test_an_unused_entry_is_deleted_after_confirmation(
    qtbot, demo_context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page = open_page(qtbot, demo_context)
    tab = page.catalogues["unit"]
    select(qtbot, tab, "Hội Cựu chiến binh xã")
    QTest.keyClick(tab.view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: "Hội Cựu chiến binh xã" not in names(tab), timeout=TIMEOUT)
    with demo_context.db.reading() as session:
        assert "Hội Cựu chiến binh xã" not in [e.name for e in catalog.list_entries(session, "unit")]


def test_a_unit_used_by_a_plan_says_so(qtbot, demo_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, demo_context)
    tab = page.catalogues["unit"]
    select(qtbot, tab, "Ủy ban MTTQ Việt Nam xã")
    QTest.keyClick(tab.view, Qt.Key.Key_Delete)
    assert "1 kế hoạch" in tab.message.text()


def test_reorder_with_alt_arrows(qtbot, demo_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, demo_context)
    page.show_tab(2)
    tab = page.catalogues["field"]
    select(qtbot, tab, "Môi trường")
    before = names(tab)
    QTest.keyClick(tab.view, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    wait_idle(qtbot, demo_context)
    qtbot.waitUntil(lambda: names(tab) != before, timeout=TIMEOUT)
    index = before.index("Môi trường")
    assert names(tab)[index - 1] == "Môi trường"
    assert tab.current_row() is not None and tab.current_row().name == "Môi trường"
    with demo_context.db.reading() as session:
        assert [e.name for e in catalog.list_entries(session, "field")] == names(tab)


def test_leaders_are_added_with_their_title_and_kept_when_in_use(qtbot, demo_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, demo_context)
    page.show_tab(3)
    tab = page.catalogues["leader"]
    type_text(tab.new_name, "Hoàng Thị Mai")
    QTest.keyClick(tab.new_name, Qt.Key.Key_Return)
    wait_idle(qtbot, demo_context)
    assert tab.add_error.text() == "Hãy nhập chức vụ, ví dụ «Phó Chủ tịch UBND xã»."
    type_text(tab.new_title, "Phó Chủ tịch HĐND xã")
    QTest.keyClick(tab.new_title, Qt.Key.Key_Return)
    select(qtbot, tab, "Hoàng Thị Mai")
    assert tab.model.index(names(tab).index("Hoàng Thị Mai"), 2).data() == "Phó Chủ tịch HĐND xã"

    select(qtbot, tab, "Trần Quốc Hưng")
    QTest.keyClick(tab.view, Qt.Key.Key_Delete)
    assert "Không thể xóa «Trần Quốc Hưng»" in tab.message.text()
    assert "hội nghị (chủ trì, đồng chủ trì)" in tab.message.text()
