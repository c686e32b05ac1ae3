"""Petition lists: filtered and sorted in SQL, searched through one module, keys kept right."""

from __future__ import annotations

import random
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain.rules import AnswerOutcome, DialogueState, PetitionSource, PetitionStatus
from app.domain.text import person_sort_key, sort_key
from app.services import catalog, dialogues, minutes, petitions, search, settings
from app.services.petitions import PETITION_SORTS, PetitionFilter
from app.storage.database import Database
from app.storage.models import Hamlet, Petition

pytestmark = pytest.mark.pg  # the storage and service tests run on PostgreSQL too

TODAY = date(2026, 5, 1)

_FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Đặng",
    "Đỗ",
    "Âu",
    "Ấu",
    "Ưng",
    "Ông",
    "Ơn",
    "Bùi",
    "Hồ",
    "An",
    "Ân",
]
_MIDDLE = ["Văn", "Thị", "Đức", "Hữu", "Ngọc", "Thu", "", "Xuân", "Ánh"]
_GIVEN = [
    "An", "Ăn", "Ân", "Anh", "Ánh", "Bình", "Cường", "Dũng", "Đạt", "Đông", "Em", "Ếch", "Hà", "Hạ", "Hả", "Hã",
    "Hoà", "Hòa", "Hưng", "Hùng", "Lợi", "Lơi", "Lôi", "Ơn", "Ôn", "On", "Ưng", "Ứng", "Ùng", "Uy", "Yến", "Ý",
]  # fmt: skip
_WORDS = [
    "đường", "duong", "điện", "ao", "ăn", "ấm", "ẩm", "ầm", "ấp", "cống", "cộng", "công", "cơm", "cờ", "ưu",
    "ứng", "ống", "ơn", "ê", "ế", "ệ", "đất", "dat", "đắt", "hòa", "hoà", "hỏa", "lúa", "lụa", "nước", "nuốc",
]  # fmt: skip


def _organization(session) -> int:  # type: ignore[no-untyped-def]
    info = settings.save_organization(
        session,
        settings.OrganizationInput(
            name="ỦY BAN NHÂN DÂN XÃ LƯƠNG PHONG",
            place_name="Lương Phong",
            issuer_code="UBND",
            signer_name="Trần Quốc Hưng",
            signer_title="Chủ tịch",
        ),
    )
    catalog.ensure_defaults(session)
    return info.id


@pytest.fixture
def many(db: Database) -> Database:
    """320 petitions whose names and contents exercise a ă â đ ê ô ơ ư and every tone."""
    rng = random.Random(9)
    with db.transaction() as session:
        _organization(session)
        hamlets = [
            catalog.add_entry(session, "hamlet", name).id for name in ("Thôn Bãi Sậy", "Thôn Ấp", "Tổ 3")
        ]
        for n in range(320):
            name = " ".join(w for w in (rng.choice(_FAMILY), rng.choice(_MIDDLE), rng.choice(_GIVEN)) if w)
            words = [rng.choice(_WORDS) for _ in range(rng.randint(1, 5))]
            content = (" ".join(words)).capitalize() if n % 3 else " ".join(words)
            petitions.create_petition(
                session,
                petitions.PetitionInput(
                    content=content, petitioner_name=name, hamlet_id=rng.choice(hamlets), is_anonymous=False
                ),
            )
    return db


def _pages(db: Database, sort: str, descending: bool, size: int = 50) -> list[petitions.PetitionRow]:
    rows: list[petitions.PetitionRow] = []
    with db.reading() as session:
        total = petitions.count_petitions(session)
        for offset in range(0, total + size, size):
            rows += petitions.list_petitions(
                session, sort=sort, descending=descending, offset=offset, limit=size, today=TODAY
            )
    return rows


