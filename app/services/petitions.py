"""Ý kiến – kiến nghị: record, answer, assign, follow up, and list them."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    CompoundSelect,
    Integer,
    Select,
    String,
    bindparam,
    case,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased, selectinload
from sqlalchemy.sql import Executable

from app.domain.rules import (
    OUTCOME_STATUS,
    AnswerOutcome,
    PetitionKind,
    PetitionSource,
    PetitionStatus,
)
from app.domain.standing import (
    AssignmentFacts,
    PetitionFacts,
    Standing,
    meeting_day,
    petition_standing,
    resolved_on,
)
from app.domain.text import clean, petitioner_label, short_date
from app.errors import EditConflict, NotFoundError, ValidationError
from app.services import audit, counters, search, settings
from app.services.ordering import reversed_order
from app.services.search import petition_search_key as petition_search_key  # its one home is search
from app.services.text_guard import INT64
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
    commune_organizations,
)

OPEN_STATUSES = tuple(status for status in PetitionStatus if status.is_open)


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
    # The petition's version when the form was filled (PetitionRow.version); None: no check.
    version: int | None = None


@dataclass(frozen=True)
class PetitionRow:
    """One line of the petition lists and of the follow-up screen (plain data).

    ``deadline`` is the petition's deadline (the earliest among its unfinished assignments);
    ``days_left``, the phrase in ``deadline_text`` and the tone exist only while it runs.
    """

    id: int
    dialogue_id: int | None
    dialogue_date: date | None  # the meeting day
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
    standing: Standing = Standing.PENDING
    tone: str | None = None  # "danger" | "warning" | "ok" | "muted" | None
    deadline_text: str = ""  # "05/3/2026 (còn 3 ngày)"
    version: int = 0  # hand it back in PetitionInput.version: an edit from a stale copy is refused

    @property
    def overdue(self) -> bool:
        return self.standing is Standing.OVERDUE


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
    position = 0
    if data.dialogue_id is not None:
        position = counters.dialogue_petition_position(session, data.dialogue_id)
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
    )
    search.refresh_petition_key(session, row)
    session.add(row)
    session.flush()
    audit.record(session, "create", "petition", row.id)
    return row.id


def update_petition(session: Session, petition_id: int, data: PetitionInput) -> None:
    """Correct what was recorded about a petition; its search key follows in the same transaction."""
    problems = validate_petition(data)
    if problems:
        raise ValidationError(problems)
    row = get_petition(session, petition_id)
    check_version(
        row,
        data.version,
        {
            "petitioner_name": clean(data.petitioner_name),
            "hamlet_id": data.hamlet_id,
            "field_id": data.field_id,
            "content": clean(data.content),
        },
    )
    row.source = data.source
    row.kind = data.kind
    row.received_on = data.received_on
    row.petitioner_name = clean(data.petitioner_name)
    row.petitioner_phone = clean(data.petitioner_phone)
    row.petitioner_address = clean(data.petitioner_address)
    row.petitioner_org = clean(data.petitioner_org)
    row.is_group = data.is_group
    row.is_anonymous = data.is_anonymous
    if data.hamlet_id != row.hamlet_id:
        row.hamlet_id = data.hamlet_id
        row.hamlet_text = ""
    row.field_id = data.field_id
    row.content = clean(data.content)
    audit.record_edit(session, row, "petition")  # before the key refresh: only what the user changed
    search.refresh_petition_key(session, row)


def add_answer(
    session: Session,
    petition_id: int,
    *,
    content: str,
    outcome: AnswerOutcome,
    leader_id: int | None = None,
    at: datetime | None = None,
) -> int:
    petition = get_petition(session, petition_id)
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
    petition = get_petition(session, petition_id)
    problems = {}
    if session.get(Unit, lead_unit_id) is None:
        problems["lead_unit_id"] = "Hãy chọn đơn vị chủ trì giải quyết."
    dialogue = petition.dialogue
    held = meeting_day(dialogue.started_at, dialogue.scheduled_at) if dialogue else None
    if held and deadline < held:
        problems["deadline"] = (
            f"Thời hạn ({short_date(deadline)}) không thể trước ngày hội nghị ({short_date(held)})."
        )
    if problems:
        raise ValidationError(problems)
    assignment = Assignment(
        petition_id=petition.id,
        lead_unit_id=lead_unit_id,
        task=clean(task),
        deadline=deadline,
        assigned_on=assigned_on or held,
        supporting_units=[unit for unit_id in supporting_unit_ids if (unit := session.get(Unit, unit_id))],
    )
    session.add(assignment)
    if petition.status in (PetitionStatus.NEW, PetitionStatus.ANSWERED):
        petition.status = PetitionStatus.IN_PROGRESS
    session.flush()
    audit.record(session, "create", "assignment", assignment.id, petition_id=petition.id)
    return assignment.id


def finish_assignment(session: Session, assignment_id: int, on: date | None) -> None:
    """A unit reports its part done (``on``), or the office reopens it (``None``).

    A finished assignment no longer holds the petition's deadline.
    """
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        raise NotFoundError("nhiệm vụ được giao", assignment_id)
    assignment.finished_on = on
    audit.record(
        session,
        "update",
        "assignment",
        assignment.id,
        petition_id=assignment.petition_id,
        finished_on=on.isoformat() if on else None,
    )


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
    petition = get_petition(session, petition_id)
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
    petition = get_petition(session, petition_id)
    if not clean(authority):
        raise ValidationError({"forwarded_to": "Hãy nhập cấp có thẩm quyền nhận kiến nghị."})
    petition.forwarded_to = clean(authority)
    petition.status = PetitionStatus.FORWARDED
    audit.record(session, "update", "petition", petition.id, forwarded_to=petition.forwarded_to)


def petition_fields(petition: Petition) -> dict[str, object]:
    """What a conflict shows of a petition's current state."""
    return {
        "petitioner_name": petition.petitioner_name,
        "hamlet_id": petition.hamlet_id,
        "hamlet": petition.hamlet.name if petition.hamlet else petition.hamlet_text,
        "field_id": petition.field_id,
        "kind": petition.kind.value,
        "content": petition.content,
        "status": petition.status.value,
    }


