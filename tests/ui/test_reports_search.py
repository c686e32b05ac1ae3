"""The Báo cáo – thống kê screen and the Ctrl+K search popup, driven as a secretary would."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.domain.periods import PeriodKind, make_period
from app.services import reports
from app.services.search import SearchKind
from app.storage.database import Database
from tests.app.report_samples import ReportCommune, build_report_commune
from ui.context import AppContext
from ui.views.reports import CHART_WIDTH, ReportsPage
from ui.views.search import HTML_ROLE, SearchDialog

TIMEOUT = 20000
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


@pytest.fixture
def commune(db: Database) -> ReportCommune:
    with db.transaction() as session:
        return build_report_commune(session)


def test_report_screen_shows_the_service_figures_and_charts(
    qtbot: QtBot, commune: ReportCommune, context: AppContext
) -> None:
    page = ReportsPage(context)
    qtbot.addWidget(page)
    page.resize(1366, 900)
    page.show()
    page.picker.year.setValue(2026)
    page.picker.kind.setCurrentIndex(page.picker.kind.findData(PeriodKind.HALF))
    qtbot.waitUntil(
        lambda: page.loaded is not None and page.loaded.report.period.year == 2026, timeout=TIMEOUT
    )
    with context.db.reading() as session:
        expected = reports.period_report(session, make_period(PeriodKind.HALF, 2026))
    shown = [
        (page.figures.index(r, 0).data(), int(page.figures.index(r, 1).data()))
        for r in range(page.figures.rowCount())
    ]
    assert shown == [(f.label, f.value) for f in expected.figures()]
    assert [page.by_unit.index(r, 0).data() for r in range(page.by_unit.rowCount())] == [
        n for n, _c in expected.by_unit
    ]
    qtbot.waitUntil(lambda: page.charts_ready, timeout=TIMEOUT)
    assert all(not label.pixmap().isNull() for label in page.chart_labels.values())
    # Drawn at the size shown (the .docx picture at the screen's resolution), not scaled down.
    assert {label.pixmap().width() for label in page.chart_labels.values()} == {CHART_WIDTH}
    assert "6 tháng đầu năm 2026" in page.range_label.text()
    # The 15th-to-14th cut-off, chosen on the screen, is saved and moves the period.
    page.cutoff.setCurrentIndex(1)
    qtbot.waitUntil(
        lambda: page.loaded is not None and page.loaded.report.period.start.day == 15, timeout=TIMEOUT
    )
    with context.db.reading() as session:
        assert reports.report_cutoff(session).value == "15-14"
    assert "15/12/2025" in page.range_label.text()
    qtbot.waitUntil(lambda: page.charts_ready, timeout=TIMEOUT)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.grab().save(str(SHOTS / "reports.png"))


def test_report_screen_asks_the_month_or_the_dates_the_chosen_period_needs(
    qtbot: QtBot, commune: ReportCommune, context: AppContext
) -> None:
    page = ReportsPage(context)
    qtbot.addWidget(page)
    page.resize(1366, 900)
    page.show()
    page.picker.year.setValue(2026)
    page.picker.kind.setCurrentIndex(page.picker.kind.findData(PeriodKind.MONTH))
    assert (
        page.picker.month.isVisible() and page.picker.year.isVisible() and not page.picker.start.isVisible()
    )
    page.picker.month.setValue(5)
    qtbot.waitUntil(
        lambda: (
            page.loaded is not None
            and page.loaded.report.period.kind is PeriodKind.MONTH
            and page.loaded.report.period.month == 5
        ),
        timeout=TIMEOUT,
    )
    assert "Tháng 5 năm 2026" in page.range_label.text()
    page.picker.kind.setCurrentIndex(page.picker.kind.findData(PeriodKind.RANGE))
    assert page.picker.start.isVisible() and page.picker.end.isVisible()
    assert not page.picker.month.isVisible() and not page.picker.year.isVisible()
    qtbot.waitUntil(
        lambda: page.loaded is not None and page.loaded.report.period.kind is PeriodKind.RANGE,
        timeout=TIMEOUT,
    )
    qtbot.waitUntil(lambda: page.charts_ready, timeout=TIMEOUT)


def test_search_popup_finds_across_kinds_and_opens_with_enter(
    qtbot: QtBot, commune: ReportCommune, context: AppContext
) -> None:
    dialog = SearchDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.field.count() > 1, timeout=TIMEOUT)
    with qtbot.waitSignal(dialog.results_shown, timeout=TIMEOUT):
        qtbot.keyClicks(dialog.box, "dang van du")
        typed = time.perf_counter()
    elapsed_ms = (time.perf_counter() - typed) * 1000
    assert dialog.results is not None and dialog.results.groups[0][0] is SearchKind.PETITION
    hit = dialog.current_hit()
    assert hit is not None and hit.id == commune.petitions["overdue"]
    text = dialog.list.currentItem().data(HTML_ROLE)  # what the hit delegate draws
    assert "<b style='background:#fff3b0'>Đặng</b>" in text
    assert elapsed_ms < 1000  # two queries at most; the bench measures the real figure
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "search.png"))
    with qtbot.waitSignal(dialog.open_requested, timeout=TIMEOUT) as opened:
        qtbot.keyClick(dialog.box, Qt.Key.Key_Return)
    assert opened.args[0].petition_id == commune.petitions["overdue"]
    # A filter narrows the same words; the search is saved under a name and comes back.
    dialog.status.setCurrentIndex(dialog.status.findData("overdue"))
    qtbot.waitUntil(lambda: dialog.results is not None and dialog.results.groups and all(
        k is SearchKind.PETITION or k in (SearchKind.ANSWER, SearchKind.UPDATE) for k, _h in dialog.results.groups
    ), timeout=TIMEOUT)  # fmt: skip
    dialog.save_as("Kiến nghị quá hạn của ông Đức")
    qtbot.waitUntil(lambda: dialog.saved.count() == 2, timeout=TIMEOUT)
    dialog.box.clear()
    dialog.status.setCurrentIndex(0)
    dialog.saved.setCurrentIndex(1)
    dialog.saved.activated.emit(1)
    qtbot.waitUntil(
        lambda: dialog.box.text() == "dang van du" and dialog.status.currentData() == "overdue",
        timeout=TIMEOUT,
    )


def test_search_popup_searches_at_once_and_once_more_for_what_was_typed_meanwhile(
    qtbot: QtBot, commune: ReportCommune, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key after a pause starts its search at once (no timer waiting for typing to stop); the
    keys typed while it runs ask for one more search, of the whole text, not one a key."""
    import ui.views.search as search_view

    searched: list[str] = []
    real = search_view.search_everything

    def counted(session, query, **kwargs):  # type: ignore[no-untyped-def]
        searched.append(query)
        return real(session, query, **kwargs)

    monkeypatch.setattr(search_view, "search_everything", counted)
    dialog = SearchDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.field.count() > 1 and not context.tasks.busy, timeout=TIMEOUT)
    qtbot.keyClicks(dialog.box, "d")
    assert dialog.searching  # started with the key, before the event loop ran
    qtbot.keyClicks(dialog.box, "ang van du")  # typed while the first search runs
    with qtbot.waitSignal(dialog.results_shown, timeout=TIMEOUT):
        pass
    assert searched == ["d", "dang van du"]
    assert dialog.results is not None and dialog.results.query == "dang van du"
    hit = dialog.current_hit()
    assert hit is not None and hit.id == commune.petitions["overdue"]
    assert not dialog.searching


