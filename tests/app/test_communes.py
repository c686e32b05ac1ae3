"""Many communes on one database: each record through its body's commune; a user works in one."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain.rules import DialogueState, PetitionSource
from app.services import dialogues, plans, reports, settings, users
from app.services.petitions import (
    PetitionFilter,
    PetitionInput,
    count_petitions,
    create_petition,
    list_petitions,
)
from app.storage.database import Database
from app.storage.migrate import upgrade_database
from app.storage.models import Commune, Dialogue, Organization, Petition
from tests.conftest import TODAY


def test_revision_0011_makes_one_commune_of_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "old.sqlite"
    upgrade_database(target, target="0009", backup_dir=tmp_path / "backups")
    with sqlite3.connect(target) as conn:
        for ident, name in ((1, "ỦY BAN NHÂN DÂN XÃ LƯƠNG PHONG"), (2, "HĐND XÃ LƯƠNG PHONG")):
            conn.execute(
                "INSERT INTO organization (id, name, place_name, issuer_code, header_style, active, level)"
                " VALUES (?, ?, 'Lương Phong', 'UBND', 'state', 1, '')",
                (ident, name),
            )
        conn.execute("INSERT INTO setting (key, value) VALUES ('current_organization_id', '1')")
        conn.execute(
            "INSERT INTO dialogue (id, organization_id, title, place, audience, participants, content,"
            " secretary_name, state, leaders_count, units_count, hamlet_heads_count, citizens_count, assessment)"
            " VALUES (1, 2, 'Đối thoại quý I', '', '', '', '', '', 'closed', 0, 0, 0, 0, '')"
        )
        for ident, dialogue in ((1, 1), (2, None)):
            conn.execute(
                "INSERT INTO petition (id, dialogue_id, content, search_key, position, source, kind,"
                " raised_at_meeting, petitioner_name, petitioner_phone, petitioner_address, petitioner_org,"
                " is_group, is_anonymous, status, forwarded_to) VALUES (?, ?, 'Đường làng', 'duong lang', 0,"
                " 'at_meeting', 'proposal', 1, '', '', '', '', 0, 0, 'new', '')",
                (ident, dialogue),
            )
    conn.close()
    upgrade_database(target, backup_dir=tmp_path / "backups")
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT id, name FROM commune").fetchall() == [(1, "Lương Phong")]
        assert conn.execute("SELECT DISTINCT commune_id FROM organization").fetchall() == [(1,)]
        # A petition belongs to its dialogue's body; a loose one to the office's body.
        assert conn.execute("SELECT id, organization_id FROM petition ORDER BY id").fetchall() == [
            (1, 2),
            (2, 1),
        ]
        triggers = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'petition_fts%'"
        ).fetchone()[0]
    conn.close()
    assert triggers == 3  # no table was rebuilt under the search triggers


def _second_commune(db: Database) -> tuple[int, int]:
    """Commune «Hòa Bình» with its UBND, one held dialogue and two opinions; (commune id, org id)."""
    with db.transaction() as session:
        commune = Commune(name="Hòa Bình", code="")
        session.add(commune)
        session.flush()
        org = Organization(
            commune_id=commune.id,
            name="ỦY BAN NHÂN DÂN\nXÃ HÒA BÌNH",
            place_name="Hòa Bình",
            issuer_code="UBND",
            header_style="state",
        )
        session.add(org)
        session.flush()
        dialogue = Dialogue(
            organization_id=org.id,
            title="Đối thoại xã Hòa Bình",
            state=DialogueState.CLOSED,
            scheduled_at=datetime(2026, 3, 10, 8, 0),
            started_at=datetime(2026, 3, 10, 8, 0),
        )
        session.add(dialogue)
        session.flush()
        from app.services.search import refresh_petition_key

        for content in ("Nước sạch cho thôn Bắc", "Đèn đường xóm Nam"):
            petition = Petition(content=content, dialogue_id=dialogue.id, source=PetitionSource.AT_MEETING)
            refresh_petition_key(session, petition)
            session.add(petition)
        return commune.id, org.id


def _sign_in_as(db: Database, login: str, commune_id: int | None) -> None:
    users.bind_user(db.sessions, None)
    with db.transaction() as session:
        if not users.has_users(session):
            users.add_user(session, "admin", "quan-tri-2026", role=users.Role.ADMIN)
    with db.transaction() as session:
        admin = users.sign_in(session, "admin", "quan-tri-2026")
    users.bind_user(db.sessions, admin)
    with db.transaction() as session:
        users.add_user(session, login, "mat-khau-2026", role=users.Role.SECRETARY, commune_id=commune_id)
    with db.transaction() as session:
        person = users.sign_in(session, login, "mat-khau-2026")
    users.bind_user(db.sessions, person)


def test_a_commune_user_works_inside_their_commune(demo_db: Database) -> None:
    with demo_db.reading() as session:
        everything = count_petitions(session, today=TODAY)
        all_dialogues = len(dialogues.list_dialogues(session, today=TODAY))
    hoa_binh, org_id = _second_commune(demo_db)
    _sign_in_as(demo_db, "thuky-hb", hoa_binh)
    try:
        with demo_db.reading() as session:
            listed = list_petitions(session, today=TODAY)
            assert sorted(row.content for row in listed) == ["Nước sạch cho thôn Bắc", "Đèn đường xóm Nam"]
            assert count_petitions(session, PetitionFilter(commune_id=1), today=TODAY) == 2  # not widened
            assert [d.title for d in dialogues.list_dialogues(session, today=TODAY)] == [
                "Đối thoại xã Hòa Bình"
            ]
            assert plans.list_plans(session) == []
            from app.services.search import SearchKind, search_everything

            found = search_everything(session, "đường", kinds=[SearchKind.PETITION])
            petition_ids = {hit.id for _kind, group in found.groups for hit in group}
            mine = set(session.scalars(select(Petition.id).where(Petition.organization_id == org_id)))
            assert petition_ids and petition_ids <= mine
            current = settings.current_organization(session)
            assert current is not None and current.id == org_id
        # A loose opinion typed by this user belongs to their commune, not to the office's.
        with demo_db.transaction() as session:
            new_id = create_petition(
                session,
                PetitionInput(
                    content="Kiến nghị gửi qua hòm thư",
                    petitioner_name="Ngô Văn Tư",
                    received_on=date(2026, 3, 1),
                ),
            )
        with demo_db.reading() as session:
            assert session.get(Petition, new_id).organization_id == org_id  # type: ignore[union-attr]
            assert count_petitions(session, today=TODAY) == 3
    finally:
        users.bind_user(demo_db.sessions, None)
    with demo_db.reading() as session:  # the administrator (no commune) sees every commune
        assert count_petitions(session, today=TODAY) == everything + 3
        from app.services.search import SearchKind, search_everything

        found = search_everything(session, "đường", kinds=[SearchKind.PETITION], limit=100)
        assert {hit.id for _kind, group in found.groups for hit in group} - mine
        assert len(dialogues.list_dialogues(session, today=TODAY)) == all_dialogues + 1


def test_province_report_adds_up_the_communes_with_the_same_figures(demo_db: Database) -> None:
    hoa_binh, _org = _second_commune(demo_db)
    with demo_db.reading() as session:
        period = reports.period_from_code(session, "2026")
        total, communes = reports.province_report(session, period, today=TODAY)
        alone = reports.period_report(session, period, today=TODAY, commune_id=hoa_binh)
        communes_count = session.scalar(select(func.count()).select_from(Commune))
    assert [c.name for c in communes] == ["Hòa Bình", "Lương Phong"] and communes_count == 2
    assert alone.raised == 2 and alone.dialogues_held == 1
    by_name = {c.name: c.report for c in communes}
    assert by_name["Hòa Bình"].raised == alone.raised
    for key in ("raised", "dialogues_held", "citizens", "assigned"):
        assert getattr(total, key) == sum(getattr(c.report, key) for c in communes)
    assert total.raised > alone.raised
    # A commune user asking for the province gets their commune only.
    _sign_in_as(demo_db, "thuky-hb", hoa_binh)
    try:
        with demo_db.reading() as session:
            mine, only = reports.province_report(session, period, today=TODAY)
        assert [c.name for c in only] == ["Hòa Bình"] and mine.raised == 2
    finally:
        users.bind_user(demo_db.sessions, None)


def test_an_administrator_adds_a_commune_whose_first_body_joins_it(demo_db: Database) -> None:
    from app.errors import ValidationError

    _sign_in_as(demo_db, "thuky", None)
    try:
        with pytest.raises(users.PermissionRefused), demo_db.transaction() as session:
            users.add_commune(session, "Hòa Bình")
    finally:
        users.bind_user(demo_db.sessions, None)
    with demo_db.transaction() as session:
        admin = users.sign_in(session, "admin", "quan-tri-2026")
    users.bind_user(demo_db.sessions, admin)
    with demo_db.transaction() as session:
        added = users.add_commune(session, "Hòa Bình", "09876")
    with pytest.raises(ValidationError), demo_db.transaction() as session:
        users.add_commune(session, "hòa bình")
    with demo_db.transaction() as session:
        users.add_user(session, "thuky-hb", "mat-khau-2026", role=users.Role.SECRETARY, commune_id=added.id)
    with demo_db.transaction() as session:
        person = users.sign_in(session, "thuky-hb", "mat-khau-2026")
    users.bind_user(demo_db.sessions, person)
    try:
        with demo_db.reading() as session:
            assert not settings.is_configured(session)  # the window opens «Thiết lập ban đầu» for it
        with demo_db.transaction() as session:
            made = settings.save_organization(
                session,
                settings.OrganizationInput(
                    name="ỦY BAN NHÂN DÂN\nXÃ HÒA BÌNH",
                    parent_name="",
                    place_name="Hòa Bình",
                    issuer_code="UBND",
                    signing_authority="TM. ỦY BAN NHÂN DÂN",
                    signer_title="CHỦ TỊCH",
                    signer_name="Đỗ Văn Bình",
                ),
                make_current=False,
            )
        with demo_db.reading() as session:
            current = settings.current_organization(session)
            assert current is not None and current.id == made.id
            rows = {row.name: row.bodies for row in users.list_communes(session)}
        assert rows == {"Hòa Bình": 1, "Lương Phong": 3}
    finally:
        users.bind_user(demo_db.sessions, None)


def test_a_nhat_ky_line_follows_the_office_body_chosen_in_the_same_unit_of_work(demo_db: Database) -> None:
    # The commune of a line with no record of its own is the office's, looked up once per unit of
    # work; choosing another office body in that unit must not leave the earlier answer in use.
    from app.services import audit
    from app.storage.models import AuditEvent, Setting

    hoa_binh, hoa_binh_org = _second_commune(demo_db)
    with demo_db.transaction() as session:
        first = session.scalar(select(Commune.id).where(Commune.id != hoa_binh))
        audit.record(session, "note", "backup", None)
        session.flush()
        setting = session.get(Setting, settings.CURRENT_ORGANIZATION)
        assert setting is not None
        setting.value = hoa_binh_org
        session.flush()
        audit.record(session, "note", "backup", None)
        session.flush()
        lines = session.scalars(
            select(AuditEvent.commune_id).where(AuditEvent.action == "note").order_by(AuditEvent.id)
        ).all()
    assert lines == [first, hoa_binh]