def check_version(petition: Petition, expected: int | None, mine: dict[str, object]) -> None:
    """Refuse an edit made from a copy read before someone else's save (``expected`` is stale).

    The check sees what other PCs committed; two saves racing inside the same moment are caught
    again at the flush by the version column (``Database.transaction`` turns that into the same
    :class:`~app.errors.EditConflict`).
    """
    if expected is None or expected == petition.version:
        return
    raise EditConflict(
        "ý kiến, kiến nghị",
        petition.id,
        expected_version=expected,
        current_version=petition.version,
        mine=mine,
        theirs=petition_fields(petition),
        kind="petition",
    )


def version_of(session: Session, petition_id: int) -> int | None:
    """The petition's version once this unit of work's changes are flushed (what the next save of
    an autosaving form must hand back: its own previous save is never a conflict); None once the
    petition is gone (deleted meanwhile: the next save says so itself)."""
    session.flush()
    petition = session.get(Petition, petition_id) if petition_id in INT64 else None
    return petition.version if petition is not None else None


def expect_versions(
    session: Session,
    versions: Mapping[int, int],
    seen: Mapping[int, Mapping[str, object]] | None = None,
) -> None:
    """Refuse an action taken on petitions read at ``versions`` when one was saved since.

    The follow-up forms (result, status, assignment, deadline, duplicate, reopen, informed) call
    it in the same unit of work as their action; ``seen`` is what each form showed of the petition
    (``PetitionDetail.fields``), so the message puts it beside what is stored now.
    """
    for petition_id, version in versions.items():
        shown = dict((seen or {}).get(petition_id, {}))
        check_version(get_petition(session, petition_id), version, shown)


def get_petition(session: Session, petition_id: int) -> Petition:
    """The stored petition, or NotFoundError for a deleted or unknown id."""
    # An id no database can hold (a typed --id, a fuzzed number) is simply not found.
    petition = session.get(Petition, petition_id) if petition_id in INT64 else None
    if petition is None or petition.deleted_at is not None:
        raise NotFoundError("ý kiến", petition_id)
    return petition


