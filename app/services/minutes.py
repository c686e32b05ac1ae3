"""Live minutes: what the secretary does while the dialogue runs, one function per action.

Every keystroke batch is a small transaction (the UI's autosave calls ``update_opinion`` and
``update_entry``), so a power cut loses at most the last second of typing. A new opinion or note
exists in the database from its first character on: there is no unsaved draft anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from app.domain.rules import (
    AnswerOutcome,
    DialogueState,
    MinuteKind,
    PetitionKind,
    PetitionSource,
    PetitionStatus,
)
from app.domain.standing import Standing, meeting_day
from app.domain.text import clean, days_phrase, petitioner_label, search_words, short_date
from app.errors import AppError, NotFoundError, ValidationError
from app.services import audit, catalog, counters, locking, petitions, search, settings

# Asked at start, before the first list: it lives with the dialogues, loaded without this module.
from app.services.dialogues import LIVE_SESSION_KEY
from app.storage.models import (
    Answer,
    Attendee,
    Conclusion,
    Dialogue,
    Field,
    Hamlet,
    Leader,
    MinuteEntry,
    Petition,
)

# --- plain data for the screen --------------------------------------------------------------


@dataclass(frozen=True)
class EntryRow:
    id: int
    position: int
    at: datetime
    kind: MinuteKind
    speaker: str
    content: str
    petition_id: int | None


@dataclass(frozen=True)
class OpinionRow:
    id: int
    petitioner: str  # as lists show it (text.petitioner_label): «Ẩn danh», «Nhóm công dân»
    hamlet: str
    field: str
    field_id: int | None
    hamlet_id: int | None
    kind: PetitionKind
    content: str
    status: PetitionStatus
    source: PetitionSource
    raised_at_meeting: bool
    answers: int
    version: int = 0
    petitioner_name: str = ""  # as typed: what the editor shows in its name field


@dataclass(frozen=True)
class LiveDialogue:
    id: int
    title: str
    place: str
    scheduled_at: datetime | None
    state: DialogueState
    started_at: datetime | None
    ended_at: datetime | None
    chair: str
    counts: dict[str, int]
    attendees: list[tuple[str, str]]  # named key attendees: name, chức vụ
    absentees: list[tuple[str, str, str]]  # invited but absent: name, chức vụ, reason
    secretary: str
    entries: list[EntryRow]
    opinions: list[OpinionRow]  # raised at this meeting (incl. ticked pre-collected ones)
    collected: list[OpinionRow]  # gathered before, not yet raised
    conclusions: list[str]
    default_deadline: date

    @property
    def meeting_day(self) -> date | None:
        """The day answers' deadlines count from: the real start once held, else the planned day."""
        return meeting_day(self.started_at, self.scheduled_at)


@dataclass(frozen=True)
class SimilarPetition:
    id: int
    dialogue_date: date | None
    petitioner: str
    hamlet: str
    content: str
    answer: str
    unit: str
    status: PetitionStatus
    deadline: date | None
    status_text: str  # "đang giải quyết, quá hạn 12 ngày"
    standing: Standing = Standing.PENDING
    tone: str | None = None


@dataclass
class OpinionInput:
    petitioner_name: str = ""
    hamlet: str = ""  # a name: an unknown thôn joins Danh mục only at finish_opinion
    field_id: int | None = None
    kind: PetitionKind = PetitionKind.PROPOSAL
    content: str = ""
    is_anonymous: bool = False
    version: int | None = None  # OpinionRow.version the editor started from; None: no check


@dataclass
class AnswerInput:
    petition_id: int
    content: str
    outcome: AnswerOutcome
    leader_id: int | None = None
    lead_unit_id: int | None = None
    supporting_unit_ids: Sequence[int] = field(default_factory=tuple)
    deadline: date | None = None
    forwarded_to: str = ""
    at: datetime | None = None


# --- lifecycle ---------------------------------------------------------------------------


def _dialogue(session: Session, dialogue_id: int) -> Dialogue:
    dialogue = session.get(Dialogue, dialogue_id)
    if dialogue is None:
        raise NotFoundError("hội nghị", dialogue_id)
    return dialogue