@pytest.mark.parametrize("descending", [False, True])
def test_pages_sorted_by_content_and_petitioner_are_in_vietnamese_order(
    many: Database, descending: bool
) -> None:
    with many.reading() as session:
        contents = list(session.scalars(select(Petition.content)))
        names = list(session.scalars(select(Petition.petitioner_name)))
    by_content = _pages(many, "content", descending)
    assert len({r.id for r in by_content}) == len(by_content) == 320  # no row twice across pages
    assert [sort_key(r.content) for r in by_content] == sorted(map(sort_key, contents), reverse=descending)
    assert [r.content for r in by_content] == sorted(contents, key=sort_key, reverse=descending) or len(
        set(map(sort_key, contents))
    ) < len(contents)
    by_name = _pages(many, "petitioner", descending)
    assert len({r.id for r in by_name}) == len(by_name) == 320
    assert [person_sort_key(r.petitioner) for r in by_name] == sorted(
        map(person_sort_key, names), reverse=descending
    )
    # Equal keys are broken by id, in the direction asked: pages cannot overlap.
    ties = [(person_sort_key(r.petitioner), r.id) for r in by_name]
    assert ties == sorted(ties, reverse=descending)


def test_every_sort_pages_without_overlap(many: Database) -> None:
    for sort in PETITION_SORTS:
        for descending in (False, True):
            rows = _pages(many, sort, descending, size=70)
            assert len({r.id for r in rows}) == len(rows) == 320, (sort, descending)
    with pytest.raises(ValueError):
        _pages(many, "colour", False)


def test_search_matches_words_in_any_order_and_the_last_as_prefix(many: Database) -> None:
    with many.transaction() as session:
        target = petitions.create_petition(
            session,
            petitions.PetitionInput(
                content="Sửa cống thoát nước xóm Chùa", petitioner_name="Hoàng Minh Khôi"
            ),
        )
    with many.reading() as session:
        for query in ("khoi hoang", "Khôi cống", "thoat nuoc chu", "HOÀNG khô"):
            found = petitions.list_petitions(session, PetitionFilter(query=query))
            assert found and found[0].id == target, query
            assert petitions.count_petitions(session, PetitionFilter(query=query)) == len(found)
        assert petitions.list_petitions(session, PetitionFilter(query="!!!")) == petitions.list_petitions(
            session
        )
        assert search.match_expression('Đặng "hoà') == '"dang" "hoa"*'


def test_renaming_a_hamlet_rekeys_its_petitions_at_once(many: Database) -> None:
    with many.transaction() as session:
        hamlet_id = session.scalar(select(Hamlet.id).where(Hamlet.name == "Thôn Bãi Sậy"))
        assert hamlet_id is not None
        before = petitions.count_petitions(session, PetitionFilter(hamlet_id=hamlet_id))
        loaded = session.scalars(select(Petition).where(Petition.hamlet_id == hamlet_id)).first()
        assert loaded is not None
        catalog.rename_entry(session, "hamlet", hamlet_id, "Thôn Hướng Dương")
        assert "thon huong duong" in loaded.search_key and loaded not in session.dirty
        # Found in the same transaction, before the commit.
        assert petitions.count_petitions(session, PetitionFilter(query="huong duong")) == before > 0
    with many.reading() as session:
        found = petitions.list_petitions(session, PetitionFilter(query="hướng dương"))
        assert len(found) == before and {r.hamlet for r in found} == {"Thôn Hướng Dương"}
        assert petitions.count_petitions(session, PetitionFilter(query="bai say")) == 0
        assert search.refresh_all_keys(session) == 0  # nothing was left stale