# --- the one ORM → plain mapping -----------------------------------------------------------


def petition_facts(petition: Petition) -> PetitionFacts:
    """What the rules need from one stored petition: lists, hint, statistics and documents."""
    hamlet: Hamlet | None = petition.hamlet
    field_row: Field | None = petition.field
    return PetitionFacts(
        status=petition.status,
        assignments=tuple(AssignmentFacts(a.deadline, a.finished_on) for a in petition.assignments),
        resolved_on=resolved_on((u.on, u.reply_date, u.status_after) for u in petition.updates),
        field=field_row.name if field_row else "",
        field_position=field_row.position if field_row else 1_000_000,
        hamlet=hamlet.name if hamlet else petition.hamlet_text,
    )


def _row(
    *,
    ident: int,
    dialogue_id: int | None,
    dialogue_date: date | None,
    petitioner: str,
    kind: PetitionKind,
    content: str,
    source: PetitionSource,
    facts: PetitionFacts,
    lead_unit: str,
    answers: tuple[str, ...],
    today: date,
    near_due_days: int,
    version: int,
) -> PetitionRow:
    state = petition_standing(facts, today, near_due_days)
    return PetitionRow(
        id=ident,
        dialogue_id=dialogue_id,
        dialogue_date=dialogue_date,
        petitioner=petitioner,
        hamlet=facts.hamlet,
        field=facts.field,
        kind=kind,
        content=content,
        status=facts.status,
        lead_unit=lead_unit,
        deadline=state.deadline,
        days_left=state.days_left,
        source=source,
        answers=answers,
        standing=state.standing,
        tone=state.tone,
        deadline_text=state.deadline_text,
        version=version,
    )


def petition_row(petition: Petition, today: date, near_due_days: int) -> PetitionRow:
    """The row of one loaded petition (the lists read theirs with :func:`petition_rows`)."""
    assignment = petition.assignments[-1] if petition.assignments else None
    dialogue: Dialogue | None = petition.dialogue
    return _row(
        ident=petition.id,
        dialogue_id=petition.dialogue_id,
        dialogue_date=meeting_day(dialogue.started_at, dialogue.scheduled_at) if dialogue else None,
        petitioner=petitioner_label(petition.petitioner_name, petition.is_anonymous, petition.is_group),
        kind=petition.kind,
        content=petition.content,
        source=petition.source,
        facts=petition_facts(petition),
        lead_unit=assignment.lead_unit.name if assignment else "",
        answers=tuple(answer.content for answer in petition.answers),
        today=today,
        near_due_days=near_due_days,
        version=petition.version,
    )


# Everything petition_row reads, loaded in a handful of queries for a whole page.
PETITION_LOAD = (
    selectinload(Petition.hamlet),
    selectinload(Petition.field),
    selectinload(Petition.dialogue),
    selectinload(Petition.assignments).selectinload(Assignment.lead_unit),
    selectinload(Petition.answers),
    selectinload(Petition.updates),
)


# The four statements of petition_rows, built once: building them (and their 200-value IN
# clauses) for every page cost more than running them. PostgreSQL: ``ids`` is one expanding
# parameter. SQLite: one JSON array read by json_each, so the statement text never changes and
# no 200 parameters are rendered and bound per query (~2 ms each of the four on a page).
_ROW_IDS: BindParameter[int] = bindparam("row_ids", expanding=True)
_ROW_IDS_JSON = select(literal_column("value", Integer)).select_from(text("json_each(:row_ids_json)"))