def start_dialogue(session: Session, dialogue_id: int, now: datetime | None = None) -> None:
    """ "Bắt đầu hội nghị": the clock starts, the actual start time is recorded."""
    locking.ensure_unlocked(session, dialogue_id)  # chốt biên bản
    dialogue = _dialogue(session, dialogue_id)
    if dialogue.state == DialogueState.CLOSED:
        raise AppError(
            f"dialogue {dialogue_id} is closed",
            "Hội nghị này đã kết thúc. Muốn ghi tiếp, hãy mở lại hội nghị trước.",
        )
    if dialogue.state == DialogueState.PLANNED:
        dialogue.state = DialogueState.IN_PROGRESS
        dialogue.started_at = now or datetime.now().replace(microsecond=0)
        audit.record(session, "start", "dialogue", dialogue.id)
    settings.store_state(session, LIVE_SESSION_KEY, {"dialogue_id": dialogue.id})


def end_dialogue(
    session: Session, dialogue_id: int, conclusions: Sequence[str], now: datetime | None = None
) -> None:
    """ "Kết thúc hội nghị": end time, the chair's conclusion items, state closed."""
    locking.ensure_unlocked(session, dialogue_id)  # chốt biên bản
    dialogue = _dialogue(session, dialogue_id)
    items = [c for item in conclusions if (c := clean(item))]
    if dialogue.state != DialogueState.IN_PROGRESS:
        raise AppError(f"dialogue {dialogue_id} is not running", "Hội nghị chưa bắt đầu hoặc đã kết thúc.")
    when = now or datetime.now().replace(microsecond=0)
    # The meeting is over, so is every opinion: typed thôn join Danh mục now at the latest.
    for (petition_id,) in session.execute(
        select(Petition.id).where(Petition.dialogue_id == dialogue.id, Petition.hamlet_text != "")
    ).all():
        finish_opinion(session, petition_id)
    save_conclusions(session, dialogue.id, items)
    # An end after a reopen replaces the conclusion lines of the first end.
    for entry in session.scalars(
        select(MinuteEntry).where(
            MinuteEntry.dialogue_id == dialogue.id, MinuteEntry.kind == MinuteKind.CONCLUSION
        )
    ):
        session.delete(entry)
    chair = dialogue.chair
    for item in items:  # each conclusion stays its own item, as the chair gave them
        add_entry(
            session,
            dialogue.id,
            MinuteKind.CONCLUSION,
            speaker=f"{chair.full_name}, {chair.title}" if chair else "Chủ trì hội nghị",
            content=item,
            at=when,
        )
    dialogue.state = DialogueState.CLOSED
    dialogue.ended_at = when
    settings.store_state(session, LIVE_SESSION_KEY, None)
    audit.record(session, "end", "dialogue", dialogue.id, conclusions=len(items))


def save_conclusions(session: Session, dialogue_id: int, conclusions: Sequence[str]) -> None:
    """The autosave of the chair's conclusion while it is typed (before "Kết thúc")."""
    locking.ensure_unlocked(session, dialogue_id)  # chốt biên bản
    dialogue = _dialogue(session, dialogue_id)
    items = [c for item in conclusions if (c := clean(item))]
    for existing in list(dialogue.conclusions):
        session.delete(existing)
    session.flush()
    for position, item in enumerate(items, start=1):
        session.add(Conclusion(dialogue_id=dialogue.id, position=position, content=item))


def reopen_dialogue(session: Session, dialogue_id: int) -> None:
    """Undo an accidental "Kết thúc": back to in progress, end time cleared."""
    locking.ensure_unlocked(session, dialogue_id)  # chốt biên bản
    dialogue = _dialogue(session, dialogue_id)
    if dialogue.state == DialogueState.CLOSED:
        dialogue.state = DialogueState.IN_PROGRESS
        dialogue.ended_at = None
        settings.store_state(session, LIVE_SESSION_KEY, {"dialogue_id": dialogue.id})
        audit.record(session, "reopen", "dialogue", dialogue.id)


@dataclass(frozen=True)
class OpenDraft:
    """The opinion or minute line being typed when the program stopped."""

    kind: str  # DRAFT_OPINION or DRAFT_NOTE
    item_id: int  # petition id or minute entry id


DRAFT_OPINION, DRAFT_NOTE = "opinion", "note"


def mark_open_draft(session: Session, dialogue_id: int, kind: str, item_id: int) -> None:
    """Remember the item being typed, in the same transaction as its autosave.

    After a crash the window reopens exactly this item; finishing it clears the mark.
    """
    state = {"dialogue_id": dialogue_id, "draft": {"kind": kind, "id": item_id}}
    if settings.get_setting(session, LIVE_SESSION_KEY) != state:
        settings.store_state(session, LIVE_SESSION_KEY, state)