def test_filters_narrow_the_list_and_the_count_agrees(db: Database) -> None:
    with db.transaction() as session:
        org = _organization(session)
        hamlet = catalog.add_entry(session, "hamlet", "Thôn Đông").id
        field_id = catalog.list_entries(session, "field")[0].id
        unit_a, unit_b = (u.id for u in catalog.list_entries(session, "unit")[:2])
        held = dialogues.create_dialogue(
            session,
            dialogues.DialogueInput(
                organization_id=org, title="Năm 2025", scheduled_at=datetime(2026, 1, 3, 8)
            ),
        )
        dialogue = session.get(minutes.Dialogue, held)
        assert dialogue is not None
        dialogue.started_at, dialogue.state = datetime(2025, 12, 30, 8), DialogueState.CLOSED  # held early
        later = dialogues.create_dialogue(
            session,
            dialogues.DialogueInput(
                organization_id=org, title="Năm 2026", scheduled_at=datetime(2026, 4, 1, 8)
            ),
        )
        ids = []
        for n, (dialogue_id, unit, deadline) in enumerate(
            [
                (held, unit_a, date(2026, 4, 20)),  # overdue on TODAY
                (held, unit_b, date(2026, 5, 5)),  # near due
                (later, unit_a, date(2026, 7, 1)),  # in time
                (later, None, None),  # not assigned
            ]
        ):
            ident = petitions.create_petition(
                session,
                petitions.PetitionInput(
                    content=f"Ý kiến số {n}",
                    petitioner_name=f"Người {n}",
                    dialogue_id=dialogue_id,
                    hamlet_id=hamlet if n % 2 else None,
                    field_id=field_id if n < 2 else None,
                ),
            )
            if unit is not None and deadline is not None:
                petitions.add_answer(session, ident, content="Giao", outcome=AnswerOutcome.ASSIGNED)
                petitions.assign(session, ident, lead_unit_id=unit, deadline=deadline)
            ids.append(ident)

    def listed(flt: PetitionFilter) -> list[int]:
        with db.reading() as session:
            rows = petitions.list_petitions(session, flt, today=TODAY)
            assert petitions.count_petitions(session, flt, today=TODAY) == len(rows)
        return sorted(r.id for r in rows)

    assert listed(PetitionFilter(year=2025)) == ids[:2]  # the day it was held, not the schedule
    assert listed(PetitionFilter(year=2026)) == ids[2:]
    assert listed(PetitionFilter(dialogue_id=later)) == ids[2:]
    assert listed(PetitionFilter(field_id=field_id)) == ids[:2]
    assert listed(PetitionFilter(hamlet_id=hamlet)) == [ids[1], ids[3]]
    assert listed(PetitionFilter(unit_id=unit_a)) == [ids[0], ids[2]]
    assert listed(PetitionFilter(statuses=(PetitionStatus.NEW,))) == [ids[3]]
    assert listed(PetitionFilter(due="overdue")) == [ids[0]]
    assert listed(PetitionFilter(due="near")) == [ids[1]]
    assert listed(PetitionFilter(due="near", unit_id=unit_a)) == []
    with db.reading() as session:
        by_deadline = petitions.list_petitions(session, sort="deadline", today=TODAY)
        assert [r.id for r in by_deadline] == [ids[0], ids[1], ids[2], ids[3]]  # none last
        backwards = petitions.list_petitions(session, sort="deadline", descending=True, today=TODAY)
        assert [r.id for r in backwards] == [ids[2], ids[1], ids[0], ids[3]]  # none still last
        newest = petitions.list_petitions(session, today=TODAY)
        assert [r.id for r in newest] == [ids[2], ids[3], ids[0], ids[1]]  # newest dialogue, then position
        oldest = petitions.list_petitions(session, descending=True, today=TODAY)
        assert [r.id for r in oldest] == [ids[1], ids[0], ids[3], ids[2]]


def test_a_thon_typed_live_joins_the_catalogue_only_when_the_opinion_is_finished(db: Database) -> None:
    with db.transaction() as session:
        org = _organization(session)
        catalog.add_entry(session, "hamlet", "Thôn Đông")
        dialogue_id = dialogues.create_dialogue(
            session,
            dialogues.DialogueInput(
                organization_id=org, title="Hội nghị", scheduled_at=datetime(2026, 5, 1, 8)
            ),
        )
        minutes.start_dialogue(session, dialogue_id, now=datetime(2026, 5, 1, 8, 5))
        petition_id, _entry = minutes.record_opinion(
            session, dialogue_id, minutes.OpinionInput(petitioner_name="Lê Văn Tám", hamlet="Thôn N")
        )
    for typed in ("Thôn Nộ", "Thôn Nội"):  # the autosave while the name is typed
        with db.transaction() as session:
            minutes.update_opinion(
                session,
                petition_id,
                minutes.OpinionInput(petitioner_name="Lê Văn Tám", hamlet=typed, content="Đường hỏng"),
            )
    with db.reading() as session:
        assert [h.name for h in session.scalars(select(Hamlet))] == ["Thôn Đông"]
        (row,) = petitions.list_petitions(session, PetitionFilter(query="thon noi"))
        assert row.id == petition_id and row.hamlet == "Thôn Nội"
        petition = session.get(Petition, petition_id)
        assert petition is not None and "thon noi" in petition.search_key
        live = minutes.live_dialogue(session, dialogue_id)
        assert live.opinions[0].hamlet == "Thôn Nội"
    with db.transaction() as session:
        created = minutes.finish_opinion(session, petition_id)
        assert minutes.finish_opinion(session, petition_id) is None  # nothing more to add
    with db.reading() as session:
        names = [h.name for h in session.scalars(select(Hamlet).order_by(Hamlet.id))]
        assert names == ["Thôn Đông", "Thôn Nội"]
        assert created == session.scalar(select(Hamlet.id).where(Hamlet.name == "Thôn Nội"))
        petition = session.get(Petition, petition_id)
        assert petition is not None and petition.hamlet_id == created and petition.hamlet_text == ""
        (row,) = petitions.list_petitions(session, PetitionFilter(hamlet_id=created))
        assert row.hamlet == "Thôn Nội"
    # A known name, typed without accents, links at once and adds nothing.
    with db.transaction() as session:
        other, _ = minutes.record_opinion(
            session, dialogue_id, minutes.OpinionInput(petitioner_name="B", hamlet="thon dong")
        )
        assert minutes.finish_opinion(session, other) is None
        assert session.scalar(select(func.count()).select_from(Hamlet)) == 2