def _row_statements(ids: Any) -> tuple[Executable, Executable, Executable, Executable]:
    main = (
        select(
            Petition.id,
            Petition.dialogue_id,
            Petition.petitioner_name,
            Petition.is_anonymous,
            Petition.hamlet_text,
            Petition.kind,
            Petition.content,
            Petition.status,
            Petition.source,
            Hamlet.name,
            Field.name,
            Field.position,
            Dialogue.started_at,
            Dialogue.scheduled_at,
            Petition.version,
            Petition.is_group,
        )
        .outerjoin(Hamlet, Hamlet.id == Petition.hamlet_id)
        .outerjoin(Field, Field.id == Petition.field_id)
        .outerjoin(Dialogue, Dialogue.id == Petition.dialogue_id)
        .where(Petition.id.in_(ids), Petition.deleted_at.is_(None))
    )
    assignments = (
        select(Assignment.petition_id, Assignment.deadline, Assignment.finished_on, Unit.name)
        .join(Unit, Unit.id == Assignment.lead_unit_id)
        .where(Assignment.petition_id.in_(ids))
        .order_by(Assignment.id)
    )
    answers = (
        select(Answer.petition_id, Answer.content)
        .where(Answer.petition_id.in_(ids))
        .order_by(Answer.position, Answer.id)
    )
    updates = (
        select(
            ResolutionUpdate.petition_id,
            ResolutionUpdate.on,
            ResolutionUpdate.reply_date,
            ResolutionUpdate.status_after,
        )
        .where(ResolutionUpdate.petition_id.in_(ids))
        .order_by(ResolutionUpdate.id)
    )
    return main, assignments, answers, updates


_ROW_STATEMENTS = _row_statements(_ROW_IDS)
_ROW_STATEMENTS_JSON = _row_statements(_ROW_IDS_JSON)


def petition_rows(
    session: Session, ids: Sequence[int], *, today: date | None = None, near_due_days: int | None = None
) -> list[PetitionRow]:
    """Rows for these petitions, in the order of ``ids`` (missing or deleted ones left out).

    Plain column queries, four for a whole page, run on the session's connection: no ORM objects
    (building and tracking them cost a list page 50–100 ms on a large history, the queries
    themselves ~3 ms). The values go through the same ``_row`` and ``PetitionFacts`` as
    :func:`petition_row`. ``near_due_days``: the setting, when the caller has already read it.
    """
    if not ids:
        return []
    today = today or date.today()
    near = settings.near_due_days(session) if near_due_days is None else near_due_days
    wanted = list(ids)
    session.flush()  # what the caller changed is read back, as the ORM's autoflush would
    connection = session.connection()
    params: dict[str, Any]
    if connection.dialect.name == "sqlite":
        statements, params = _ROW_STATEMENTS_JSON, {"row_ids_json": json.dumps(wanted)}
    else:
        statements, params = _ROW_STATEMENTS, {"row_ids": wanted}
    main_sql, assignments_sql, answers_sql, updates_sql = statements
    main = connection.execute(main_sql, params).all()
    assignments: dict[int, list[tuple[date | None, date | None, str]]] = {}
    for petition_id, deadline, finished_on, unit in connection.execute(assignments_sql, params):
        assignments.setdefault(petition_id, []).append((deadline, finished_on, unit))
    answers: dict[int, list[str]] = {}
    for petition_id, content in connection.execute(answers_sql, params):
        answers.setdefault(petition_id, []).append(content)
    updates: dict[int, list[tuple[date, date | None, PetitionStatus]]] = {}
    for petition_id, on, reply_date, status_after in connection.execute(updates_sql, params):
        updates.setdefault(petition_id, []).append((on, reply_date, status_after))
    rows: dict[int, PetitionRow] = {}
    for (
        ident,
        dialogue_id,
        name,
        anonymous,
        hamlet_text,
        kind,
        content,
        status,
        source,
        hamlet,
        field_name,
        field_position,
        started_at,
        scheduled_at,
        version,
        group,
    ) in main:
        parts = assignments.get(ident, [])
        facts = PetitionFacts(
            status=status,
            assignments=tuple(AssignmentFacts(deadline, finished) for deadline, finished, _unit in parts),
            resolved_on=resolved_on(updates.get(ident, ())),
            field=field_name or "",
            field_position=field_position if field_position is not None else 1_000_000,
            hamlet=hamlet if hamlet is not None else hamlet_text,
        )
        rows[ident] = _row(
            ident=ident,
            dialogue_id=dialogue_id,
            dialogue_date=meeting_day(started_at, scheduled_at),
            petitioner=petitioner_label(name, anonymous, group),
            kind=kind,
            content=content,
            source=source,
            facts=facts,
            lead_unit=parts[-1][2] if parts else "",
            answers=tuple(answers.get(ident, ())),
            today=today,
            near_due_days=near,
            version=version,
        )
    return [rows[i] for i in wanted if i in rows]