def clear_open_draft(session: Session, kind: str, item_id: int) -> None:
    """The item is finished: a crash from now on reopens no editor."""
    state = settings.get_setting(session, LIVE_SESSION_KEY)
    if isinstance(state, dict) and state.get("draft") == {"kind": kind, "id": item_id}:
        settings.store_state(session, LIVE_SESSION_KEY, {"dialogue_id": state.get("dialogue_id")})


def open_draft(session: Session, dialogue_id: int) -> OpenDraft | None:
    """The item of ``dialogue_id`` that was being typed, if it still exists."""
    state = settings.get_setting(session, LIVE_SESSION_KEY)
    if not isinstance(state, dict) or state.get("dialogue_id") != dialogue_id:
        return None
    draft = state.get("draft")
    if not isinstance(draft, dict) or not isinstance(draft.get("id"), int):
        return None
    kind, item_id = draft.get("kind"), draft["id"]
    petition = session.get(Petition, item_id) if kind == DRAFT_OPINION else None
    if petition is not None and petition.deleted_at is None:
        return OpenDraft(DRAFT_OPINION, item_id)
    entry = session.get(MinuteEntry, item_id) if kind == DRAFT_NOTE else None
    if entry is not None and entry.deleted_at is None:
        return OpenDraft(DRAFT_NOTE, item_id)
    return None


MAX_ATTENDANCE = 1_000_000


def set_attendance(
    session: Session,
    dialogue_id: int,
    *,
    leaders: int,
    units: int,
    hamlet_heads: int,
    citizens: int,
    attendees: Sequence[tuple[str, str]] = (),
    absentees: Sequence[tuple[str, str, str]] = (),
    secretary: str | None = None,
) -> None:
    """The attendance as typed: counts, named key attendees (name, chức vụ), the invited who
    are absent (name, chức vụ, reason) and the secretary who writes the minutes."""
    locking.ensure_unlocked(session, dialogue_id)  # chốt biên bản
    if min(leaders, units, hamlet_heads, citizens) < 0:
        raise ValidationError({"counts": "Số người tham dự không thể âm."})
    if max(leaders, units, hamlet_heads, citizens) > MAX_ATTENDANCE:
        # Also what a 32-bit INTEGER column on PostgreSQL holds, where SQLite would take any size.
        raise ValidationError(
            {"counts": f"Số người tham dự quá lớn (tối đa {MAX_ATTENDANCE:,}).".replace(",", ".")}
        )
    dialogue = _dialogue(session, dialogue_id)
    dialogue.leaders_count, dialogue.units_count = leaders, units
    dialogue.hamlet_heads_count, dialogue.citizens_count = hamlet_heads, citizens
    present = [
        Attendee(full_name=clean(name), title=clean(title)) for name, title in attendees if clean(name)
    ]
    absent = [
        Attendee(full_name=clean(name), title=clean(title), absent=True, reason=clean(reason))
        for name, title, reason in absentees
        if clean(name)
    ]
    for index, attendee in enumerate([*present, *absent], start=1):
        attendee.position = index
    dialogue.attendees = [*present, *absent]
    if secretary is not None:
        dialogue.secretary_name = clean(secretary)[:100]


# --- minute entries ------------------------------------------------------------------------


def add_entry(
    session: Session,
    dialogue_id: int,
    kind: MinuteKind,
    *,
    speaker: str = "",
    content: str = "",
    petition_id: int | None = None,
    at: datetime | None = None,
) -> int:
    locking.ensure_unlocked(session, dialogue_id)  # chốt biên bản
    position = counters.minute_entry_position(session, dialogue_id)
    entry = MinuteEntry(
        dialogue_id=dialogue_id,
        position=position,
        at=at or datetime.now().replace(microsecond=0),
        kind=kind,
        speaker=clean(speaker),
        content=clean(content),
        petition_id=petition_id,
    )
    session.add(entry)
    session.flush()
    return entry.id


def update_entry(
    session: Session, entry_id: int, *, speaker: str | None = None, content: str | None = None
) -> None:
    """The autosave of a note being typed."""
    entry = session.get(MinuteEntry, entry_id)
    if entry is None:
        raise NotFoundError("dòng biên bản", entry_id)
    if speaker is not None:
        entry.speaker = clean(speaker)
    if content is not None:
        entry.content = clean(content)


