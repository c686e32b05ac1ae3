"""Search across kinds: tone-, case- and đ-insensitive, any order, prefix, ranked, grouped, kept right by triggers."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from app.cli import main
from app.domain.rules import AnswerOutcome, MinuteKind, PetitionStatus
from app.services import petitions
from app.services.search import (
    SavedSearch,
    SearchFilter,
    SearchKind,
    delete_saved_search,
    save_search,
    saved_searches,
    search_everything,
    snippet,
)
from app.storage.database import Database
from app.storage.models import Answer, Conclusion, Hamlet, MinuteEntry, Plan
from tests.app.report_samples import ReportCommune, build_report_commune

pytestmark = pytest.mark.pg  # the storage and service tests run on PostgreSQL too


@pytest.fixture
def commune(db: Database) -> tuple[Database, ReportCommune]:
    with db.transaction() as session:
        c = build_report_commune(session)
        p = c.petitions
        petitions.add_answer(
            session,
            p["in_time"],
            content="Xã sẽ khảo sát tuyến mương nội đồng trong quý II.",
            outcome=AnswerOutcome.ASSIGNED,
        )
        petitions.record_update(
            session, p["on_time"], on=date(2026, 4, 15), result="Đã cấp giấy chứng nhận cho hộ ông Cường.",
            status_after=PetitionStatus.RESOLVED, reply_number="12/BC-ĐCXD",
        )  # fmt: skip
        session.add_all(
            [
                MinuteEntry(dialogue_id=c.dialogues["d1"], position=90, at=datetime(2026, 3, 5, 9, 10),
                            kind=MinuteKind.NOTE, speaker="Chủ tọa", content="Đề nghị giữ trật tự hội trường"),
                Conclusion(dialogue_id=c.dialogues["d1"], position=1, content="Giao Công an xã xử lý lấn chiếm vỉa hè"),
                Plan(organization_id=c.commune.org_id, year=2026, number=5, symbol="KH-UBND",
                     title="Kế hoạch tổ chức đối thoại với Nhân dân năm 2026"),
            ]
        )  # fmt: skip
    return db, c


def _kinds(results: object) -> list[SearchKind]:
    return [k for k, _h in results.groups]  # type: ignore[attr-defined]


def test_without_tones_in_any_order_and_as_a_prefix(commune: tuple[Database, ReportCommune]) -> None:
    db, c = commune
    with db.reading() as session:
        found = search_everything(session, "dat thua ranh gioi")
        assert found.groups[0][0] is SearchKind.PETITION
        assert found.groups[0][1][0].id == c.petitions["reopened"]
        assert search_everything(session, "Đặng Văn Đức").hits[0].id == c.petitions["overdue"]
        assert search_everything(session, "DANG VAN duc").hits[0].id == c.petitions["overdue"]
        assert (
            search_everything(session, "dang van du").hits[0].id == c.petitions["overdue"]
        )  # prefix while typing
        answer = search_everything(session, "mương khảo sát", kinds=[SearchKind.ANSWER]).hits
        assert [(h.kind, h.petition_id) for h in answer] == [(SearchKind.ANSWER, c.petitions["in_time"])]
        update = search_everything(session, "giay chung nhan ong cuong", kinds=[SearchKind.UPDATE]).hits[0]
        assert update.petition_id == c.petitions["on_time"] and update.title == "Văn bản 12/BC-ĐCXD"
        assert update.day == date(2026, 4, 15) and update.dialogue_title.startswith("Hội nghị đối thoại")
        minute = search_everything(session, "trat tu hoi truong").groups
        assert SearchKind.MINUTE in [k for k, _h in minute]
        assert (
            search_everything(session, "lan chiem via he", kinds=[SearchKind.CONCLUSION]).hits[0].dialogue_id
            == c.dialogues["d1"]
        )
        plan = search_everything(session, "ke hoach doi thoai 2026", kinds=[SearchKind.PLAN]).hits[0]
        assert plan.title == "Kế hoạch số 5/KH-UBND" and plan.plan_id == plan.id
        person = search_everything(session, "tran thi binh").groups
        assert (SearchKind.PERSON, "Trần Thị Bình, Phó Chủ tịch UBND xã") in [
            (k, h[0].snippet) for k, h in person
        ]
        hamlet = search_everything(session, "thon tay", kinds=[SearchKind.HAMLET]).hits
        assert [h.snippet for h in hamlet] == ["Thôn Tây"]


def test_matching_words_are_marked_with_their_tones(commune: tuple[Database, ReportCommune]) -> None:
    db, _c = commune
    with db.reading() as session:
        hit = search_everything(session, "dat thua", kinds=[SearchKind.PETITION]).hits[0]
    assert hit.marked() == "Tranh chấp ranh giới [thửa] [đất]"
    text, marks = snippet("x " * 200 + "đường làng", "duong")
    assert text.startswith("…") and text[marks[0][0] : marks[0][1]] == "đường"


def test_every_change_keeps_the_index_right(commune: tuple[Database, ReportCommune]) -> None:
    db, c = commune
    with db.transaction() as session:
        answer = session.query(Answer).filter_by(petition_id=c.petitions["in_time"]).one()
        answer.content = "Xã sẽ nạo vét kênh tưới"
        minute = session.query(MinuteEntry).filter_by(position=90).one()
        minute.deleted_at = datetime(2026, 3, 5, 10)
        hamlet = session.get(Hamlet, c.commune.hamlets["tay"])
        assert hamlet is not None
        hamlet.name = "Thôn Bắc Sơn"
        # Inside the same transaction the new words are found already.
        assert search_everything(session, "kenh tuoi", kinds=[SearchKind.ANSWER]).hits
    with db.reading() as session:
        assert not search_everything(session, "khao sat", kinds=[SearchKind.ANSWER]).hits
        assert not search_everything(session, "trat tu hoi truong", kinds=[SearchKind.MINUTE]).hits
        assert [h.snippet for h in search_everything(session, "bac son", kinds=[SearchKind.HAMLET]).hits] == [
            "Thôn Bắc Sơn"
        ]
        assert not search_everything(session, "thon tay", kinds=[SearchKind.HAMLET]).hits


def test_a_bulk_load_with_the_triggers_paused_is_found_as_if_they_had_run(
    commune: tuple[Database, ReportCommune],
) -> None:
    """benchmarks/history.py writes in bulk with the index triggers set aside, then fills the indexes."""
    from app.services.search import fill_paused_index, pause_index_triggers

    db, c = commune
    with db.transaction() as session:
        paused = pause_index_triggers(session)
    with db.transaction() as session:
        answer = session.query(Answer).filter_by(petition_id=c.petitions["in_time"]).one()
        answer.content = "Xã sẽ nạo vét kênh tưới"
        minute = session.query(MinuteEntry).filter_by(position=90).one()
        minute.deleted_at = datetime(2026, 3, 5, 10)
        session.add(
            MinuteEntry(dialogue_id=c.dialogues["d1"], position=91, at=datetime(2026, 3, 5, 9, 20),
                        kind=MinuteKind.NOTE, speaker="Thư ký", content="Đại biểu hỏi về giếng khoan")
        )  # fmt: skip
        hamlet = session.get(Hamlet, c.commune.hamlets["tay"])
        assert hamlet is not None
        hamlet.name = "Thôn Bắc Sơn"
        session.delete(session.query(Conclusion).filter_by(position=1).one())
    with db.transaction() as session:
        fill_paused_index(session, paused)
    with db.transaction() as session:  # the triggers are back
        session.add(Conclusion(dialogue_id=c.dialogues["d1"], position=2, content="Sửa cầu treo bản Mông"))
    with db.reading() as session:
        assert search_everything(session, "kenh tuoi", kinds=[SearchKind.ANSWER]).hits
        assert not search_everything(session, "khao sat", kinds=[SearchKind.ANSWER]).hits
        assert not search_everything(session, "trat tu hoi truong", kinds=[SearchKind.MINUTE]).hits
        assert search_everything(session, "gieng khoan", kinds=[SearchKind.MINUTE]).hits
        assert [h.snippet for h in search_everything(session, "bac son", kinds=[SearchKind.HAMLET]).hits] == [
            "Thôn Bắc Sơn"
        ]
        assert not search_everything(session, "thon tay", kinds=[SearchKind.HAMLET]).hits
        assert search_everything(session, "cau treo", kinds=[SearchKind.CONCLUSION]).hits
        assert search_everything(session, "dat thua ranh gioi").hits[0].id == c.petitions["reopened"]
        assert not search_everything(session, "lan chiem via he", kinds=[SearchKind.CONCLUSION]).hits
        assert search_everything(session, "Đặng Văn Đức").hits[0].id == c.petitions["overdue"]


def test_filters_combine_with_the_words_and_searches_can_be_saved(
    commune: tuple[Database, ReportCommune],
) -> None:
    db, c = commune
    overdue_land = SearchFilter(field_id=c.commune.fields["gt"], due="overdue")
    with db.reading() as session:
        found = search_everything(session, "lan chiem", flt=overdue_land)
        assert _kinds(found) == [SearchKind.PETITION]
        assert [h.id for h in found.hits] == [c.petitions["overdue"]]
        assert not search_everything(session, "lan chiem", flt=SearchFilter(year=2025)).hits
        assert (
            search_everything(session, "dat o xen ket", flt=SearchFilter(year=2025)).hits[0].id
            == c.petitions["d0_pending"]
        )
    with db.transaction() as session:
        save_search(session, SavedSearch("Lấn chiếm quá hạn", "lan chiem", overdue_land))
        save_search(
            session, SavedSearch("Kiến nghị đất đai", "dat", SearchFilter(field_id=c.commune.fields["dat"]))
        )
        save_search(
            session, SavedSearch("lấn chiếm quá hạn", "lan chiem via he", overdue_land)
        )  # replaces by name
    with db.reading() as session:
        saved = saved_searches(session)
        assert [s.name for s in saved] == ["Kiến nghị đất đai", "lấn chiếm quá hạn"]
        assert saved[1].flt == overdue_land and saved[1].query == "lan chiem via he"
    with db.transaction() as session:
        delete_saved_search(session, "Kiến nghị đất đai")
    with db.reading() as session:
        assert [s.name for s in saved_searches(session)] == ["lấn chiếm quá hạn"]


def test_minute_lines_newest_first_petitions_by_relevance(commune: tuple[Database, ReportCommune]) -> None:
    """Dated records (minute lines, answers, results) come newest first; petitions by bm25."""
    db, c = commune
    with db.transaction() as session:
        lines = [
            MinuteEntry(dialogue_id=c.dialogues["d1"], position=100 + n, at=datetime(2026, 3, 5, 10, n),
                        kind=MinuteKind.NOTE, speaker="Thư ký", content=f"Tiếng ồn karaoke lần {n}")
            for n in range(3)
        ]  # fmt: skip
        session.add_all(lines)
        session.flush()
        ids = [line.id for line in lines]
        short = petitions.create_petition(
            session,
            petitions.PetitionInput(
                dialogue_id=c.dialogues["d1"], content="Karaoke ồn ào", petitioner_name="Lò Văn Sáu"
            ),
        )
        petitions.create_petition(
            session,
            petitions.PetitionInput(
                dialogue_id=c.dialogues["d1"],
                content="Đề nghị xã xem xét nhiều việc: đường làng, kênh mương, điện, nước và cả karaoke",
                petitioner_name="Lò Thị Bảy",
            ),
        )
    with db.reading() as session:
        minute = search_everything(session, "karaoke", kinds=[SearchKind.MINUTE]).hits
        assert [h.id for h in minute] == ids[::-1]
        found = search_everything(session, "karaoke", kinds=[SearchKind.PETITION]).hits
        assert found[0].id == short  # the newer but longer one ranks below: bm25, not time
        filtered = search_everything(
            session, "karaoke", kinds=[SearchKind.MINUTE], flt=SearchFilter(year=2026)
        )
        assert [h.id for h in filtered.hits] == ids[::-1]


@pytest.mark.sqlite_only  # the command line opens a file (--db PATH)
def test_cli_search_json(commune: tuple[Database, ReportCommune], capsys: pytest.CaptureFixture[str]) -> None:
    db, c = commune
    path = str(db.path)
    db.close()
    assert main(["search", "--db", path, "dang van duc", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (
        out["groups"][0]["kind"] == "petition" and out["groups"][0]["hits"][0]["id"] == c.petitions["overdue"]
    )
    assert main(["search", "--db", path, "giấy chứng nhận", "--kind", "update"]) == 0
    printed = capsys.readouterr().out
    assert "Kết quả giải quyết" in printed and "[giấy] [chứng] [nhận]" in printed


def test_revision_0009_indexes_what_was_typed_before(tmp_path: Path) -> None:
    import sqlite3

    from app.storage.migrate import upgrade_database

    target = tmp_path / "old.sqlite"
    upgrade_database(target, target="0006", backup_dir=tmp_path / "backups")
    with sqlite3.connect(target) as conn:
        conn.execute(
            "INSERT INTO hamlet (id, name, active, position, sort_key) VALUES (1, 'Thôn Đồng Tâm', 1, 1, '')"
        )
        conn.execute(
            "INSERT INTO leader (id, full_name, title, active, position) VALUES (1, 'Đặng Thị Hoa', 'Chủ tịch', 1, 1)"
        )
    conn.close()
    upgrade_database(target, backup_dir=tmp_path / "backups")
    db = Database.open(target)
    try:
        with db.reading() as session:
            assert [h.snippet for h in search_everything(session, "dong tam").hits] == ["Thôn Đồng Tâm"]
            assert search_everything(session, "DANG thi hoa").hits[0].kind is SearchKind.PERSON
    finally:
        db.close()


def test_revision_0015_keeps_what_was_indexed_and_goes_back(tmp_path: Path) -> None:
    """0009's single index becomes one per kind (prefix indexes too); downgrading restores 0009's."""
    import sqlite3

    from alembic import command

    from app.storage.engine import make_engine
    from app.storage.migrate import alembic_config, upgrade_database

    target = tmp_path / "old.sqlite"
    upgrade_database(target, target="0009", backup_dir=tmp_path / "backups")
    with sqlite3.connect(target) as conn:
        conn.execute(
            "INSERT INTO hamlet (id, name, active, position, sort_key) VALUES (1, 'Thôn Đồng Tâm', 1, 1, '')"
        )
        conn.execute(
            "INSERT INTO leader (id, full_name, title, active, position) VALUES (1, 'Nguyễn Thị Hoa', 'Chủ tịch', 1, 1)"
        )
    conn.close()
    upgrade_database(target, backup_dir=tmp_path / "backups")
    with sqlite3.connect(target) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE sql LIKE '%USING fts5%'")}
        assert (
            "search_fts" not in tables
            and {"search_fts_hamlet", "search_fts_person", "petition_fts"} <= tables
        )
        assert all("prefix='1 2 3 4 5 6'" in sql for (sql,) in conn.execute(
            "SELECT sql FROM sqlite_master WHERE sql LIKE '%USING fts5%'"
        ))  # fmt: skip
        # Typed after the upgrade: the triggers index it; a deleted minute line is not found.
        conn.execute(
            "INSERT INTO hamlet (id, name, active, position, sort_key) VALUES (2, 'Tổ dân phố Nguyễn Trãi', 1, 2, '')"
        )
    conn.close()
    db = Database.open(target)
    try:
        with db.reading() as session:
            assert [h.snippet for h in search_everything(session, "dong tam").hits] == ["Thôn Đồng Tâm"]
            assert [h.kind for h in search_everything(session, "nguy").hits] == [
                SearchKind.PERSON,
                SearchKind.HAMLET,
            ]
            assert search_everything(session, "NGUYEN thi h").hits[0].snippet == "Nguyễn Thị Hoa, Chủ tịch"
    finally:
        db.close()
    config = alembic_config()
    engine = make_engine(target, foreign_keys=False)
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0009")
    finally:
        engine.dispose()
    with sqlite3.connect(target) as conn:
        hamlets = conn.execute(
            "SELECT rowid - 8 * 4294967296 FROM search_fts WHERE search_fts MATCH 'nguyen trai'"
        ).fetchall()
        assert hamlets == [(2,)]
        left = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 'search_fts_hamlet%'"
        ).fetchone()
        assert left == (0,)
    conn.close()


def test_an_old_petition_that_says_it_best_is_found_among_hundreds_of_newer(db: Database) -> None:
    """Ranking covers every match, not only the newest few hundred: the list's search box and
    search everywhere both put first the old, short petition about the word asked for."""
    with db.transaction() as session:
        best = petitions.create_petition(
            session,
            petitions.PetitionInput(
                content="Kênh mương bị lấp, đề nghị nạo vét kênh mương", petitioner_name="Hà Văn Một"
            ),
        )
        for n in range(400):  # newer, longer, each mentioning it once
            petitions.create_petition(
                session,
                petitions.PetitionInput(
                    content=f"Đề nghị xã xem xét đường làng, điện chiếu sáng, nước sạch, rác thải và kênh mương số {n}",
                    petitioner_name=f"Người thứ {n}",
                ),
            )
    with db.reading() as session:
        (hits,) = [h for k, h in search_everything(session, "kenh muong", kinds=[SearchKind.PETITION]).groups]
        assert hits[0].id == best
        rows = petitions.list_petitions(session, petitions.PetitionFilter(query="kênh mương"), limit=50)
        assert rows[0].id == best
        page_two = petitions.list_petitions(
            session, petitions.PetitionFilter(query="kênh mương"), offset=50, limit=50
        )
        assert len(page_two) == 50 and not {r.id for r in rows} & {
            r.id for r in page_two
        }  # pages never overlap