# --- SQL twins of the rules (app.domain.standing) --------------------------------------------


def petition_conditions(
    session: Session, flt: PetitionFilter, today: date | None = None
) -> list[ColumnElement[bool]]:
    """The WHERE conditions of ``flt`` on ``Petition`` except the text query (search joins those)."""
    return _conditions(scoped(session, flt), today or date.today(), settings.near_due_days(session))


def petition_deadline_sql() -> InstrumentedAttribute[date | None]:
    """:func:`app.domain.standing.petition_deadline` in SQL: earliest unfinished deadline.

    The petition row carries it (``Petition.due_on``, refreshed in the same flush as any change
    to its assignments: ``app.storage.models.refresh_derived``), so filters and sorts use its index.
    """
    return Petition.due_on


def meeting_moment_sql() -> ColumnElement[Any]:
    """:func:`app.domain.standing.meeting_day` in SQL (the moment; compare with day bounds)."""
    return func.coalesce(Dialogue.started_at, Dialogue.scheduled_at)


def dialogues_held_between(start: date, end: date) -> Select[Any]:
    """Ids of the dialogues whose meeting day falls from ``start`` to ``end`` (inclusive)."""
    return select(Dialogue.id).where(
        meeting_moment_sql().between(datetime.combine(start, time.min), datetime.combine(end, time.max))
    )


# --- lists: filtered and sorted in SQL -------------------------------------------------------


@dataclass(frozen=True)
class PetitionFilter:
    """What a petition list shows; every field narrows it (empty: no condition)."""

    query: str = ""
    dialogue_id: int | None = None
    year: int | None = None  # year of the meeting day (received_on outside any dialogue)
    field_id: int | None = None
    unit_id: int | None = None  # lead unit of an assignment
    hamlet_id: int | None = None
    statuses: tuple[PetitionStatus, ...] = ()
    due: str | None = None  # None | "near" | "overdue" (open petitions only)
    commune_id: int | None = None  # one commune (a signed-in commune user: always theirs)


def scoped(session: Session, flt: PetitionFilter) -> PetitionFilter:
    """``flt`` limited to the commune the signed-in user works in (unchanged without one)."""
    from dataclasses import replace

    from app.storage.models import WORK_COMMUNE_KEY

    work = session.info.get(WORK_COMMUNE_KEY)
    if work is None or flt.commune_id == work:
        return flt
    return replace(flt, commune_id=work)


WINDOW_SPARE = 20  # matches read past a ranked page, for the deleted petitions among them
PETITION_SORTS = (
    "default",
    "petitioner",
    "hamlet",
    "content",
    "status",
    "deadline",
    "lead_unit",
    "field",
    "dialogue_date",
)
DUE_FILTERS = ("near", "overdue")


def _conditions(
    flt: PetitionFilter, today: date, near_due_days: int, *, deadline_order: bool = False
) -> list[ColumnElement[bool]]:
    """``deadline_order``: the list walks a deadline index (Theo dõi's order), so the year is
    tested on each entry of that index rather than gathered from the dialogues' index."""
    conditions: list[ColumnElement[bool]] = [Petition.deleted_at.is_(None)]
    if flt.commune_id is not None:
        conditions.append(Petition.organization_id.in_(commune_organizations(flt.commune_id)))
    if flt.dialogue_id is not None:
        conditions.append(Petition.dialogue_id == flt.dialogue_id)
    if flt.year is not None:
        start, end = date(flt.year, 1, 1), date(flt.year, 12, 31)
        held = Petition.dialogue_id.in_(dialogues_held_between(start, end))
        received = Petition.received_on.between(start, end)
        if deadline_order:
            # The same test as one CASE: an OR would send SQLite to gather the year's petitions
            # from the dialogue index and sort all of them; the CASE is checked inside the
            # deadline index (its trailing columns) while the walk stops at the page's end.
            conditions.append(case((Petition.dialogue_id.is_(None), received), else_=held))
        else:
            conditions.append(or_(held, Petition.dialogue_id.is_(None) & received))
    if flt.field_id is not None:
        conditions.append(Petition.field_id == flt.field_id)
    if flt.hamlet_id is not None:
        conditions.append(Petition.hamlet_id == flt.hamlet_id)
    if flt.unit_id is not None:
        # EXISTS, not IN: a busy unit leads ~20 000 assignments, and IN built that list for every
        # page; one seek of ix_assignment_unit_petition per petition read stops with the page.
        conditions.append(
            select(Assignment.id)
            .where(Assignment.lead_unit_id == flt.unit_id, Assignment.petition_id == Petition.id)
            .exists()
        )
    if flt.statuses:
        conditions.append(Petition.status.in_(list(flt.statuses)))
    if flt.due is not None:
        if flt.due not in DUE_FILTERS:
            raise ValueError(f"unknown due filter {flt.due!r}")
        deadline = petition_deadline_sql()
        conditions.append(Petition.status.in_(list(OPEN_STATUSES)))
        if flt.due == "overdue":
            conditions.append(deadline < today)
        else:
            end = date.fromordinal(today.toordinal() + near_due_days)
            conditions.append(deadline.between(today, end))
    return conditions