def delete_entry(session: Session, entry_id: int) -> None:
    """Soft delete: asks nothing, undoable with Ctrl+Z, kept in the audit log."""
    entry = session.get(MinuteEntry, entry_id)
    if entry is None:
        raise NotFoundError("dòng biên bản", entry_id)
    entry.deleted_at = datetime.now()
    if entry.petition_id is not None and entry.kind == MinuteKind.SPEECH:
        petition = session.get(Petition, entry.petition_id)
        if petition is not None and petition.source == PetitionSource.AT_MEETING:
            petition.deleted_at = entry.deleted_at
    audit.record(session, "delete", "minute_entry", entry.id, content=entry.content[:200])


def restore_entry(session: Session, entry_id: int) -> None:
    entry = session.get(MinuteEntry, entry_id)
    if entry is None:
        raise NotFoundError("dòng biên bản", entry_id)
    entry.deleted_at = None
    if entry.petition_id is not None:
        petition = session.get(Petition, entry.petition_id)
        if petition is not None:
            petition.deleted_at = None
    audit.record(session, "restore", "minute_entry", entry.id)


# --- opinions --------------------------------------------------------------------------------


def _resolve_hamlet(session: Session, name: str) -> tuple[int | None, str]:
    """(Danh mục id, typed text) for a thôn typed live: a known name (accents ignored) links at
    once; an unknown one stays typed text, so autosaving "Thôn N", "Thôn Nộ"… adds nothing."""
    cleaned = clean(name)
    if not cleaned:
        return None, ""
    known = catalog.find_entry(session, "hamlet", cleaned)
    if known is not None:
        return known.id, ""
    return None, cleaned


def record_opinion(
    session: Session, dialogue_id: int, data: OpinionInput, at: datetime | None = None
) -> tuple[int, int]:
    """A citizen starts speaking: the petition and its minute line exist from the first key.

    Returns (petition id, minute entry id). Content may still be empty: it is typed live.
    """
    locking.ensure_unlocked(session, dialogue_id)  # chốt biên bản
    _dialogue(session, dialogue_id)
    hamlet_id, hamlet_text = _resolve_hamlet(session, data.hamlet)
    name = clean(data.petitioner_name)
    position = counters.dialogue_petition_position(session, dialogue_id)
    petition = Petition(
        dialogue_id=dialogue_id,
        position=position,
        source=PetitionSource.AT_MEETING,
        raised_at_meeting=True,
        kind=data.kind,
        petitioner_name=name,
        is_anonymous=data.is_anonymous or not name,
        hamlet_id=hamlet_id,
        hamlet_text=hamlet_text,
        field_id=data.field_id,
        content=clean(data.content),
        status=PetitionStatus.NEW,
        received_on=(at or datetime.now()).date(),
    )
    search.refresh_petition_key(session, petition)
    session.add(petition)
    session.flush()
    entry_id = add_entry(
        session,
        dialogue_id,
        MinuteKind.SPEECH,
        speaker=_speaker_label(name, clean(data.hamlet)),
        content=data.content,
        petition_id=petition.id,
        at=at,
    )
    audit.record(session, "create", "petition", petition.id, live=True)
    return petition.id, entry_id


def _speaker_label(name: str, hamlet: str) -> str:
    who = name or "Một công dân"
    return f"{who} ({hamlet})" if hamlet else who


def update_opinion(session: Session, petition_id: int, data: OpinionInput) -> None:
    """The autosave of an opinion being typed; keeps its minute line in step."""
    petition = session.get(Petition, petition_id)
    if petition is None:
        raise NotFoundError("ý kiến", petition_id)
    hamlet_name = clean(data.hamlet)
    hamlet = _resolve_hamlet(session, hamlet_name)  # read before changing anything: no autoflush
    petitions.check_version(
        petition,
        data.version,
        {
            "petitioner_name": clean(data.petitioner_name),
            "hamlet": hamlet_name,
            "content": clean(data.content),
        },
    )
    petition.petitioner_name = clean(data.petitioner_name)
    petition.is_anonymous = data.is_anonymous or not petition.petitioner_name
    petition.hamlet_id, petition.hamlet_text = hamlet
    petition.field_id = data.field_id
    petition.kind = data.kind
    petition.content = clean(data.content)
    search.refresh_petition_key(session, petition)
    # One flush at commit for both rows (an autoflush here would run the guards twice).
    with session.no_autoflush:
        entry = session.scalars(
            select(MinuteEntry).where(
                MinuteEntry.petition_id == petition_id, MinuteEntry.kind == MinuteKind.SPEECH
            )
        ).first()
    if entry is not None:
        entry.speaker = _speaker_label(petition.petitioner_name, hamlet_name)
        entry.content = petition.content


