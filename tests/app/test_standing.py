"""One answer for every rule: the meeting day, the deadline, the standing, the near-due threshold."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.domain.rules import AnswerOutcome, DialogueState, PetitionStatus
from app.domain.standing import (
    AssignmentFacts,
    PetitionFacts,
    Standing,
    dialogue_tone,
    meeting_day,
    petition_deadline,
    petition_standing,
)
from app.errors import ValidationError
from app.export.documents import build_conclusion_notice
from app.services import catalog, dialogues, minutes, petitions, settings
from app.services import statistics as stats_service
from app.services.documents import load_dialogue_data, load_report_data
from app.storage.database import Database
from app.storage.models import Assignment, Petition

pytestmark = pytest.mark.pg  # the storage and service tests run on PostgreSQL too

TODAY = date(2026, 3, 25)
CONTENT = "Đề nghị sửa chữa cống thoát nước đường liên thôn bị sụt lún"


def test_meeting_day_is_the_actual_start_else_the_schedule() -> None:
    assert meeting_day(datetime(2026, 3, 5, 8), datetime(2026, 3, 10, 8)) == date(2026, 3, 5)
    assert meeting_day(None, datetime(2026, 3, 10, 8)) == date(2026, 3, 10)
    assert meeting_day(None, None) is None


def test_deadline_is_the_earliest_unfinished_assignment() -> None:
    assignments = (
        AssignmentFacts(date(2026, 3, 10), finished_on=date(2026, 3, 8)),
        AssignmentFacts(date(2026, 4, 30)),
        AssignmentFacts(date(2026, 3, 20)),
        AssignmentFacts(None),
    )
    assert petition_deadline(assignments) == date(2026, 3, 20)
    assert petition_deadline(assignments[:1]) is None
    facts = PetitionFacts(PetitionStatus.IN_PROGRESS, assignments)
    assert petition_standing(facts, date(2026, 3, 1)).standing is Standing.IN_PROGRESS
    assert petition_standing(facts, date(2026, 3, 13)).standing is Standing.NEAR_DUE
    assert petition_standing(facts, date(2026, 3, 20)).standing is Standing.NEAR_DUE
    overdue = petition_standing(facts, date(2026, 3, 21))
    assert overdue.standing is Standing.OVERDUE and overdue.tone == "danger"
    assert overdue.deadline_text == "20/3/2026 (quá hạn 1 ngày)"
    # The threshold is a parameter (the setting), not a constant.
    assert petition_standing(facts, date(2026, 3, 1), near_due_days=30).standing is Standing.NEAR_DUE


def test_a_closed_petition_has_no_running_deadline() -> None:
    assignments = (AssignmentFacts(date(2026, 3, 20)),)
    for status in (PetitionStatus.FORWARDED, PetitionStatus.ANSWERED, PetitionStatus.WITHDRAWN):
        state = petition_standing(PetitionFacts(status, assignments), date(2027, 1, 1))
        assert not state.overdue and state.days_left is None
        assert state.deadline_text == "20/3/2026"  # the date stays, the phrase goes
    assert petition_standing(PetitionFacts(PetitionStatus.NEW), TODAY).standing is Standing.PENDING
    assert petition_standing(PetitionFacts(PetitionStatus.DUPLICATE), TODAY).standing is Standing.DUPLICATE


def test_resolved_late_means_some_part_was_done_after_its_deadline() -> None:
    on_time = PetitionFacts(
        PetitionStatus.RESOLVED, (AssignmentFacts(date(2026, 4, 15)),), resolved_on=date(2026, 4, 15)
    )
    assert petition_standing(on_time, date(2027, 1, 1)).standing is Standing.RESOLVED_ON_TIME
    late = PetitionFacts(
        PetitionStatus.RESOLVED, (AssignmentFacts(date(2026, 4, 15)),), resolved_on=date(2026, 4, 16)
    )
    assert petition_standing(late, date(2027, 1, 1)).standing is Standing.RESOLVED_LATE
    # A unit that finished late makes the petition late even if the result came in time for the rest.
    unit_late = PetitionFacts(
        PetitionStatus.RESOLVED,
        (AssignmentFacts(date(2026, 4, 1), finished_on=date(2026, 4, 3)), AssignmentFacts(date(2026, 5, 1))),
        resolved_on=date(2026, 4, 20),
    )
    assert petition_standing(unit_late, date(2027, 1, 1)).standing is Standing.RESOLVED_LATE


def test_dialogue_tone_uses_the_near_due_threshold() -> None:
    assert dialogue_tone(DialogueState.PLANNED, 5, False, 7) == "warning"
    assert dialogue_tone(DialogueState.PLANNED, 5, False, 3) is None
    assert dialogue_tone(DialogueState.PLANNED, 30, True, 7) == "danger"
    assert dialogue_tone(DialogueState.CLOSED, None, False, 7) == "muted"


def test_near_due_days_is_a_setting(db: Database) -> None:
    with db.transaction() as session:
        assert settings.near_due_days(session) == 7
        settings.set_near_due_days(session, 10)
    with db.reading() as session:
        assert settings.near_due_days(session) == 10
    with pytest.raises(ValidationError), db.transaction() as session:
        settings.set_near_due_days(session, 0)


# --- one deadline everywhere ---------------------------------------------------------------------


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


def _seed(db: Database) -> tuple[int, int, list[int]]:
    """A dialogue planned for 10/3 but held on 5/3; one petition assigned to three units."""
    with db.transaction() as session:
        org = _organization(session)
        hamlet = catalog.add_entry(session, "hamlet", "Thôn Đông")
        old_dialogue = dialogues.create_dialogue(
            session,
            dialogues.DialogueInput(
                organization_id=org, title="Hội nghị năm 2026", scheduled_at=datetime(2026, 3, 10, 8)
            ),
        )
        dialogue = session.get(minutes.Dialogue, old_dialogue)
        assert dialogue is not None
        dialogue.started_at = datetime(2026, 3, 5, 8)
        dialogue.state = DialogueState.CLOSED
        petition_id = petitions.create_petition(
            session,
            petitions.PetitionInput(
                content=CONTENT, petitioner_name="Đặng Văn Lợi", hamlet_id=hamlet.id, dialogue_id=old_dialogue
            ),
        )
        units = catalog.list_entries(session, "unit")
        petitions.add_answer(session, petition_id, content="Giao các đơn vị", outcome=AnswerOutcome.ASSIGNED)
        # 7/3 is after the day the meeting was held (5/3) though before the planned 10/3.
        first = petitions.assign(session, petition_id, lead_unit_id=units[0].id, deadline=date(2026, 3, 7))
        second = petitions.assign(session, petition_id, lead_unit_id=units[1].id, deadline=date(2026, 3, 20))
        third = petitions.assign(session, petition_id, lead_unit_id=units[2].id, deadline=date(2026, 4, 30))
        petitions.finish_assignment(session, first, date(2026, 3, 6))
        current = dialogues.create_dialogue(
            session,
            dialogues.DialogueInput(
                organization_id=org, title="Hội nghị quý II", scheduled_at=datetime(2026, 6, 1, 8)
            ),
        )
    return old_dialogue, current, [first, second, third]


def test_assignment_deadline_is_checked_against_the_day_the_meeting_was_held(db: Database) -> None:
    dialogue_id, _current, _ids = _seed(db)
    with db.transaction() as session:
        petition_id = session.scalar(select(Petition.id).where(Petition.dialogue_id == dialogue_id))
        unit = catalog.list_entries(session, "unit")[0]
        with pytest.raises(ValidationError) as caught:
            petitions.assign(session, petition_id, lead_unit_id=unit.id, deadline=date(2026, 3, 4))
    assert "05/3/2026" in caught.value.user_message


def test_one_deadline_in_the_list_the_notice_the_report_and_the_hint(db: Database) -> None:
    dialogue_id, current, _ids = _seed(db)
    expected = date(2026, 3, 20)  # the first assignment (7/3) is finished; 30/4 is later
    with db.reading() as session:
        (row,) = petitions.list_petitions(session, today=TODAY)
        assert row.deadline == expected and row.overdue and row.days_left == -5
        assert row.standing is Standing.OVERDUE and row.tone == "danger"
        assert row.deadline_text == "20/3/2026 (quá hạn 5 ngày)"
        assert row.dialogue_date == date(2026, 3, 5)

        # The SQL twin agrees with the Python rule.
        sql_deadline = session.scalar(select(petitions.petition_deadline_sql()).where(Petition.id == row.id))
        assert sql_deadline == expected
        assigned = session.scalars(select(Assignment).where(Assignment.petition_id == row.id)).all()
        assert petition_deadline(AssignmentFacts(a.deadline, a.finished_on) for a in assigned) == expected
        assert petitions.count_petitions(session, petitions.PetitionFilter(due="overdue"), today=TODAY) == 1
        assert petitions.count_petitions(session, petitions.PetitionFilter(due="near"), today=TODAY) == 0
        assert (
            petitions.count_petitions(session, petitions.PetitionFilter(due="near"), today=date(2026, 3, 15))
            == 1
        )

        # The Thông báo kết luận.
        notice = load_dialogue_data(session, dialogue_id)
        (data,) = notice.petitions
        assert data.deadline == expected
        assert notice.meeting_day == date(2026, 3, 5)
        assert "trước ngày 20 tháng 3 năm 2026" in repr(build_conclusion_notice(notice).blocks)

        # The Báo cáo and the statistics.
        report = load_report_data(session, dialogue_id, today=TODAY)
        (facts,) = [p.facts() for p in report.dialogue.petitions]
        assert petition_standing(facts, TODAY).standing is Standing.OVERDUE
        figures = stats_service.dialogue_statistics(session, dialogue_id, today=TODAY)
        assert figures.overall.overdue == 1 and figures.overall.in_progress == 0
        period = stats_service.period_statistics(session, date(2026, 3, 1), date(2026, 3, 31), today=TODAY)
        assert period.overall.overdue == 1

        # The live hint at the next dialogue.
        (hint,) = minutes.similar_petitions(session, CONTENT, exclude_dialogue_id=current, today=TODAY)
        assert hint.deadline == expected and hint.standing is Standing.OVERDUE
        assert hint.status_text == "đang giải quyết, quá hạn 5 ngày"
        assert hint.dialogue_date == date(2026, 3, 5)
