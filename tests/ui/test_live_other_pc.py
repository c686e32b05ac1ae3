"""Two PCs on one server: the live window of one shows what the other writes, within two seconds."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.domain.rules import DialogueState, MinuteKind
from app.services import dialogues, minutes
from app.storage.database import Database
from ui.context import AppContext
from ui.views.live.window import POLL_MS, LiveMinutesWindow

pytestmark = pytest.mark.pg  # only meaningful on a server: runs when DOITHOAI_TEST_PG_URL is set


def test_lines_and_opinions_typed_on_another_pc_appear_here(qtbot, demo_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    if not demo_context.db.on_server:
        pytest.skip("one SQLite file is written by one PC: nothing comes from elsewhere")
    assert 2 * POLL_MS <= 2000  # a change is seen at the latest one poll and one read after it
    with demo_context.db.reading() as session:
        rows = dialogues.list_dialogues(session)
    dialogue_id = next(r.id for r in rows if r.state == DialogueState.PLANNED and r.scheduled_at)
    window = LiveMinutesWindow(demo_context, dialogue_id)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.state is not None and window._stamp is not None, timeout=10000)
    shown_before = window.entries_model.rowCount()

    other_pc = Database.open_url(demo_context.db.engine.url.render_as_string(hide_password=False))
    try:
        with other_pc.transaction() as session:
            minutes.start_dialogue(session, dialogue_id, now=datetime(2026, 12, 11, 14, 5))
            minutes.add_entry(
                session, dialogue_id, MinuteKind.NOTE, content="Máy thư ký 2: đại biểu đến muộn"
            )
            minutes.record_opinion(
                session,
                dialogue_id,
                minutes.OpinionInput(
                    petitioner_name="Trần Văn Khoa", hamlet="Thôn Đông", content="Xin lắp đèn"
                ),
            )
    finally:
        other_pc.close()

    def shown() -> bool:
        texts = [
            str(window.entries_model.index(r, c).data())
            for r in range(window.entries_model.rowCount())
            for c in range(window.entries_model.columnCount())
        ]
        return any("đại biểu đến muộn" in t for t in texts) and window.opinions_model.rowCount() > 0

    # Within 2 s of the commit; a generous margin for a loaded test machine (the poll is 1 s).
    qtbot.waitUntil(shown, timeout=4000)
    assert window.entries_model.rowCount() > shown_before
    assert window.state is not None and window.state.state == DialogueState.IN_PROGRESS
    window.close()