def finish_opinion(session: Session, petition_id: int) -> int | None:
    """The secretary leaves the speaker: a thôn typed but not in Danh mục becomes an entry now.

    Returns the id of the Danh mục entry this created, or ``None`` when nothing was added (no
    thôn, a known one, or one another opinion added meanwhile, which is linked instead). The
    search key follows in the same transaction.
    """
    petition = session.get(Petition, petition_id)
    if petition is None:
        raise NotFoundError("ý kiến", petition_id)
    clear_open_draft(session, DRAFT_OPINION, petition_id)
    typed = clean(petition.hamlet_text)
    if petition.hamlet_id is not None or not typed:
        petition.hamlet_text = "" if petition.hamlet_id is not None else petition.hamlet_text
        search.refresh_petition_key(session, petition)
        return None
    existing = catalog.find_entry(session, "hamlet", typed)
    entry = catalog.add_entry(session, "hamlet", typed)  # finds an existing one, accents ignored
    petition.hamlet_id = entry.id
    petition.hamlet_text = ""
    search.refresh_petition_key(session, petition)
    return entry.id if existing is None else None


def tick_collected(session: Session, petition_id: int, dialogue_id: int, at: datetime | None = None) -> int:
    """A pre-collected opinion is raised at the meeting: no retyping, one minute line."""
    petition = session.get(Petition, petition_id)
    if petition is None:
        raise NotFoundError("ý kiến", petition_id)
    if petition.raised_at_meeting:
        existing = session.scalar(
            select(MinuteEntry.id).where(
                MinuteEntry.petition_id == petition_id, MinuteEntry.kind == MinuteKind.SPEECH
            )
        )
        if existing is not None:
            return existing
    petition.raised_at_meeting = True
    petition.dialogue_id = dialogue_id
    hamlet = search.petition_hamlet_name(session, petition)
    entry_id = add_entry(
        session,
        dialogue_id,
        MinuteKind.SPEECH,
        speaker=_speaker_label(petition.petitioner_name, hamlet),
        content=petition.content,
        petition_id=petition.id,
        at=at,
    )
    audit.record(session, "update", "petition", petition.id, raised_at_meeting=True)
    return entry_id


def untick_collected(session: Session, petition_id: int) -> None:
    petition = session.get(Petition, petition_id)
    if petition is None:
        raise NotFoundError("ý kiến", petition_id)
    was_raised = petition.raised_at_meeting
    petition.raised_at_meeting = False
    for entry in session.scalars(select(MinuteEntry).where(MinuteEntry.petition_id == petition_id)):
        if entry.kind == MinuteKind.SPEECH:
            entry.deleted_at = datetime.now()
    if was_raised:
        audit.record(session, "update", "petition", petition.id, raised_at_meeting=False)


# --- answers ---------------------------------------------------------------------------------


def validate_answer(data: AnswerInput, meeting_day: date | None) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not clean(data.content):
        problems["content"] = "Hãy nhập nội dung trả lời."
    if data.outcome == AnswerOutcome.ASSIGNED:
        if data.lead_unit_id is None:
            problems["lead_unit_id"] = "Hãy chọn đơn vị chủ trì giải quyết."
        if data.deadline is None:
            problems["deadline"] = "Hãy nhập thời hạn giải quyết."
        elif meeting_day and data.deadline < meeting_day:
            problems["deadline"] = f"Thời hạn không thể trước ngày hội nghị ({short_date(meeting_day)})."
    if data.outcome == AnswerOutcome.FORWARDED and not clean(data.forwarded_to):
        problems["forwarded_to"] = "Hãy nhập cấp có thẩm quyền nhận kiến nghị."
    return problems


def answer(session: Session, data: AnswerInput) -> int:
    """An answer at the meeting and its outcome, in one transaction; returns the answer id."""
    petition = session.get(Petition, data.petition_id)
    if petition is None or petition.dialogue is None:
        raise NotFoundError("ý kiến", data.petition_id)
    dialogue = petition.dialogue
    held = meeting_day(dialogue.started_at, dialogue.scheduled_at) or date.today()
    problems = validate_answer(data, held)
    if problems:
        raise ValidationError(problems)
    at = data.at or datetime.now().replace(microsecond=0)
    answer_id = petitions.add_answer(
        session, petition.id, content=data.content, outcome=data.outcome, leader_id=data.leader_id, at=at
    )
    if data.outcome == AnswerOutcome.ASSIGNED and data.lead_unit_id is not None and data.deadline is not None:
        petitions.assign(
            session,
            petition.id,
            lead_unit_id=data.lead_unit_id,
            supporting_unit_ids=data.supporting_unit_ids,
            deadline=data.deadline,
            task=data.content,
            assigned_on=held,
        )
    elif data.outcome == AnswerOutcome.FORWARDED:
        petitions.forward(session, petition.id, data.forwarded_to)
    leader = session.get(Leader, data.leader_id) if data.leader_id else None
    add_entry(
        session,
        dialogue.id,
        MinuteKind.ANSWER,
        speaker=f"{leader.full_name}, {leader.title}" if leader else "",
        content=data.content,
        petition_id=petition.id,
        at=at,
    )
    return answer_id