def test_dialogues_sort_in_sql_by_date_title_and_state(db: Database) -> None:
    with db.transaction() as session:
        org = _organization(session)
        specs = [
            ("Đông Hải", datetime(2026, 3, 1, 8), None),
            ("Dương Xá", datetime(2026, 2, 1, 8), datetime(2026, 4, 1, 8)),  # held after the schedule
            ("Ấp Bắc", datetime(2026, 5, 1, 8), None),
            ("An Lạc", None, None),  # by quarter only
            ("Ăn Thề", datetime(2026, 1, 1, 8), None),
        ]
        ids = {}
        for title, scheduled, started in specs:
            ident = dialogues.create_dialogue(
                session,
                dialogues.DialogueInput(
                    organization_id=org, title=title, scheduled_at=scheduled, quarter=None if scheduled else 2
                ),
            )
            if started is not None:
                minutes.start_dialogue(session, ident, now=started)
            ids[title] = ident

    def titles(sort: str, descending: bool = False) -> list[str]:
        with db.reading() as session:
            return [
                r.title
                for r in dialogues.list_dialogues(session, sort=sort, descending=descending, today=TODAY)
            ]

    assert titles("default") == ["Ấp Bắc", "Đông Hải", "Dương Xá", "Ăn Thề", "An Lạc"]
    assert titles("date") == ["Ăn Thề", "Đông Hải", "Dương Xá", "Ấp Bắc", "An Lạc"]
    assert titles("date", descending=True) == ["Ấp Bắc", "Dương Xá", "Đông Hải", "Ăn Thề", "An Lạc"]
    assert titles("title") == ["An Lạc", "Ăn Thề", "Ấp Bắc", "Dương Xá", "Đông Hải"]
    assert titles("title", descending=True) == ["Đông Hải", "Dương Xá", "Ấp Bắc", "Ăn Thề", "An Lạc"]
    assert titles("state")[0] == "Dương Xá"  # the running one before the planned ones
    with db.reading() as session:  # the pick lists: the same order, the day it was held
        assert [(c.label, c.year) for c in dialogues.dialogue_choices(session)] == [
            ("08:00 01/5/2026 – Ấp Bắc", 2026),
            ("08:00 01/3/2026 – Đông Hải", 2026),
            ("08:00 01/4/2026 – Dương Xá", 2026),
            ("08:00 01/01/2026 – Ăn Thề", 2026),
            ("Quý II – An Lạc", None),
        ]
    with db.reading() as session:
        tones = {r.title: r.tone for r in dialogues.list_dialogues(session, today=date(2026, 4, 24))}
    assert tones["Ấp Bắc"] == "warning"  # in 7 days: near due, the notice not late yet
    with db.transaction() as session:
        settings.set_near_due_days(session, 3)
    with db.reading() as session:
        tones = {r.title: r.tone for r in dialogues.list_dialogues(session, today=date(2026, 4, 24))}
    assert tones["Ấp Bắc"] is None


def test_plans_sort_by_title_in_vietnamese_order(db: Database) -> None:
    from app.services import plans
    from app.storage.models import Plan

    with db.transaction() as session:
        org = _organization(session)
        for year, title in (
            (2024, "Đối thoại quý I"),
            (2025, "Dân vận khéo"),
            (2026, "Ấp chiến lược"),
            (2023, "An toàn"),
        ):
            session.add(Plan(organization_id=org, year=year, symbol="KH-UBND", title=title))
    with db.reading() as session:
        assert [p.year for p in plans.list_plans(session)] == [2026, 2025, 2024, 2023]
        by_title = [p.title for p in plans.list_plans(session, sort="title")]
        assert by_title == ["An toàn", "Ấp chiến lược", "Dân vận khéo", "Đối thoại quý I"]
        assert [p.title for p in plans.list_plans(session, sort="title", descending=True)] == by_title[::-1]