def _sort_keys(stmt: Select[Any], sort: str, descending: bool) -> tuple[Select[Any], list[Any], list[Any]]:
    """(statement with any joins, keys that follow the direction, keys always ascending first)."""
    if sort == "petitioner":
        return stmt, [Petition.petitioner_sort], []
    if sort == "content":
        return stmt, [Petition.content_sort], []
    if sort == "hamlet":
        stmt = stmt.outerjoin(Hamlet, Petition.hamlet_id == Hamlet.id)
        return stmt, [func.coalesce(Hamlet.sort_key, "")], []
    if sort == "field":
        stmt = stmt.outerjoin(Field, Petition.field_id == Field.id)
        return stmt, [func.coalesce(Field.sort_key, "")], []
    if sort == "status":
        order = {status.value: n for n, status in enumerate(PetitionStatus)}
        return stmt, [case(order, value=Petition.status, else_=len(order))], []
    if sort == "deadline":
        # Only the petitions with a deadline (list_petitions pages the rest after them, by id).
        return stmt.where(Petition.due_on.is_not(None)), [Petition.due_on], []
    if sort == "no_deadline":
        return stmt.where(Petition.due_on.is_(None)), [], []
    if sort == "lead_unit":
        return stmt, [Petition.lead_unit_sort], []  # "" (no assignment) first, as before
    if sort == "dialogue_date":
        stmt = stmt.outerjoin(Dialogue, Petition.dialogue_id == Dialogue.id)
        moment = func.coalesce(meeting_moment_sql(), Petition.received_on)
        return stmt, [moment, Petition.position], [moment.is_(None)]
    raise ValueError(f"unknown petition sort {sort!r}")


def _by_meeting_moment(stmt: Select[Any], descending: bool) -> CompoundSelect[Any]:
    """The sort by Ngày hội nghị on SQLite, without sorting every petition.

    One ORDER BY over the join (as ``_sort_keys`` gives PostgreSQL) made SQLite read and sort
    all 100 000 petitions before the LIMIT. Here the held dialogues come in meeting order off
    ``ix_dialogue_moment`` and each one's petitions by position off
    ``ix_petition_dialogue_position`` (only one dialogue's entries are sorted at a time); the
    few petitions outside any dialogue, or of a dialogue with no date, come by their received
    day and are merged in (UNION ALL with ORDER BY: a merge of ordered parts, stopping at the
    page's end). Ties on the moment go by dialogue, so two dialogues held at the same time
    list their petitions one dialogue after the other instead of interleaved by position.
    """
    meeting = aliased(Dialogue, name="meeting")
    moment = func.coalesce(meeting.started_at, meeting.scheduled_at)  # meeting_moment_sql, aliased
    # No date at all: last in both directions, as "moment IS NULL" first put them (dates are
    # ISO text on SQLite: "~" sorts after every one, "" before).
    undated = literal("" if descending else "~", String)
    received = func.coalesce(type_coerce(Petition.received_on, String), undated)

    def keyed(part: Select[Any], day: Any, group: Any) -> Select[Any]:
        return part.add_columns(
            type_coerce(day, String).label("day"),
            type_coerce(group, Integer).label("grp"),
            Petition.position.label("pos"),
        )

    held = stmt.join(meeting, Petition.dialogue_id == meeting.id)
    parts = union_all(
        keyed(held.where(moment.is_not(None)), moment, meeting.id),
        keyed(stmt.where(Petition.dialogue_id.is_(None)), received, literal(0)),
        keyed(held.where(moment.is_(None)), received, literal(0)),
    )
    keys = [parts.selected_columns[name] for name in ("day", "grp", "pos", "id")]
    return parts.order_by(*(key.desc() if descending else key for key in keys))