def default_deadline(session: Session, meeting_day: date) -> date:
    """The deadline proposed at the meeting: the default rule of Cài đặt on the office calendar."""
    return settings.deadline_for(session, meeting_day, None)


# --- reading the live state ---------------------------------------------------------------


def _opinion_row(petition: Petition, answers: int) -> OpinionRow:
    return OpinionRow(
        id=petition.id,
        petitioner=petitioner_label(petition.petitioner_name, petition.is_anonymous, petition.is_group),
        petitioner_name=petition.petitioner_name,
        hamlet=petition.hamlet.name if petition.hamlet else petition.hamlet_text,
        field=petition.field.name if petition.field else "",
        field_id=petition.field_id,
        hamlet_id=petition.hamlet_id,
        kind=petition.kind,
        content=petition.content,
        status=petition.status,
        source=petition.source,
        raised_at_meeting=petition.raised_at_meeting,
        answers=answers,
        version=petition.version,
    )


_OPINION_COLUMNS = (
    Petition.id,
    Petition.petitioner_name,
    Petition.is_anonymous,
    Petition.hamlet_text,
    Petition.field_id,
    Petition.hamlet_id,
    Petition.kind,
    Petition.content,
    Petition.status,
    Petition.source,
    Petition.raised_at_meeting,
    Petition.version,
    Petition.is_group,
)


def _plain_opinion_row(row: Any, answers: int) -> OpinionRow:
    """``_opinion_row`` from a row of ``_OPINION_COLUMNS`` + the hamlet's and field's names."""
    (
        pid,
        name,
        anonymous,
        typed,
        field_id,
        hamlet_id,
        kind,
        content,
        status,
        source,
        raised,
        version,
        group,
    ) = row[:13]
    hamlet_name, field_name = row[13], row[14]
    return OpinionRow(
        id=pid,
        petitioner=petitioner_label(name, anonymous, group),
        petitioner_name=name,
        hamlet=hamlet_name if hamlet_id is not None and hamlet_name is not None else typed,
        field=field_name or "",
        field_id=field_id,
        hamlet_id=hamlet_id,
        kind=kind,
        content=content,
        status=status,
        source=source,
        raised_at_meeting=raised,
        answers=answers,
        version=version,
    )


def opinion_row(session: Session, petition_id: int) -> OpinionRow | None:
    """One opinion as the live editor shows it (reloaded after another PC saved it)."""
    petition = session.get(Petition, petition_id)
    if petition is None or petition.deleted_at is not None:
        return None
    answers = session.scalar(select(func.count()).where(Answer.petition_id == petition_id)) or 0
    return _opinion_row(petition, answers)