def test_list_rows_read_with_plain_queries_equal_the_rows_of_loaded_petitions(demo_db: Database) -> None:
    """The lists' column queries and the ORM path give the same row for every demo petition."""
    from app.services.petitions import PETITION_LOAD, petition_row, petition_rows

    today = date(2026, 11, 20)
    with demo_db.reading() as session:
        loaded = session.scalars(
            select(Petition)
            .where(Petition.deleted_at.is_(None))
            .options(*PETITION_LOAD)
            .order_by(Petition.id)
        ).all()
        assert len(loaded) > 20
        near = settings.near_due_days(session)
        expected = [petition_row(p, today, near) for p in loaded]
        ids = [p.id for p in reversed(loaded)]  # the order asked for is kept
        got = petition_rows(session, ids, today=today)
    assert got == list(reversed(expected))
    # The demo has the cases that matter: assignments, answers, resolved ones and overdue ones.
    assert any(row.lead_unit for row in got) and any(row.answers for row in got)
    assert len({row.standing for row in got}) >= 3


def test_the_stored_deadline_and_lead_unit_follow_every_change_of_the_assignments(demo_db: Database) -> None:
    from app.domain.standing import AssignmentFacts, petition_deadline
    from app.domain.text import collation_key
    from app.services import followup
    from app.storage.models import Assignment, Unit

    def stored_equals_the_rule() -> None:
        with demo_db.reading() as session:
            for petition in session.scalars(select(Petition)):
                parts = sorted(petition.assignments, key=lambda a: a.id)
                assert petition.due_on == petition_deadline(
                    [AssignmentFacts(a.deadline, a.finished_on) for a in parts]
                ), petition.id
                assert petition.lead_unit_sort == (parts[-1].lead_unit.sort_key if parts else ""), petition.id

    stored_equals_the_rule()
    with demo_db.reading() as session:
        open_one = session.scalars(
            select(Petition).where(Petition.status == PetitionStatus.NEW, Petition.deleted_at.is_(None))
        ).first()
        assert open_one is not None
        units = session.scalars(select(Unit).order_by(Unit.id)).all()
        first, second = units[0].id, units[1].id
    with demo_db.transaction() as session:
        followup.reassign(
            session, open_one.id, lead_unit_id=first, deadline=date(2026, 12, 20), task="Kiểm tra"
        )
    stored_equals_the_rule()
    with demo_db.transaction() as session:
        followup.extend_deadline(session, open_one.id, deadline=date(2027, 1, 15), reason="Chờ kinh phí")
    stored_equals_the_rule()
    with demo_db.transaction() as session:
        followup.reassign(
            session, open_one.id, lead_unit_id=second, deadline=date(2027, 2, 1), task="Giao lại"
        )
    stored_equals_the_rule()
    with demo_db.transaction() as session:  # a unit renamed: its petitions sort under the new name
        unit = session.get(Unit, second)
        assert unit is not None
        unit.name = "Ăn uống thử đổi tên"
    stored_equals_the_rule()
    with demo_db.reading() as session:
        assert session.get(Petition, open_one.id).lead_unit_sort == collation_key("Ăn uống thử đổi tên")  # type: ignore[union-attr]
    with demo_db.transaction() as session:  # the last unfinished part finished: no deadline runs
        for assignment in session.scalars(select(Assignment).where(Assignment.petition_id == open_one.id)):
            assignment.finished_on = date(2026, 12, 1)
    stored_equals_the_rule()


