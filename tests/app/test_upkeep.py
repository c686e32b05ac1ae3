"""Index merges and WAL checkpoints happen beside the writers, never inside an autosave's COMMIT."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.services import dialogues, minutes, petitions, search, settings
from app.storage import upkeep
from app.storage.database import Database
from app.storage.migrate import upgrade_database
from app.storage.models import Petition


def _typed_opinion(db: Database, words: list[str]) -> int:
    with db.transaction() as session:
        org = settings.current_organization(session)
        assert org is not None
        dialogue_id = dialogues.create_dialogue(
            session,
            dialogues.DialogueInput(
                organization_id=org.id, title="Hội nghị thử", scheduled_at=datetime.now()
            ),
        )
        minutes.start_dialogue(session, dialogue_id)
        petition_id, _entry = minutes.record_opinion(
            session, dialogue_id, minutes.OpinionInput(petitioner_name="Bà Lò Thị Mai")
        )
    typed = ""
    for word in words:  # one autosave per word, as the live screen commits while she types
        typed = f"{typed} {word}".strip()
        with db.transaction() as session:
            minutes.update_opinion(
                session, petition_id, minutes.OpinionInput(petitioner_name="Bà Lò Thị Mai", content=typed)
            )
    return petition_id


def test_the_programs_connections_never_checkpoint_or_merge_inline(demo_db: Database) -> None:
    with demo_db.reading() as session:
        assert session.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 0
    assert demo_db.upkeep.idle.wait(10)
    raw = sqlite3.connect(demo_db.path)
    try:
        tables = upkeep.fts_tables(raw)
        assert "petition_fts" in tables and len(tables) >= 2
        for table in tables:
            config = dict(raw.execute(f"SELECT k, v FROM {table}_config").fetchall())
            assert config["automerge"] == 0
            assert config["crisismerge"] == upkeep.CRISIS_MERGE
    finally:
        raw.close()


def test_upkeep_merges_and_checkpoints_after_typing_pauses_and_search_stays_right(
    demo_db: Database,
) -> None:
    words = "mương thoát nước thôn Nà Pồng bị tắc nhiều năm đề nghị nạo vét".split()
    petition_id = _typed_opinion(demo_db, words)
    assert demo_db.upkeep.idle.wait(10), "the upkeep finished after the typing paused"
    assert demo_db.upkeep.rounds >= 1
    raw = sqlite3.connect(demo_db.path)
    try:
        # Every committed page is back in the file: nothing left in the log to copy.
        busy, log_pages, done = raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        assert busy == 0 and log_pages == done
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        raw.execute("INSERT INTO petition_fts(petition_fts, rank) VALUES ('integrity-check', 0)")
    finally:
        raw.close()
    with demo_db.reading() as session:
        found = petitions.list_petitions(session, petitions.PetitionFilter(query="nao vet na pong"), limit=5)
        assert [row.id for row in found] == [petition_id]
        key = session.scalar(select(Petition.search_key).where(Petition.id == petition_id))
        assert key == search.petition_search_key("Bà Lò Thị Mai", "", " ".join(words))


def _keep_typing(db: Database, petition_id: int, typed: str, words: str) -> None:
    """One autosave per word, each followed by a pause the upkeep tidies in (shorter than a speaker's)."""
    for word in words.split():
        typed += f" {word}"
        with db.transaction() as session:
            minutes.update_opinion(
                session, petition_id, minutes.OpinionInput(petitioner_name="Bà Lò Thị Mai", content=typed)
            )
        time.sleep(upkeep.IDLE_SECONDS + 0.3)


def test_checkpoints_wait_for_a_pause_between_speakers_not_between_words(demo_db: Database) -> None:
    # A checkpoint writes and syncs the database file; an autosave committing meanwhile waited
    # for the disk. Between two words the upkeep only merges; between two speakers it checkpoints.
    petition_id = _typed_opinion(demo_db, ["Mương"])
    assert demo_db.upkeep.idle.wait(10)
    rounds, checkpoints = demo_db.upkeep.rounds, demo_db.upkeep.checkpoints
    _keep_typing(demo_db, petition_id, "Mương", "thoát nước thôn Nà Pồng bị tắc")
    assert demo_db.upkeep.rounds > rounds, "merged between the words"
    assert demo_db.upkeep.checkpoints == checkpoints, "no checkpoint while she types"
    assert demo_db.upkeep.idle.wait(upkeep.CHECKPOINT_QUIET_SECONDS + 10)
    assert demo_db.upkeep.checkpoints == checkpoints + 1, "one once the typing paused"


def test_a_secretary_who_never_pauses_still_gets_a_checkpoint_now_and_then(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The log must not grow without end through a meeting typed without a two-second pause.
    monkeypatch.setattr(upkeep, "CHECKPOINT_EVERY_SECONDS", 1.0)
    petition_id = _typed_opinion(demo_db, ["Đường"])
    assert demo_db.upkeep.idle.wait(10)
    checkpoints = demo_db.upkeep.checkpoints
    _keep_typing(demo_db, petition_id, "Đường", "liên thôn Nà Pồng xuống cấp nặng đề nghị sửa")
    assert demo_db.upkeep.checkpoints > checkpoints, "checkpointed while she typed"
    raw = sqlite3.connect(demo_db.path)
    try:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        raw.close()


def test_close_stops_the_upkeep_thread(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = Database.open(tmp_path / "x.sqlite", create=True)
    thread = db.upkeep._thread
    assert thread.is_alive()
    db.close()
    assert not thread.is_alive()


def test_a_run_that_only_reads_leaves_the_file_as_it_was(demo_db: Database) -> None:
    # An import's dry run, a search or a report opens the file writable but never commits:
    # the upkeep must not merge or configure anything in it (it did after 0.4 s).
    path = demo_db.path
    demo_db.close()
    before = path.read_bytes()
    db = Database.open(path)
    try:
        with db.reading() as session:
            petitions.list_petitions(session, petitions.PetitionFilter(query="nuoc"), limit=5)
        assert db.upkeep is not None
        db.upkeep._stop.wait(3 * upkeep.IDLE_SECONDS)
        assert db.upkeep.rounds == 0
    finally:
        db.close()
    assert path.read_bytes() == before


def _segments(raw: sqlite3.Connection, table: str) -> int:
    return int(raw.execute(f"SELECT count(DISTINCT segid) FROM {table}_idx").fetchone()[0])


@pytest.mark.parametrize("built_by", ["bulk fill", "revision 0015, then 0026"])
def test_after_a_bulk_build_the_small_merges_never_drag_the_whole_index_along(
    tmp_path: Path, built_by: str
) -> None:
    # An index that fits FTS5's buffer is one segment, which 'optimize' left on level 0 beside
    # the autosaves' small segments: each merge step then ground through the big one 16 pages at
    # a time, the small ones piled up, and the crisis merge finished it inside an autosave's
    # COMMIT (1.6 s on the 100 000-petition history).
    words = "mương thoát nước thôn bản đường điện trường trạm chợ đất lúa giống phân bón cầu kênh".split()
    path = tmp_path / "filled.sqlite"
    db = Database.open(path, create=True)
    try:
        with db.transaction() as session:
            paused = search.pause_index_triggers(session)
            session.connection().exec_driver_sql(
                "INSERT INTO petition (content, search_key, source, kind, status, petitioner_name, position,"
                " raised_at_meeting, petitioner_phone, petitioner_address, petitioner_org, is_group,"
                " is_anonymous, forwarded_to) VALUES (?, ?, 'at_meeting', 'proposal', 'new', ?, 0, 0, '', '',"
                " '', 0, 0, '')",
                [
                    (text_, search.petition_search_key(f"Người số {n}", "", text_), f"Người số {n}")
                    for n in range(5000)
                    for text_ in [
                        " ".join(words[(n * k) % len(words)] + str(n % (k + 7)) for k in range(1, 13))
                    ]
                ],
            )
            search.fill_paused_index(session, paused)
    finally:
        db.close()  # this test drives the merges itself
    if built_by != "bulk fill":
        # What revision 0015 left: 'rebuild' into a buffer that holds it all, then 'optimize'.
        with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as old:
            old.execute("INSERT INTO petition_fts(petition_fts, rank) VALUES ('hashsize', 67108864)")
            old.execute("INSERT INTO petition_fts(petition_fts) VALUES ('rebuild')")
            old.execute("INSERT INTO petition_fts(petition_fts) VALUES ('optimize')")
            old.execute("INSERT INTO petition_fts(petition_fts, rank) VALUES ('hashsize', 1048576)")
            old.execute("UPDATE alembic_version SET version_num = '0025'")
        upgrade_database(path, backup_dir=tmp_path / "backups")
    raw = sqlite3.connect(path, isolation_level=None)
    try:
        big = raw.execute("SELECT count(*) FROM petition_fts_data").fetchone()[0]
        assert big > 12 * upkeep.MERGE_PAGES, "more than the ten merge steps below can rewrite"
        for n in range(40):  # autosaves, a merge step in every pause
            raw.execute("BEGIN IMMEDIATE")
            raw.execute("UPDATE petition SET search_key = search_key || ? WHERE id = 1", (f" chu{n}",))
            raw.execute("COMMIT")
            if n % 4 == 3:
                upkeep.merge_step(raw)
        assert _segments(raw, "petition_fts") <= 6
        raw.execute("INSERT INTO petition_fts(petition_fts, rank) VALUES ('integrity-check', 0)")
        found = raw.execute("SELECT rowid FROM petition_fts WHERE petition_fts MATCH 'chu39'").fetchall()
        assert found == [(1,)]
    finally:
        raw.close()