def live_dialogue(session: Session, dialogue_id: int) -> LiveDialogue:
    """Everything the live window shows, in one small set of queries (one per table read)."""
    dialogue = session.scalars(
        select(Dialogue)
        .where(Dialogue.id == dialogue_id)
        .options(
            selectinload(Dialogue.chair),
            selectinload(Dialogue.attendees),
            selectinload(Dialogue.conclusions),
        )
    ).one_or_none()
    if dialogue is None:
        raise NotFoundError("hội nghị", dialogue_id)
    # Plain rows through the session's connection, not ORM objects: fewer objects made per open
    # (so fewer garbage collections, the open's largest cost on a long history), same data.
    connection = session.connection()
    entries = connection.execute(
        select(
            MinuteEntry.id,
            MinuteEntry.position,
            MinuteEntry.at,
            MinuteEntry.kind,
            MinuteEntry.speaker,
            MinuteEntry.content,
            MinuteEntry.petition_id,
        )
        .where(MinuteEntry.dialogue_id == dialogue_id, MinuteEntry.deleted_at.is_(None))
        .order_by(MinuteEntry.position)
    ).all()
    answer_counts = dict(
        connection.execute(
            select(Answer.petition_id, func.count())
            .join(Petition, Petition.id == Answer.petition_id)
            .where(Petition.dialogue_id == dialogue_id)
            .group_by(Answer.petition_id)
        ).all()
    )
    items = connection.execute(
        select(*_OPINION_COLUMNS, Hamlet.name, Field.name)
        .outerjoin(Hamlet, Hamlet.id == Petition.hamlet_id)
        .outerjoin(Field, Field.id == Petition.field_id)
        .where(Petition.dialogue_id == dialogue_id, Petition.deleted_at.is_(None))
        .order_by(Petition.position, Petition.id)
    ).all()
    day = meeting_day(dialogue.started_at, dialogue.scheduled_at) or date.today()
    return LiveDialogue(
        id=dialogue.id,
        title=dialogue.title,
        place=dialogue.place,
        scheduled_at=dialogue.scheduled_at,
        state=dialogue.state,
        started_at=dialogue.started_at,
        ended_at=dialogue.ended_at,
        chair=dialogue.chair.full_name if dialogue.chair else "",
        counts={
            "leaders": dialogue.leaders_count,
            "units": dialogue.units_count,
            "hamlet_heads": dialogue.hamlet_heads_count,
            "citizens": dialogue.citizens_count,
        },
        attendees=[(a.full_name, a.title) for a in dialogue.attendees if not a.absent],
        absentees=[(a.full_name, a.title, a.reason) for a in dialogue.attendees if a.absent],
        secretary=dialogue.secretary_name,
        entries=[EntryRow(*row) for row in entries],
        opinions=[_plain_opinion_row(r, answer_counts.get(r[0], 0)) for r in items if r.raised_at_meeting],
        collected=[
            _plain_opinion_row(r, answer_counts.get(r[0], 0)) for r in items if not r.raised_at_meeting
        ],
        conclusions=[c.content for c in dialogue.conclusions],
        default_deadline=default_deadline(session, day),
    )


KNOWN_SPEAKERS_SCAN = 4  # petitions read per speaker wanted: people speak up more than once


def live_stamp(session: Session, dialogue_id: int) -> tuple[int, ...]:
    """A cheap fingerprint of a dialogue's minutes: it changes whenever another PC adds, deletes or
    edits a line or an opinion of it (the live window polls it on a server and reloads then).

    Two indexed aggregates; the petitions' version sum moves on every saved edit.
    """
    entries = session.execute(
        select(func.count(MinuteEntry.id), func.coalesce(func.max(MinuteEntry.id), 0)).where(
            MinuteEntry.dialogue_id == dialogue_id, MinuteEntry.deleted_at.is_(None)
        )
    ).one()
    opinions = session.execute(
        select(func.count(Petition.id), func.coalesce(func.sum(Petition.version), 0)).where(
            Petition.dialogue_id == dialogue_id, Petition.deleted_at.is_(None)
        )
    ).one()
    dialogue = session.get(Dialogue, dialogue_id)
    state = dialogue.version if dialogue is not None else 0
    return (int(entries[0]), int(entries[1]), int(opinions[0]), int(opinions[1]), int(state))


def known_speakers(session: Session, limit: int = 3000) -> list[tuple[str, str]]:
    """(name, thôn) of people who spoke recently, for autocompletion; sorted by tên.

    Walks the petitions newest first (``ix_petition_speakers`` covers the columns) and stops at
    the ``limit``-th distinct pair, or after ``limit × KNOWN_SPEAKERS_SCAN`` petitions; names
    sort by their stored collation key, so no Vietnamese key is computed here.
    """
    # Stopping early is the point: a GROUP BY over the newest 12 000 petitions sorted them all
    # in a temporary b-tree (30 ms of each opening of the live window on a large history) to
    # keep 3 000, and on a history where most speakers are new the first 3 000 rows suffice.
    newest = (
        select(
            Petition.petitioner_name,
            Petition.petitioner_sort,
            case(
                (Petition.hamlet_id.is_not(None), func.coalesce(Hamlet.name, "")),
                else_=func.coalesce(Petition.hamlet_text, ""),
            ),
        )
        .outerjoin(Hamlet, Hamlet.id == Petition.hamlet_id)
        .where(Petition.petitioner_name != "", Petition.deleted_at.is_(None))
        .order_by(Petition.id.desc())
        .limit(limit * KNOWN_SPEAKERS_SCAN)
    )
    seen: dict[tuple[str, str], str] = {}
    result = session.connection().execute(newest)
    try:
        for name, key, hamlet in result:
            seen.setdefault((name, hamlet), key)
            if len(seen) >= limit:
                break
    finally:
        result.close()
    return sorted(seen, key=lambda pair: (seen[pair], pair[1]))


