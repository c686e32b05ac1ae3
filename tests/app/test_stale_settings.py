"""Cài đặt loaded before another PC's save never overwrites it: «đã được người khác sửa».

Runs on SQLite and, with DOITHOAI_TEST_PG_URL, on PostgreSQL.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.errors import EditConflict
from app.services import catalog, settings
from app.storage.database import Database
from app.storage.models import Setting

pytestmark = pytest.mark.pg


def test_a_setting_saved_from_a_stale_form_is_refused_with_both_values(demo_db: Database) -> None:
    with demo_db.reading() as session:  # this PC opens Cài đặt …
        mine = settings.setting_versions(session, ["speaker_seconds", settings.NEAR_DUE_DAYS])
    with demo_db.reading() as session:  # … and so does another
        theirs = settings.setting_versions(session, ["speaker_seconds"])
    with demo_db.transaction() as session:
        settings.set_setting(session, "speaker_seconds", 240, expected=theirs["speaker_seconds"])
    with pytest.raises(EditConflict) as caught, demo_db.transaction() as session:
        settings.set_setting(session, "speaker_seconds", 90, expected=mine["speaker_seconds"])
    message = caught.value.user_message
    assert "đã được người khác sửa" in message
    assert "«90»" in message and "«240»" in message and "Thời gian phát biểu" in message
    with demo_db.reading() as session:
        assert settings.get_setting(session, "speaker_seconds") == 240
    # A setting nobody else touched still saves from the same form.
    with demo_db.transaction() as session:
        settings.set_near_due_days(session, 5, expected=mine[settings.NEAR_DUE_DAYS])
    with demo_db.reading() as session:
        assert settings.near_due_days(session) == 5


def test_each_save_of_a_form_hands_back_the_version_of_its_own_previous_save(demo_db: Database) -> None:
    with demo_db.reading() as session:
        version = settings.setting_versions(session, ["speaker_seconds"])["speaker_seconds"]
    for seconds in (120, 150, 210):
        with demo_db.transaction() as session:
            settings.set_setting(session, "speaker_seconds", seconds, expected=version)
            version = settings.setting_versions(session, ["speaker_seconds"])["speaker_seconds"]
    with demo_db.reading() as session:
        assert settings.get_setting(session, "speaker_seconds") == 210
        assert settings.setting_versions(session, ["speaker_seconds"])["speaker_seconds"] == version


def test_a_setting_first_stored_by_another_pc_is_not_overwritten(demo_db: Database) -> None:
    key = settings.NEAR_DUE_DAYS
    with demo_db.transaction() as session:  # a setting this database never stored
        session.execute(Setting.__table__.delete().where(Setting.key == key))
    with demo_db.reading() as session:
        seen = settings.setting_versions(session, [key])[key]
    assert seen == 0
    with demo_db.transaction() as session:
        settings.set_near_due_days(session, 10, expected=seen)
    with pytest.raises(EditConflict), demo_db.transaction() as session:
        settings.set_near_due_days(session, 3, expected=seen)
    with demo_db.reading() as session:
        assert settings.near_due_days(session) == 10


def test_the_body_saved_from_a_stale_form_is_refused_with_both_versions(demo_db: Database) -> None:
    with demo_db.reading() as session:
        shown = settings.current_organization(session)
    assert shown is not None
    typed = settings.OrganizationInput(
        name=shown.name,
        place_name=shown.place_name,
        issuer_code=shown.issuer_code,
        signer_name=shown.signer_name,
        signer_title=shown.signer_title,
        parent_name=shown.parent_name,
        signing_authority=shown.signing_authority,
    )
    with demo_db.transaction() as session:  # another PC corrects the chair's name
        theirs = settings.update_organization(
            session, shown.id, replace(typed, signer_name="Lê Văn Máy Kia"), expected=shown
        )
    assert theirs.signer_name == "Lê Văn Máy Kia"
    with pytest.raises(EditConflict) as caught, demo_db.transaction() as session:
        settings.update_organization(session, shown.id, replace(typed, place_name="Máy Này"), expected=shown)
    message = caught.value.user_message
    assert "đã được người khác sửa" in message
    assert "Họ tên người ký" in message and "«Lê Văn Máy Kia»" in message
    with demo_db.reading() as session:
        now = settings.get_organization(session, shown.id)
    assert now.place_name == shown.place_name and now.signer_name == "Lê Văn Máy Kia"
    # Its own previous save is what the form hands back next: no conflict with itself.
    with demo_db.transaction() as session:
        again = settings.update_organization(
            session,
            shown.id,
            replace(typed, signer_name="Lê Văn Máy Kia", place_name="Máy Này"),
            expected=now,
        )
    assert again.place_name == "Máy Này"


def test_deadline_settings_saved_from_a_stale_form_are_refused(demo_db: Database) -> None:
    """The Thời hạn section: the default rule, a field's rule and the office's days off."""
    from datetime import date

    with demo_db.reading() as session:  # this PC opens Cài đặt → Thời hạn
        mine = settings.setting_versions(session, settings.DEADLINE_KEYS)
        field_id = catalog.list_entries(session, "field")[0].id
    with demo_db.transaction() as session:  # another PC saves each of them
        theirs = settings.setting_versions(session, settings.DEADLINE_KEYS)
        settings.set_default_deadline_rule(session, "calendar", 40, expected=theirs)
        settings.set_field_deadline_rule(
            session, field_id, "working", 5, expected=theirs[settings.FIELD_DEADLINES_KEY]
        )
        settings.set_local_days_off(
            session, [date(2026, 3, 10)], expected=theirs[settings.LOCAL_DAYS_OFF_KEY]
        )
    attempts = [
        lambda s: settings.set_default_deadline_rule(s, "working", 15, expected=mine),
        lambda s: settings.set_field_deadline_rule(
            s, field_id, "calendar", 30, expected=mine[settings.FIELD_DEADLINES_KEY]
        ),
        lambda s: settings.set_local_days_off(
            s, [date(2026, 4, 1)], expected=mine[settings.LOCAL_DAYS_OFF_KEY]
        ),
    ]
    for attempt in attempts:
        with pytest.raises(EditConflict) as caught, demo_db.transaction() as session:
            attempt(session)
        assert "đã được người khác sửa" in caught.value.user_message
    with demo_db.reading() as session:  # theirs, all kept
        assert settings.default_deadline_rule(session) == settings.DeadlineRule("calendar", 40)
        assert settings.field_deadline_rules(session)[field_id] == settings.DeadlineRule("working", 5)
        assert settings.local_days_off(session) == [date(2026, 3, 10)]