@pytest.mark.parametrize("descending", [False, True])
def test_pages_by_deadline_cross_from_dated_to_undated_petitions_in_order(
    demo_db: Database, descending: bool
) -> None:
    from app.domain.standing import AssignmentFacts, petition_deadline

    with demo_db.reading() as session:
        everyone = session.scalars(select(Petition).where(Petition.deleted_at.is_(None))).all()
        deadlines = {
            p.id: petition_deadline([AssignmentFacts(a.deadline, a.finished_on) for a in p.assignments])
            for p in everyone
        }
        dated = sorted(
            (i for i in deadlines if deadlines[i]), key=lambda i: (deadlines[i], i), reverse=descending
        )
        undated = sorted((i for i in deadlines if not deadlines[i]), reverse=descending)
        assert dated and undated, "the demo has both kinds"
        pages: list[int] = []
        offset = 0
        while True:
            rows = petitions.list_petitions(
                session, PetitionFilter(), sort="deadline", descending=descending, offset=offset, limit=7
            )
            pages += [row.id for row in rows]
            offset += 7
            if len(rows) < 7:
                break
    assert pages == dated + undated  # no deadline last in either direction, no overlap, no gap


def test_a_group_entered_without_a_persons_name_is_shown_and_sorted_as_nhom_cong_dan(db: Database) -> None:
    """A group is often typed with its organisation only: its Người nêu was blank in the lists."""
    with db.transaction() as session:
        org = _organization(session)
        dialogue_id = dialogues.create_dialogue(
            session,
            dialogues.DialogueInput(
                organization_id=org, title="Hội nghị", scheduled_at=datetime(2026, 5, 1, 8)
            ),
        )
        for name, group, anonymous in (("Lê Thị Nhàn", False, False), ("", True, False), ("", False, True)):
            petitions.create_petition(
                session,
                petitions.PetitionInput(
                    content="Đề nghị nạo vét mương Nà Pục",
                    petitioner_name=name,
                    petitioner_org="Chi hội Nông dân thôn Nà Pục" if group else "",
                    is_group=group,
                    is_anonymous=anonymous,
                    dialogue_id=dialogue_id,
                    source=PetitionSource.COLLECTED,
                ),
            )
    with db.reading() as session:
        rows = petitions.list_petitions(session, sort="petitioner", today=TODAY)
        # By tên, as names sort: «Ẩn danh» under «danh», «Nhóm công dân» under «dân», then «Nhàn».
        assert [r.petitioner for r in rows] == ["Ẩn danh", "Nhóm công dân", "Lê Thị Nhàn"]
        hits = search.search_everything(session, "na puc", kinds=[search.SearchKind.PETITION]).hits
        assert sorted(h.title.split(" – ")[0] for h in hits) == ["Lê Thị Nhàn", "Nhóm công dân", "Ẩn danh"]
    with db.transaction() as session:
        minutes.start_dialogue(session, dialogue_id, now=datetime(2026, 5, 1, 8, 5))
        collected = minutes.live_dialogue(session, dialogue_id).collected
        assert {(o.petitioner, o.petitioner_name) for o in collected} == {
            ("Lê Thị Nhàn", "Lê Thị Nhàn"),
            ("Nhóm công dân", ""),  # the live editor's name field stays empty
            ("Ẩn danh", ""),
        }


def test_revision_0027_gives_the_groups_written_before_it_their_sort_key(tmp_path: Path) -> None:
    import sqlite3

    from app.domain.text import person_collation_key

    path = tmp_path / "old.sqlite"
    db = Database.open(path, create=True)
    with db.transaction() as session:
        _organization(session)
        for name, group in (("", True), ("Lê Thị Nhàn", True), ("", False)):
            petitions.create_petition(
                session,
                petitions.PetitionInput(
                    content="Nạo vét mương",
                    petitioner_name=name,
                    is_group=group,
                    is_anonymous=not (name or group),
                ),
            )
    db.close()
    with sqlite3.connect(path) as conn:  # as 0026 left them: keyed as a blank name
        conn.execute("UPDATE petition SET petitioner_sort = ? WHERE is_group = 1 AND petitioner_name = ''",
                     (person_collation_key(""),))  # fmt: skip
        conn.execute("UPDATE alembic_version SET version_num = '0026'")
    conn.close()
    db = Database.open(path)
    try:
        with db.reading() as session:
            keys = session.execute(
                select(Petition.petitioner_name, Petition.is_group, Petition.petitioner_sort).order_by(
                    Petition.id
                )
            ).all()
    finally:
        db.close()
    assert keys == [
        ("", True, person_collation_key("Nhóm công dân")),
        ("Lê Thị Nhàn", True, person_collation_key("Lê Thị Nhàn")),
        ("", False, person_collation_key("Ẩn danh")),
    ]