def similar_petitions(
    session: Session,
    content: str,
    *,
    exclude_dialogue_id: int | None = None,
    today: date | None = None,
    limit: int = 3,
) -> list[SimilarPetition]:
    """Petitions from earlier dialogues that look like ``content``, best first.

    The folded key (no tones, đ→d) goes through the search module: any of the meaningful words
    may match and bm25 ranks those sharing the most. Too few words, no suggestion: noise would
    distract. Deadline and standing come from the same mapping as every petition list.
    """
    words = [w for w in search_words(content) if len(w) >= 2 and w not in _STOP_WORDS]
    if len(words) < 3:
        return []
    expression = search.any_word_expression(words)
    if expression is None:
        return []
    ranked = search.ranked_ids(session, expression, limit=40)
    if not ranked:
        return []
    wanted = set(words)
    candidates = session.execute(
        select(Petition.id, Petition.dialogue_id, Petition.content).where(
            Petition.id.in_([ident for ident, _score in ranked]), Petition.deleted_at.is_(None)
        )
    ).all()
    by_id = {ident: (dialogue_id, text) for ident, dialogue_id, text in candidates}
    chosen: list[int] = []
    for petition_id, _score in ranked:
        if petition_id not in by_id:
            continue
        dialogue_id, text = by_id[petition_id]
        if exclude_dialogue_id is not None and dialogue_id == exclude_dialogue_id:
            continue
        overlap = wanted & set(search_words(text))
        # At least three shared words and a third of what is typed: "đường" alone is no match.
        if len(overlap) < 3 or len(overlap) * 3 < len(wanted):
            continue
        chosen.append(petition_id)
        if len(chosen) >= limit:
            break
    if not chosen:
        return []
    rows = petitions.petition_rows(session, chosen, today=today)
    extra = {
        ident: (name, received)
        for ident, name, received in session.execute(
            select(Petition.id, Petition.petitioner_name, Petition.received_on).where(Petition.id.in_(chosen))
        ).all()
    }
    return [_similar(row, *extra[row.id]) for row in rows]


def _similar(row: petitions.PetitionRow, petitioner: str, received_on: date | None) -> SimilarPetition:
    status_text = row.status.label
    if row.days_left is not None:
        status_text += f", {days_phrase(row.days_left)}"
    return SimilarPetition(
        id=row.id,
        dialogue_date=row.dialogue_date or received_on,
        petitioner=petitioner,
        hamlet=row.hamlet,
        content=row.content,
        answer=row.answers[0] if row.answers else "",
        unit=row.lead_unit,
        status=row.status,
        deadline=row.deadline,
        status_text=status_text,
        standing=row.standing,
        tone=row.tone,
    )


# Folded function words that say nothing about the topic.
_STOP_WORDS = frozenset(
    [
        "va",
        "cua",
        "cho",
        "voi",
        "la",
        "co",
        "khong",
        "de",
        "nghi",
        "xa",
        "thon",
        "to",
        "nhan",
        "dan",
        "ba",
        "con",
        "gia",
        "dinh",
        "toi",
        "chung",
        "chua",
        "duoc",
        "da",
        "nhung",
        "cac",
        "mot",
        "nay",
        "do",
        "tai",
        "trong",
        "tren",
        "ve",
        "khi",
        "thi",
        "ma",
        "neu",
        "ong",
        "ba",
        "em",
        "anh",
        "chi",
    ]
)


@dataclass(frozen=True)
class LiveCatalogues:
    """What the live editors offer to pick from, read in one go when the window opens."""

    fields: list[catalog.CatalogueEntry]
    hamlets: list[catalog.CatalogueEntry]
    units: list[catalog.CatalogueEntry]
    leaders: list[catalog.LeaderEntry]
    speakers: list[tuple[str, str]]
    speaker_seconds: int


def live_catalogues(session: Session) -> LiveCatalogues:
    return LiveCatalogues(
        fields=catalog.list_entries(session, "field"),
        hamlets=catalog.list_entries(session, "hamlet"),
        units=catalog.list_entries(session, "unit"),
        leaders=catalog.list_leaders(session),
        speakers=known_speakers(session),
        speaker_seconds=int(settings.get_setting(session, "speaker_seconds")),
    )