def _status_led(flt: PetitionFilter) -> bool:
    """Open statuses only (the few still being worked on: "chưa xong", "mới", "đang giải quyết")
    and no lĩnh vực, thôn or hội nghị, which have their own deadline index."""
    return (
        bool(flt.statuses)
        and all(status.is_open for status in flt.statuses)
        and flt.field_id is None
        and flt.hamlet_id is None
        and flt.dialogue_id is None
    )


def _newest_matches(flt: PetitionFilter, sort: str, dialect: str) -> tuple[Any, ColumnElement[bool]] | None:
    """The FTS5 walk for the search box alone (no other filter): with a filter that keeps few
    rows (one dialogue), walking every match of a common word would read more than the
    filter's index does, so filtered searches keep ``id IN (matches)``."""
    if sort != "default" or flt != PetitionFilter(query=flt.query, commune_id=flt.commune_id):
        return None
    return search.newest_matches(flt.query, dialect)


def petition_ids_statement(
    flt: PetitionFilter,
    *,
    sort: str = "default",
    descending: bool = False,
    today: date,
    near_due_days: int,
    ranked: bool = True,
    dialect: str = "sqlite",
    window: int | None = None,
) -> Select[Any] | CompoundSelect[Any]:
    """The sorted, filtered ids (no LIMIT yet): what list_petitions pages through.

    With a query and the default sort, ``ranked`` orders by relevance (bm25); otherwise, or when
    the query matches too much for ranking to mean anything, newest first. ``window``: the
    search box alone reads only the best ``window`` matches (:func:`search.best_matches`); the
    caller asks again without it when the page comes back short.
    """
    deadline_order = sort in ("deadline", "no_deadline")
    stmt: Select[Any] = select(Petition.id).where(
        *_conditions(flt, today, near_due_days, deadline_order=deadline_order)
    )
    keys: list[Any]
    fixed: list[Any] = []
    by_id = False
    matches = None
    plain = flt == PetitionFilter(query=flt.query, commune_id=flt.commune_id)
    if sort == "default" and ranked:
        if window is not None and plain:
            matches = search.best_matches(flt.query, window, dialect)
        if matches is None:
            matches = search.ranked_matches(flt.query, dialect)
    if matches is not None:
        stmt = stmt.join(matches, matches.c.id == Petition.id)
        keys = [matches.c.rank]  # relevance, best first
    elif (newest := _newest_matches(flt, sort, dialect)) is not None:
        # Newest first in FTS5's own rowid order: the walk stops at the page's end.
        fts, match = newest
        stmt = stmt.join(fts, fts.c.rowid == Petition.id).where(match)
        keys, by_id = [fts.c.rowid.desc()], True
    else:
        condition = search.search_condition(flt.query, dialect)
        if condition is not None:
            stmt = stmt.where(condition)
        if sort == "default" and condition is not None:
            keys, by_id = [Petition.id.desc()], True  # newest first (PostgreSQL: off the primary key)
        elif sort == "default":
            # Newest dialogue first, then the order they were raised (ix_petition_*_dialogue...).
            keys = [Petition.dialogue_id.desc(), Petition.position]
        elif sort == "no_deadline" and dialect == "sqlite" and _status_led(flt):
            # The undated part under a status filter: a few petitions in ix_petition_status_due,
            # but SQLite would walk the 35 000 undated (mostly finished) entries of ix_petition_due
            # for their id order. "+due_on" (SQLite's way to keep a term off an index) sends it
            # to the status index, where the few are sorted; PostgreSQL plans by its statistics.
            stmt, keys = stmt.where(literal_column("+petition.due_on").is_(None)), []
        elif sort == "dialogue_date" and dialect == "sqlite" and plain and not flt.query:
            # The whole list: a filter's own index finds its few matches, sorted once (each part
            # of the merge would gather them again).
            return _by_meeting_moment(stmt, descending)
        else:
            stmt, keys, fixed = _sort_keys(stmt, sort, descending)
    if not by_id:
        keys = [*keys, Petition.id]  # ties broken by id: pages never overlap
    ordered = [reversed_order(key) if descending else key for key in keys]
    return stmt.order_by(*fixed, *ordered)