def test_a_hit_is_one_head_line_and_two_lines_of_text_at_any_width(
    qtbot: QtBot, commune: ReportCommune, context: AppContext
) -> None:
    """A narrow window elides the head (the place first) instead of wrapping it, the text stops at
    a whole line, and the hits take the list's width: no sideways scroll bar."""
    dialog = SearchDialog(context)
    qtbot.addWidget(dialog)
    dialog.resize(420, 500)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.field.count() > 1 and not context.tasks.busy, timeout=TIMEOUT)
    with qtbot.waitSignal(dialog.results_shown, timeout=TIMEOUT):
        qtbot.keyClicks(dialog.box, "dang van du")
    dialog.list.repaint()
    assert dialog.list.horizontalScrollBar().maximum() == 0
    delegate = dialog.list.itemDelegate()
    laid_out = list(delegate._documents.values())
    assert laid_out
    for document, height in laid_out:
        block = document.begin()
        layout = block.layout()
        head = layout.lineAt(0)
        first = block.text()[head.textStart() : head.textStart() + head.textLength()]
        assert first.rstrip().endswith("…") or "—" not in first  # elided on one line
        shown = min(3, layout.lineCount())  # the head and at most two lines of text
        assert height == pytest.approx(sum(layout.lineAt(n).height() for n in range(shown)), abs=2)
    item = dialog.list.item(1)
    assert dialog.list.visualItemRect(item).width() == dialog.list.viewport().width()


def test_search_popup_status_filter_keeps_only_that_status(
    qtbot: QtBot, commune: ReportCommune, context: AppContext
) -> None:
    from app.domain.rules import PetitionStatus

    dialog = SearchDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    overdue = commune.petitions["overdue"]  # being worked on, past its deadline: not resolved

    def petition_ids() -> set[int]:
        results = dialog.results
        return (
            {h.petition_id for k, hits in results.groups if k is SearchKind.PETITION for h in hits}
            if results
            else set()
        )

    qtbot.keyClicks(dialog.box, "dang van du")
    qtbot.waitUntil(lambda: overdue in petition_ids(), timeout=TIMEOUT)
    dialog.status.setCurrentIndex(dialog.status.findData(PetitionStatus.RESOLVED))
    assert dialog.current_filter().statuses == (PetitionStatus.RESOLVED,)
    qtbot.waitUntil(lambda: dialog.results is not None and overdue not in petition_ids(), timeout=TIMEOUT)
