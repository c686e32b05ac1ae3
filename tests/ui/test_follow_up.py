"""Theo dõi giải quyết and the petition window, driven as the secretary would."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.domain.rules import PetitionStatus
from app.services import followup
from app.storage.models import Petition, ResolutionUpdate
from tests.ui.keyboard import type_text
from ui.context import AppContext
from ui.views.follow_up import DEADLINE_COLUMN, STATUS_FILTERS, ExtendDialog, FollowUpPage, InformedDialog
from ui.views.petition_detail import PetitionWindow, ResultDialog

TIMEOUT = 10000


def open_page(qtbot: QtBot, context: AppContext) -> FollowUpPage:
    page = FollowUpPage(context)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 and page.dialogue_filter.count() > 1, timeout=TIMEOUT)
    return page


def test_overdue_filter_shows_only_overdue_rows_in_red(qtbot: QtBot, demo_context: AppContext) -> None:
    page = open_page(qtbot, demo_context)
    everything = page.model.rowCount()
    page.due_filter.setCurrentIndex(2)  # Quá hạn
    qtbot.waitUntil(lambda: not page.model.loading and page.model.rowCount() < everything, timeout=TIMEOUT)
    rows = page.model.rows()
    assert rows and all(r.deadline is not None and r.deadline < date.today() for r in rows)
    assert all("quá hạn" in page.model.index(i, DEADLINE_COLUMN).data() for i in range(len(rows)))
    colour = page.model.index(0, DEADLINE_COLUMN).data(Qt.ItemDataRole.ForegroundRole).color().name()
    assert colour == "#b00020"
    assert page.due_filter.itemText(1).startswith("Sắp đến hạn (≤ 7 ngày)")


def test_filter_by_unit_keeps_only_that_units_petitions(qtbot: QtBot, demo_context: AppContext) -> None:
    page = open_page(qtbot, demo_context)
    units = {r.lead_unit for r in page.model.rows() if r.lead_unit}
    unit = sorted(units)[0]
    page.unit_filter.setCurrentIndex(page.unit_filter.findText(unit))
    qtbot.waitUntil(
        lambda: not page.model.loading and {r.lead_unit for r in page.model.rows()} == {unit}, timeout=TIMEOUT
    )


def test_bulk_extend_of_two_rows_is_one_action_in_the_history(
    qtbot: QtBot, demo_context: AppContext, tmp_path: Path
) -> None:
    page = open_page(qtbot, demo_context)
    chosen = [i for i, r in enumerate(page.model.rows()) if r.deadline is not None][:2]
    assert len(chosen) == 2
    ids = [page.model.row_at(i).id for i in chosen]
    selection = page.view.selectionModel()
    for i in chosen:
        selection.select(
            page.model.index(i, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    assert sorted(page.selected_ids()) == sorted(ids)
    page.bulk_extend()
    dialog = next(w for w in page.findChildren(ExtendDialog))
    new_deadline = date.today() + timedelta(days=60)
    dialog.deadline.setDate(dialog.deadline.date().addDays(60))
    dialog.submit()  # no reason: refused in place, nothing written
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=TIMEOUT)
    assert "lý do" in dialog.error.text().lower()
    type_text(dialog.reason, "Chờ kinh phí năm sau")
    dialog.submit()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    with demo_context.db.reading() as session:
        for ident in ids:
            detail = followup.petition_detail(session, ident)
            assert detail.deadline == new_deadline
            assert detail.history[-1].reason == "Chờ kinh phí năm sau"
    assert page.grab().save(str(tmp_path / "theo-doi.png"))


def test_bulk_informed_records_the_day_and_the_way_the_citizens_were_told(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    page = open_page(qtbot, demo_context)
    resolved = next(
        n for n, (_label, statuses) in enumerate(STATUS_FILTERS) if statuses == (PetitionStatus.RESOLVED,)
    )
    page.status_filter.setCurrentIndex(resolved)
    qtbot.waitUntil(
        lambda: (
            not page.model.loading
            and page.model.rowCount() > 0
            and all(r.status is PetitionStatus.RESOLVED for r in page.model.rows())
        ),
        timeout=TIMEOUT,
    )
    ident = page.model.row_at(0).id
    page.view.setCurrentIndex(page.model.index(0, 0))
    page.bulk_informed()
    dialog = next(w for w in page.findChildren(InformedDialog))
    dialog.how.setCurrentIndex(dialog.how.findData(followup.InformMethod.PHONE))
    dialog.submit()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    with demo_context.db.reading() as session:
        petition = session.get(Petition, ident)
        assert petition is not None
        assert (petition.informed_on, petition.informed_how) == (
            date.today(),
            followup.InformMethod.PHONE.value,
        )


def test_a_result_recorded_in_the_petition_window_closes_it_in_the_list(
    qtbot: QtBot, demo_context: AppContext, tmp_path: Path
) -> None:
    page = open_page(qtbot, demo_context)
    opened: list[int] = []
    page.open_requested.connect(opened.append)
    page.view.setFocus()
    page.view.setCurrentIndex(page.model.index(0, 0))
    QTest.keyClick(page.view, Qt.Key.Key_Return)
    assert opened == [page.model.row_at(0).id]
    petition_id = opened[0]

    window = PetitionWindow(demo_context, petition_id)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.detail is not None and window._options is not None, timeout=TIMEOUT)
    assert window.detail is not None and window.detail.id == petition_id
    assert "đang giải quyết" in window.heading.text().lower() or "mới" in window.heading.text().lower()
    assert window.grab().save(str(tmp_path / "y-kien.png"))

    QTest.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)  # Ghi kết quả
    dialog = next(w for w in window.findChildren(ResultDialog))
    dialog.submit()  # no result text: refused in place
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=TIMEOUT)
    type_text(dialog.result, "Đã nạo vét xong 300 m kênh tiêu")
    type_text(dialog.reply_number, "12/BC-ĐCXD")
    dialog.submit()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    # The window and the list both follow the change, through the operations layer's signal.
    qtbot.waitUntil(
        lambda: window.detail is not None and window.detail.status == PetitionStatus.RESOLVED, timeout=TIMEOUT
    )
    assert window.history.item(window.history.rowCount() - 1, 2).text() == "Đã nạo vét xong 300 m kênh tiêu"
    qtbot.waitUntil(lambda: petition_id not in [r.id for r in page.model.rows()], timeout=TIMEOUT)
    with demo_context.db.reading() as session:
        petition = session.get(Petition, petition_id)
        assert petition is not None and petition.status == PetitionStatus.RESOLVED
        update = (
            session.query(ResolutionUpdate)
            .filter_by(petition_id=petition_id)
            .order_by(ResolutionUpdate.id)
            .all()[-1]
        )
        assert update.reply_number == "12/BC-ĐCXD"


def test_the_summary_for_the_thong_bao_is_proposed_in_the_third_person_and_editable(
    qtbot: QtBot, demo_context: AppContext
) -> None:
    from app.services import wording

    with demo_context.db.reading() as session:
        petition_id = session.query(Petition).filter(Petition.content.like("%tôi%")).first().id  # type: ignore[union-attr]
        proposed = wording.proposed_summary(session, petition_id)
    window = PetitionWindow(demo_context, petition_id)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.summary.toPlainText() == proposed, timeout=TIMEOUT)
    assert " tôi " not in f" {proposed} "
    window.summary.selectAll()
    type_text(window.summary, "Đề nghị sửa cống tiêu thôn Đông.")
    qtbot.waitUntil(lambda: not window.summary_saver.pending, timeout=TIMEOUT)
    demo_context.ops.wait()
    with demo_context.db.reading() as session:
        assert session.get(Petition, petition_id).summary == "Đề nghị sửa cống tiêu thôn Đông."  # type: ignore[union-attr]