def list_petitions(
    session: Session,
    flt: PetitionFilter = PetitionFilter(),
    *,
    sort: str = "default",
    descending: bool = False,
    offset: int = 0,
    limit: int | None = None,
    today: date | None = None,
) -> list[PetitionRow]:
    """One page of petitions as plain rows, filtered and sorted inside SQLite.

    ``flt.query`` matches name, thôn and content without accents (words in any order, the last
    a prefix); with ``sort="default"`` the matches come by relevance. Vietnamese order comes
    from the stored collation keys; ties are broken by id so pages never overlap.
    """
    if sort not in PETITION_SORTS:
        raise ValueError(f"unknown petition sort {sort!r}")
    today = today or date.today()
    flt = scoped(session, flt)
    near = settings.near_due_days(session)
    matched = (
        search.match_count(session, flt.query, at_most=search.RANKED_MATCHES_LIMIT + 1)
        if sort == "default"
        else 0
    )
    ranked = 0 < matched <= search.RANKED_MATCHES_LIMIT  # search.rankable, without counting twice
    dialect = search.dialect_of(session)

    def page(order: str, start: int, size: int | None, window: int | None = None) -> list[int]:
        stmt = petition_ids_statement(
            flt,
            sort=order,
            descending=descending,
            today=today,
            near_due_days=near,
            ranked=ranked,
            dialect=dialect,
            window=window,
        )
        if start:
            stmt = stmt.offset(start)
        if size is not None:
            stmt = stmt.limit(size)
        return list(session.scalars(stmt))

    if sort == "default" and ranked and limit is not None and not descending:
        # The best offset + limit matches (and a few spare for deleted petitions), cut inside
        # SQLite; a page short while matches remain beyond the window is asked again in full.
        window = offset + limit + WINDOW_SPARE
        ids = page(sort, offset, limit, window)
        if len(ids) < limit and matched > window:
            ids = page(sort, offset, limit)
        return petition_rows(session, ids, today=today, near_due_days=near)
    if sort != "deadline":
        return petition_rows(session, page(sort, offset, limit), today=today, near_due_days=near)
    # By deadline: those with one in order off the index, then those without (by id), in either
    # direction; the count of the first part is needed only for a page past its end.
    ids = page("deadline", offset, limit)
    if limit is None or len(ids) < limit:
        with_deadline = (
            offset + len(ids)
            if ids or not offset
            else session.scalar(
                select(func.count()).select_from(
                    petition_ids_statement(
                        flt, sort="deadline", today=today, near_due_days=near, dialect=dialect
                    )
                    .order_by(None)
                    .subquery()
                )
            )
            or 0
        )
        rest = None if limit is None else limit - len(ids)
        ids += page("no_deadline", max(0, offset - with_deadline), rest)
    return petition_rows(session, ids, today=today, near_due_days=near)


def count_petitions(
    session: Session,
    flt: PetitionFilter = PetitionFilter(),
    *,
    today: date | None = None,
) -> int:
    """How many petitions :func:`list_petitions` would list with this filter."""
    today = today or date.today()
    flt = scoped(session, flt)
    near = settings.near_due_days(session)
    stmt = select(func.count()).select_from(Petition).where(*_conditions(flt, today, near))
    condition = search.search_condition(flt.query, search.dialect_of(session))
    if condition is not None:
        stmt = stmt.where(condition)
    return session.scalar(stmt) or 0
