"""A form loaded minutes ago never overwrites another PC's save; each commune keeps its own lists.

Runs on SQLite and, with DOITHOAI_TEST_PG_URL, on PostgreSQL.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from app.errors import EditConflict
from app.services import audit, catalog, followup, petitions, plans, province, reports, users
from app.storage.database import Database
from app.storage.migrate import upgrade_database
from app.storage.models import AuditEvent, Hamlet, Petition, Plan
from tests.app.test_communes import _second_commune, _sign_in_as
from tests.conftest import TODAY

pytestmark = pytest.mark.pg


def _first_plan(db: Database) -> plans.PlanDetail:
    with db.reading() as session:
        plan_id = plans.list_plans(session)[0].id
        return plans.get_plan(session, plan_id, today=TODAY)


def test_a_plan_form_loaded_before_another_pcs_save_is_refused(demo_db: Database) -> None:
    mine = _first_plan(demo_db)  # this PC opens the plan …
    theirs = _first_plan(demo_db)  # … and so does another
    with demo_db.transaction() as session:
        saved = plans.update_plan(
            session,
            theirs.id,
            replace(theirs.to_input(), title="Kế hoạch của máy kia", version=theirs.version),
        )
    assert saved.version == theirs.version + 1
    with pytest.raises(EditConflict) as caught, demo_db.transaction() as session:
        plans.update_plan(
            session, mine.id, replace(mine.to_input(), title="Kế hoạch của tôi", version=mine.version)
        )
    message = caught.value.user_message
    assert "đã được người khác sửa" in message
    assert "«Kế hoạch của tôi»" in message and "«Kế hoạch của máy kia»" in message
    with demo_db.reading() as session:
        assert session.get(Plan, mine.id).title == "Kế hoạch của máy kia"  # type: ignore[union-attr]


def test_each_autosave_hands_back_the_version_of_the_one_before(demo_db: Database) -> None:
    plan = _first_plan(demo_db)
    version = plan.version
    for n in range(3):  # an autosaving form: every save starts from its own previous one
        with demo_db.transaction() as session:
            row = plans.update_plan(
                session, plan.id, replace(plan.to_input(), title=f"Bản {n}", version=version)
            )
        assert row.version == version + 1
        version = row.version
    with demo_db.reading() as session:
        assert session.get(Plan, plan.id).title == "Bản 2"  # type: ignore[union-attr]


def test_a_rename_from_a_stale_catalogue_list_is_refused(demo_db: Database) -> None:
    with demo_db.reading() as session:
        row = catalog.catalogue_rows(session, "unit")[0]
        leader = catalog.catalogue_rows(session, "leader")[0]
    with demo_db.transaction() as session:  # another PC renames it first
        catalog.rename_entry(session, "unit", row.id, "Ban Địa chính (máy kia)")
        catalog.update_leader(session, leader.id, full_name=leader.name, title="Chức vụ máy kia")
    with pytest.raises(EditConflict) as caught, demo_db.transaction() as session:
        catalog.rename_entry(
            session, "unit", row.id, "Ban Địa chính (máy này)", expected=row.expected("unit")
        )
    assert "«Ban Địa chính (máy này)»" in caught.value.user_message
    assert "«Ban Địa chính (máy kia)»" in caught.value.user_message
    with pytest.raises(EditConflict), demo_db.transaction() as session:
        catalog.set_leader_active(session, leader.id, False, expected=leader.expected("leader"))  # type: ignore[arg-type]
    with demo_db.reading() as session:
        rows = {r.id: r for r in catalog.catalogue_rows(session, "unit")}
        assert rows[row.id].name == "Ban Địa chính (máy kia)"
        assert {r.id: r for r in catalog.catalogue_rows(session, "leader")}[leader.id].active
    # Read afresh, the same rename goes through.
    with demo_db.transaction() as session:
        fresh = {r.id: r for r in catalog.catalogue_rows(session, "unit")}[row.id]
        catalog.rename_entry(session, "unit", row.id, "Ban Địa chính", expected=fresh.expected("unit"))


def test_a_follow_up_action_on_a_stale_petition_is_refused(demo_db: Database) -> None:
    with demo_db.reading() as session:
        petition_id = session.scalars(select(Petition.id).where(Petition.deleted_at.is_(None))).first()
        assert petition_id is not None
        seen = followup.petition_detail(session, petition_id)
    with demo_db.transaction() as session:  # another PC corrects the content
        petitions.update_petition(
            session,
            petition_id,
            petitions.PetitionInput(
                content="Nội dung máy kia sửa",
                petitioner_name=seen.fields["petitioner_name"],  # type: ignore[arg-type]
                dialogue_id=seen.dialogue_id,
            ),
        )
    with pytest.raises(EditConflict) as caught, demo_db.transaction() as session:
        petitions.expect_versions(session, {petition_id: seen.version}, {petition_id: seen.fields})
        followup.reopen(session, petition_id, reason="không được thực hiện")
    assert "«Nội dung máy kia sửa»" in caught.value.user_message
    with demo_db.reading() as session:
        assert petitions.version_of(session, petition_id) == seen.version + 1


def test_a_commune_user_sees_and_edits_only_their_communes_catalogues(demo_db: Database) -> None:
    with demo_db.reading() as session:
        shared_before = {e.name for e in catalog.list_entries(session, "field")}
        hamlets_before = {e.name for e in catalog.list_entries(session, "hamlet")}
        other_unit = catalog.list_entries(session, "unit")[0]
    hoa_binh, _org = _second_commune(demo_db)
    _sign_in_as(demo_db, "thuky-hb", hoa_binh)
    try:
        with demo_db.reading() as session:
            assert catalog.list_entries(session, "hamlet") == []
            assert catalog.list_leaders(session) == []
        with demo_db.transaction() as session:
            catalog.ensure_defaults(session)  # a new commune gets the standard lists of its own
            catalog.add_entry(session, "hamlet", "Thôn Bắc")
            catalog.add_leader(session, "Trần Văn Hòa", "Chủ tịch UBND xã")
        with demo_db.reading() as session:
            assert [e.name for e in catalog.list_entries(session, "hamlet")] == ["Thôn Bắc"]
            assert {e.name for e in catalog.list_entries(session, "field")} <= shared_before | {
                e.name for e in catalog.list_entries(session, "field")
            }
            assert catalog.find_entry(session, "hamlet", next(iter(hamlets_before))) is None
        from app.errors import NotFoundError

        with pytest.raises(NotFoundError), demo_db.transaction() as session:  # another commune's unit
            catalog.rename_entry(session, "unit", other_unit.id, "Đổi tên hộ")
    finally:
        users.bind_user(demo_db.sessions, None)
    with demo_db.reading() as session:  # the province sees both communes' lists
        names = {e.name for e in catalog.list_entries(session, "hamlet")}
        assert names == hamlets_before | {"Thôn Bắc"}
        commune_of = dict(session.execute(select(Hamlet.name, Hamlet.commune_id)).all())
        assert commune_of["Thôn Bắc"] == hoa_binh


def test_the_nhat_ky_of_a_commune_shows_only_its_own_lines(demo_db: Database) -> None:
    hoa_binh, _org = _second_commune(demo_db)
    _sign_in_as(demo_db, "thuky-hb", hoa_binh)
    try:
        with demo_db.transaction() as session:
            catalog.add_entry(session, "hamlet", "Thôn Bắc")
        with demo_db.reading() as session:
            lines = audit.list_events(session, limit=1000)
            assert lines and {line.commune for line in lines} == {"Hòa Bình"}
            assert audit.count_events(session, audit.AuditFilter(commune_id=1)) == len(lines)  # not widened
            assert audit.communes(session) == []
    finally:
        users.bind_user(demo_db.sessions, None)
    with demo_db.reading() as session:  # a province user: every line, and a filter by commune
        everything = audit.count_events(session)
        mine = audit.count_events(session, audit.AuditFilter(commune_id=hoa_binh))
        assert everything > mine > 0
        assert [name for _id, name in audit.communes(session)] == ["Lương Phong", "Hòa Bình"]
        assert session.scalar(select(AuditEvent.commune_id).where(AuditEvent.entity == "hamlet").limit(1))


def test_province_totals_are_the_sums_of_each_communes_bao_cao(demo_db: Database) -> None:
    hoa_binh, _org = _second_commune(demo_db)
    with demo_db.reading() as session:
        period = reports.period_from_code(session, "2026")
        assert province.province_view(session)
        table = province.province_table(session, period, today=TODAY)
        each = {
            ident: reports.period_report(session, period, today=TODAY, commune_id=ident).figures()
            for ident, _name in province.communes(session)
        }
        whole, _communes = reports.province_report(session, period, today=TODAY)
    assert [r.name for r in table.rows] == ["Hòa Bình", "Lương Phong"]
    for figure in table.totals:
        assert figure.value == sum(next(f.value for f in each[i] if f.key == figure.key) for i in each)
        assert figure.value == whole.figure(figure.key)  # and what the province report counts
    for row in table.rows:
        assert list(row.figures) == each[row.commune_id]
    with demo_db.reading() as session:  # chosen communes: their rows, their totals
        alone = province.province_table(session, period, commune_ids=[hoa_binh], today=TODAY)
    assert [r.name for r in alone.rows] == ["Hòa Bình"] and alone.total("raised") == 2
    _sign_in_as(demo_db, "thuky-hb", hoa_binh)
    try:
        with demo_db.reading() as session:
            assert not province.province_view(session)
            only = province.province_table(session, period, today=TODAY)
        assert [r.name for r in only.rows] == ["Hòa Bình"]
    finally:
        users.bind_user(demo_db.sessions, None)


def test_the_province_table_exports_to_xlsx(demo_db: Database, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    _second_commune(demo_db)
    folder = tmp_path / "xuat"
    folder.mkdir()
    with demo_db.reading() as session:
        period = reports.period_from_code(session, "2026")
        table = province.province_table(session, period, today=TODAY)
        target = province.export_province_xlsx(session, period, folder / "tong-hop.xlsx", today=TODAY)
    sheet = load_workbook(target).active
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert values[0][:3] == ["STT", "Xã, phường", "Số hội nghị đối thoại đã tổ chức"]
    assert [row[1] for row in values[1:]] == ["Hòa Bình", "Lương Phong", "Tổng cộng"]
    raised = values[0].index("Ý kiến, kiến nghị tiếp nhận")
    assert values[-1][raised] == table.total("raised") == values[1][raised] + values[2][raised]
    assert list(folder.iterdir()) == [target]  # no temporary file left


@pytest.mark.sqlite_only
def test_revision_0018_gives_an_existing_file_one_communes_lists(tmp_path: Path) -> None:
    target = tmp_path / "old.sqlite"
    upgrade_database(target, target="0015", backup_dir=tmp_path / "backups")
    with sqlite3.connect(target) as conn:
        conn.execute(
            "INSERT INTO organization (id, name, place_name, issuer_code, header_style, active, level, commune_id)"
            " VALUES (1, 'ỦY BAN NHÂN DÂN XÃ LƯƠNG PHONG', 'Lương Phong', 'UBND', 'state', 1, '', NULL)"
        )
        conn.execute("INSERT INTO commune (id, name, code, active) VALUES (1, 'Lương Phong', '', 1)")
        conn.execute("UPDATE organization SET commune_id = 1")
        conn.execute("INSERT INTO hamlet (name, active, position, sort_key) VALUES ('Thôn Đông', 1, 1, '')")
        conn.execute(
            "INSERT INTO leader (full_name, title, active, position) VALUES ('Lê Văn A', 'Chủ tịch', 1, 1)"
        )
        conn.execute(
            "INSERT INTO plan (organization_id, kind, year, symbol, title, title_sort, opening, bases, purposes,"
            " requirements, audience, contents, forms, time_place, steps, tasks_intro, tasks, recipients)"
            " VALUES (1, 'yearly', 2026, 'KH-UBND', 'Kế hoạch', '', '', '[]', '[]', '[]', '', '[]', '[]', '[]',"
            " '[]', '', '[]', '[]')"
        )
        conn.execute(
            "INSERT INTO audit_event (user, action, entity, details, actor) VALUES ('a', 'create', 'x', '{}', '')"
        )
    conn.close()
    upgrade_database(target, backup_dir=tmp_path / "backups")
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT commune_id FROM hamlet").fetchall() == [(1,)]
        assert conn.execute("SELECT commune_id FROM leader").fetchall() == [(1,)]
        assert conn.execute("SELECT commune_id FROM audit_event").fetchall() == [(1,)]
        assert conn.execute("SELECT version FROM plan").fetchall() == [(1,)]
    conn.close()
    db = Database.open(target)
    try:
        with db.reading() as session:
            assert [e.name for e in catalog.list_entries(session, "hamlet")] == ["Thôn Đông"]
    finally:
        db.close()
