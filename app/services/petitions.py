"""Ý kiến – kiến nghị: record, answer, assign, follow up, and list them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, selectinload

from app.domain.rules import (
    OUTCOME_STATUS,
    AnswerOutcome,
    PetitionKind,
    PetitionSource,
    PetitionStatus,
    deadline_state,
)
from app.domain.text import clean, search_key, search_words, short_date
from app.errors import NotFoundError, ValidationError
from app.services import audit
from app.storage.models import (
    Answer,
    Assignment,
    Dialogue,
    Field,
    Hamlet,
    Leader,
    Petition,
    ResolutionUpdate,
    Unit,
)


@dataclass
class PetitionInput:
    content: str
    petitioner_name: str = ""
    hamlet_id: int | None = None
    field_id: int | None = None
    kind: PetitionKind = PetitionKind.PROPOSAL
    source: PetitionSource = PetitionSource.AT_MEETING
    dialogue_id: int | None = None
    petitioner_phone: str = ""
    petitioner_address: str = ""
    petitioner_org: str = ""
    is_group: bool = False
    is_anonymous: bool = False
    received_on: date | None = None


@dataclass(frozen=True)
class PetitionRow:
    """One line of the petition lists and of the follow-up screen."""

    id: int
    dialogue_id: int | None
    dialogue_date: date | None
    petitioner: str
    hamlet: str
    field: str
    kind: PetitionKind
    content: str
    status: PetitionStatus
    lead_unit: str
    deadline: date | None
    days_left: int | None
    source: PetitionSource = PetitionSource.AT_MEETING
    answers: tuple[str, ...] = ()

    @property
    def deadline_text(self) -> str:
        return short_date(self.deadline)

    @property
    def overdue(self) -> bool:
        return self.status.is_open and self.days_left is not None and self.days_left < 0


def petition_search_key(petitioner_name: str, hamlet: str, content: str) -> str:
    return search_key(f"{petitioner_name} {hamlet} {content}")


def validate_petition(data: PetitionInput) -> dict[str, str]:
    problems = {}
    if not clean(data.content):
        problems["content"] = "Hãy nhập nội dung ý kiến, kiến nghị."
    if not clean(data.petitioner_name) and not (data.is_anonymous or data.is_group):
        problems["petitioner_name"] = "Hãy nhập họ tên người nêu, hoặc chọn «Ẩn danh»."
    return problems


def create_petition(session: Session, data: PetitionInput) -> int:
    problems = validate_petition(data)
    if problems:
        raise ValidationError(problems)
    hamlet_name = _hamlet_name(session, data.hamlet_id)
    position = 0
    if data.dialogue_id is not None:
        position = (
            session.scalar(
                select(func.max(Petition.position)).where(Petition.dialogue_id == data.dialogue_id)
            )
            or 0
        ) + 1
    row = Petition(
        dialogue_id=data.dialogue_id,
        position=position,
        source=data.source,
        kind=data.kind,
        raised_at_meeting=data.source == PetitionSource.AT_MEETING,
        received_on=data.received_on,
        petitioner_name=clean(data.petitioner_name),
        petitioner_phone=clean(data.petitioner_phone),
        petitioner_address=clean(data.petitioner_address),
        petitioner_org=clean(data.petitioner_org),
        is_group=data.is_group,
        is_anonymous=data.is_anonymous,
        hamlet_id=data.hamlet_id,
        field_id=data.field_id,
        content=clean(data.content),
        status=PetitionStatus.NEW,
        search_key=petition_search_key(data.petitioner_name, hamlet_name, data.content),
    )
    session.add(row)
    session.flush()
    audit.record(session, "create", "petition", row.id)
    return row.id


def _hamlet_name(session: Session, hamlet_id: int | None) -> str:
    if hamlet_id is None:
        return ""
    hamlet = session.get(Hamlet, hamlet_id)
    return hamlet.name if hamlet else ""


def add_answer(
    session: Session,
    petition_id: int,
    *,
    content: str,
    outcome: AnswerOutcome,
    leader_id: int | None = None,
    at: datetime | None = None,
) -> int:
    petition = _petition(session, petition_id)
    leader = session.get(Leader, leader_id) if leader_id is not None else None
    answer = Answer(
        petition_id=petition.id,
        position=len(petition.answers) + 1,
        leader_id=leader.id if leader else None,
        answerer_name=leader.full_name if leader else "",
        answerer_title=leader.title if leader else "",
        content=clean(content),
        outcome=outcome,
        at=at,
    )
    session.add(answer)
    petition.status = OUTCOME_STATUS[outcome]
    session.flush()
    audit.record(session, "create", "answer", answer.id, petition_id=petition.id, outcome=outcome.value)
    return answer.id


def assign(
    session: Session,
    petition_id: int,
    *,
    lead_unit_id: int,
    deadline: date,
    task: str = "",
    supporting_unit_ids: Sequence[int] = (),
    assigned_on: date | None = None,
) -> int:
    petition = _petition(session, petition_id)
    problems = {}
    if session.get(Unit, lead_unit_id) is None:
        problems["lead_unit_id"] = "Hãy chọn đơn vị chủ trì giải quyết."
    meeting_day = (
        petition.dialogue.scheduled_at.date()
        if petition.dialogue and petition.dialogue.scheduled_at
        else None
    )
    if meeting_day and deadline < meeting_day:
        problems["deadline"] = (
            f"Thời hạn ({short_date(deadline)}) không thể trước ngày hội nghị ({short_date(meeting_day)})."
        )
    if problems:
        raise ValidationError(problems)
    assignment = Assignment(
        petition_id=petition.id,
        lead_unit_id=lead_unit_id,
        task=clean(task),
        deadline=deadline,
        assigned_on=assigned_on or meeting_day,
        supporting_units=[unit for unit_id in supporting_unit_ids if (unit := session.get(Unit, unit_id))],
    )
    session.add(assignment)
    if petition.status in (PetitionStatus.NEW, PetitionStatus.ANSWERED):
        petition.status = PetitionStatus.IN_PROGRESS
    session.flush()
    audit.record(session, "create", "assignment", assignment.id, petition_id=petition.id)
    return assignment.id


def record_update(
    session: Session,
    petition_id: int,
    *,
    on: date,
    result: str,
    status_after: PetitionStatus,
    reply_number: str = "",
    reply_date: date | None = None,
) -> int:
    petition = _petition(session, petition_id)
    if not clean(result):
        raise ValidationError({"result": "Hãy nhập kết quả giải quyết."})
    update = ResolutionUpdate(
        petition_id=petition.id,
        on=on,
        result=clean(result),
        status_after=status_after,
        reply_number=clean(reply_number),
        reply_date=reply_date,
    )
    session.add(update)
    petition.status = status_after
    session.flush()
    audit.record(session, "create", "resolution_update", update.id, petition_id=petition.id)
    return update.id


def forward(session: Session, petition_id: int, authority: str) -> None:
    petition = _petition(session, petition_id)
    if not clean(authority):
        raise ValidationError({"forwarded_to": "Hãy nhập cấp có thẩm quyền nhận kiến nghị."})
    petition.forwarded_to = clean(authority)
    petition.status = PetitionStatus.FORWARDED
    audit.record(session, "update", "petition", petition.id, forwarded_to=petition.forwarded_to)


def _petition(session: Session, petition_id: int) -> Petition:
    petition = session.get(Petition, petition_id)
    if petition is None or petition.deleted_at is not None:
        raise NotFoundError("ý kiến", petition_id)
    return petition


def list_petitions(
    session: Session,
    *,
    query: str = "",
    dialogue_id: int | None = None,
    statuses: Sequence[PetitionStatus] | None = None,
    today: date | None = None,
    limit: int | None = None,
    offset: int = 0,
    open_first: bool = False,
) -> list[PetitionRow]:
    """Petitions as plain rows; ``query`` matches name, thôn and content without accents."""
    today = today or date.today()
    stmt = (
        select(Petition)
        .where(Petition.deleted_at.is_(None))
        .options(
            selectinload(Petition.hamlet),
            selectinload(Petition.field),
            selectinload(Petition.dialogue),
            selectinload(Petition.assignments).selectinload(Assignment.lead_unit),
            selectinload(Petition.answers),
        )
    )
    if open_first:
        # The follow-up list: nearest (or most overdue) deadline first, items without one last.
        deadline = (
            select(func.min(Assignment.deadline))
            .where(Assignment.petition_id == Petition.id)
            .scalar_subquery()
        )
        stmt = stmt.order_by(deadline.is_(None), deadline, Petition.id)
    else:
        stmt = stmt.order_by(Petition.dialogue_id.desc(), Petition.position, Petition.id)
    words = search_words(query)
    if words:
        # Every folded word must appear — "dang" finds "Đặng", "hoa" finds "hòa"; the last word
        # is a prefix so results follow the typing.
        match = " AND ".join([f'"{word}"' for word in words[:-1]] + [f'"{words[-1]}"*'])
        stmt = stmt.where(
            Petition.id.in_(
                text("SELECT rowid FROM petition_fts WHERE petition_fts MATCH :m").bindparams(m=match)
            )
        )
    if dialogue_id is not None:
        stmt = stmt.where(Petition.dialogue_id == dialogue_id)
    if statuses:
        stmt = stmt.where(Petition.status.in_(list(statuses)))
    if offset:
        stmt = stmt.offset(offset)
    if limit:
        stmt = stmt.limit(limit)
    return [petition_row(p, today) for p in session.scalars(stmt)]


def petition_row(petition: Petition, today: date) -> PetitionRow:
    assignment = petition.assignments[-1] if petition.assignments else None
    deadline = assignment.deadline if assignment else None
    state = deadline_state(deadline, today)
    dialogue: Dialogue | None = petition.dialogue
    hamlet: Hamlet | None = petition.hamlet
    field_row: Field | None = petition.field
    return PetitionRow(
        id=petition.id,
        dialogue_id=petition.dialogue_id,
        dialogue_date=dialogue.scheduled_at.date() if dialogue and dialogue.scheduled_at else None,
        petitioner=petition.petitioner_name or ("Ẩn danh" if petition.is_anonymous else ""),
        hamlet=hamlet.name if hamlet else "",
        field=field_row.name if field_row else "",
        kind=petition.kind,
        content=petition.content,
        status=petition.status,
        lead_unit=assignment.lead_unit.name if assignment else "",
        deadline=deadline,
        days_left=state.days_left if state else None,
        source=petition.source,
        answers=tuple(answer.content for answer in petition.answers),
    )


def count_petitions(session: Session) -> int:
    return (
        session.scalar(select(func.count()).select_from(Petition).where(Petition.deleted_at.is_(None))) or 0
    )
