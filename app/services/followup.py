"""Theo dõi giải quyết: one function per follow-up action on a petition, and its detail.

Every action takes the caller's :class:`Session`, checks the rules first (raising
:class:`ValidationError` with a field → Vietnamese message map, nothing changed), then records the
change, one history step (``ResolutionUpdate`` with its ``kind``) and one audit entry per petition.
Nothing here commits: the caller's unit of work does. Bulk actions check every petition before
changing any and run inside a savepoint, so they are all-or-nothing even for a caller that catches
the error and carries on.

Statuses move only along :mod:`app.domain.followup`'s table. A duplicate keeps the status
``trùng`` and *reads* its standing from its original (the statistics already count a duplicate
with its original, so nothing has to be mirrored and nothing can drift apart).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session, selectinload

from app import paths
from app.domain import text
from app.domain.followup import (
    FINISHED,
    NEEDS_AUTHORITY,
    REOPENABLE,
    STATUS_KINDS,
    InformMethod,
    UpdateKind,
    can_change,
    finished_for_citizen,
)
from app.domain.followup import allowed_transitions as _table_transitions
from app.domain.rules import PetitionStatus
from app.domain.standing import DEFAULT_NEAR_DUE_DAYS, PetitionStanding, petition_standing
from app.domain.standing import meeting_day as standing_meeting_day
from app.errors import NotFoundError, ValidationError
from app.services import audit
from app.services.petitions import get_petition
from app.storage.models import Answer, Assignment, Dialogue, Petition, ResolutionUpdate, Unit

__all__ = [
    "AssignmentInfo",
    "HistoryEntry",
    "InformMethod",
    "LinkedPetition",
    "PetitionDetail",
    "ResultInput",
    "allowed_transitions",
    "attachment_path",
    "bulk_assign",
    "bulk_extend",
    "bulk_informed",
    "bulk_set_status",
    "change_status",
    "extend_deadline",
    "mark_duplicate",
    "petition_detail",
    "reassign",
    "record_informed",
    "record_result",
    "record_results",
    "reopen",
]

MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
SUMMARY_CHARS = 80

Problems = dict[str, str]


# --- plain data for the screens ----------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    on: date
    kind: str  # an UpdateKind value
    label: str
    text: str
    reply_number: str
    reply_date: date | None
    status_after: PetitionStatus | None  # only for steps that change the status
    recorded_by: str
    attachment: str  # relative to the data folder; see attachment_path()
    reason: str


@dataclass(frozen=True)
class AssignmentInfo:
    id: int
    lead_unit_id: int
    lead_unit: str
    supporting_ids: tuple[int, ...]
    supporting: tuple[str, ...]
    task: str
    assigned_on: date | None
    deadline: date | None


@dataclass(frozen=True)
class LinkedPetition:
    id: int
    summary: str  # "Lê Văn A (Thôn Đông): nội dung…"


@dataclass(frozen=True)
class PetitionDetail:
    id: int
    status: PetitionStatus
    status_label: str
    deadline: date | None
    deadline_text: str
    tone: str | None  # "danger" | "warning" | "ok" | None, as the list columns use
    dialogue_id: int | None
    dialogue_title: str
    dialogue_date: date | None
    place: str
    source_label: str
    kind_label: str
    petitioner: str
    hamlet: str
    organization: str
    phone: str
    address: str
    field: str
    content: str
    answers: tuple[tuple[str, str, str], ...]  # (who answered, text, outcome label)
    assignments: tuple[AssignmentInfo, ...]
    history: tuple[HistoryEntry, ...]
    duplicate_of: LinkedPetition | None
    duplicates: tuple[LinkedPetition, ...]
    forwarded_to: str
    informed_on: date | None
    informed_how: str  # the InformMethod label ("điện thoại"), empty until told
    allowed_statuses: tuple[PetitionStatus, ...]  # where change_status may go from here
    finished_for_citizen: bool  # resolved/closed AND the citizen was told
    # The petition's version as read: hand it back (petitions.expect_versions) so an action taken
    # on this window after another PC's save is refused; ``fields`` is what a conflict shows of it.
    version: int = 0
    fields: dict[str, object] = dataclass_field(default_factory=dict)


# --- small shared facts ---------------------------------------------------------------------------


def allowed_transitions(status: PetitionStatus) -> tuple[PetitionStatus, ...]:
    """Where a status change may go from ``status`` (the table lives in app.domain.followup)."""
    return _table_transitions(status)


def _due(petition: Petition, today: date) -> PetitionStanding:
    """How the petition stands today, deadline included: the core's one rule (app.domain.standing)."""
    from app.services.petitions import petition_facts
    from app.services.settings import near_due_days

    session = object_session(petition)
    near = near_due_days(session) if session is not None else DEFAULT_NEAR_DUE_DAYS
    return petition_standing(petition_facts(petition), today, near)


def meeting_day(petition: Petition) -> date | None:
    """The day of the dialogue the petition belongs to (held, else scheduled)."""
    dialogue = petition.dialogue
    if dialogue is None:
        return None
    return standing_meeting_day(dialogue.started_at, dialogue.scheduled_at)


def _original(petition: Petition) -> Petition:
    """The petition a duplicate stands for (itself when it is not a duplicate)."""
    seen = {petition.id}
    current = petition
    while current.duplicate_of is not None and current.duplicate_of.id not in seen:
        current = current.duplicate_of
        seen.add(current.id)
    return current


def _effective_status(petition: Petition) -> PetitionStatus:
    if petition.status is PetitionStatus.DUPLICATE and petition.duplicate_of is not None:
        return _original(petition).status
    return petition.status


def _petitioner(petition: Petition) -> str:
    return text.petitioner_label(petition.petitioner_name, petition.is_anonymous, petition.is_group)


def _shorten(value: str, limit: int = SUMMARY_CHARS) -> str:
    value = " ".join(text.clean(value).split())
    if len(value) <= limit:
        return value
    return value[: limit - 1].rstrip(" ,;.") + "…"


def petition_summary(petition: Petition) -> str:
    """``Lê Văn A (Thôn Đông): nội dung…`` — how one petition is named in links and messages."""
    who = _petitioner(petition) or "Công dân"
    if petition.hamlet is not None:
        who = f"{who} ({petition.hamlet.name})"
    return f"{who}: {_shorten(petition.content)}"


def _linked(petition: Petition) -> LinkedPetition:
    return LinkedPetition(petition.id, petition_summary(petition))


def _date_problem(label: str, value: date | None, day: date | None) -> str | None:
    if value is not None and day is not None and value < day:
        return f"{label} ({text.short_date(value)}) không thể trước ngày hội nghị ({text.short_date(day)})."
    return None


def attachment_path(relative: str) -> Path:
    """The file a history step's ``attachment`` names, in the data folder."""
    return paths.data_dir() / relative


# --- the detail ---------------------------------------------------------------------------------


def _history_entry(update: ResolutionUpdate) -> HistoryEntry:
    try:
        kind = UpdateKind(update.kind)
        label = kind.label
    except ValueError:  # a kind written by a newer version
        kind, label = UpdateKind.NOTE, update.kind
    return HistoryEntry(
        id=update.id,
        on=update.on,
        kind=update.kind,
        label=label,
        text=update.result,
        reply_number=update.reply_number,
        reply_date=update.reply_date,
        status_after=update.status_after if kind in STATUS_KINDS else None,
        recorded_by=update.recorded_by,
        attachment=update.attachment,
        reason=update.reason,
    )


def _answer_tuple(answer: Answer) -> tuple[str, str, str]:
    leader = answer.leader
    name = answer.answerer_name or (leader.full_name if leader else "")
    title = answer.answerer_title or (leader.title if leader else "")
    who = ", ".join(part for part in (name, title) if part) or "Lãnh đạo"
    return who, answer.content, answer.outcome.label


def _assignment_info(assignment: Assignment) -> AssignmentInfo:
    return AssignmentInfo(
        id=assignment.id,
        lead_unit_id=assignment.lead_unit_id,
        lead_unit=assignment.lead_unit.name,
        supporting_ids=tuple(u.id for u in assignment.supporting_units),
        supporting=tuple(u.name for u in assignment.supporting_units),
        task=assignment.task,
        assigned_on=assignment.assigned_on,
        deadline=assignment.deadline,
    )


def _informed_label(value: str) -> str:
    try:
        return InformMethod(value).label
    except ValueError:
        return value


def petition_detail(session: Session, petition_id: int, *, today: date | None = None) -> PetitionDetail:
    """Everything the detail screen shows about one petition, as plain data."""
    today = today or date.today()
    petition = session.scalars(
        select(Petition)
        .where(Petition.id == petition_id, Petition.deleted_at.is_(None))
        .options(
            selectinload(Petition.dialogue),
            selectinload(Petition.hamlet),
            selectinload(Petition.field),
            selectinload(Petition.answers).selectinload(Answer.leader),
            selectinload(Petition.assignments).selectinload(Assignment.lead_unit),
            selectinload(Petition.assignments).selectinload(Assignment.supporting_units),
            selectinload(Petition.updates),
        )
    ).one_or_none()
    if petition is None:
        raise NotFoundError("ý kiến", petition_id)
    original = _original(petition)
    status = petition.status
    effective = original.status if original is not petition else status
    # A duplicate's deadline and standing are its original's.
    state = _due(original, today)
    if status is PetitionStatus.DUPLICATE and original is not petition:
        status_label = f"{status.label} (theo ý kiến số {original.id}: {original.status.label})"
    else:
        status_label = status.label
    deadline_text = state.deadline_text
    dialogue: Dialogue | None = petition.dialogue
    duplicates = session.scalars(
        select(Petition)
        .where(Petition.duplicate_of_id == petition.id, Petition.deleted_at.is_(None))
        .options(selectinload(Petition.hamlet))
        .order_by(Petition.id)
    ).all()
    allowed = tuple(s for s in allowed_transitions(status) if s is not PetitionStatus.DUPLICATE)
    return PetitionDetail(
        id=petition.id,
        status=status,
        status_label=status_label,
        deadline=state.deadline,
        deadline_text=deadline_text,
        tone=state.tone,
        dialogue_id=petition.dialogue_id,
        dialogue_title=(dialogue.title.strip() if dialogue else "")
        or (f"Hội nghị ngày {text.short_date(meeting_day(petition))}" if meeting_day(petition) else ""),
        dialogue_date=meeting_day(petition),
        place=dialogue.place if dialogue else "",
        source_label=petition.source.label,
        kind_label=petition.kind.label,
        petitioner=_petitioner(petition),
        hamlet=petition.hamlet.name if petition.hamlet else "",
        organization=petition.petitioner_org,
        phone=petition.petitioner_phone,
        address=petition.petitioner_address,
        field=petition.field.name if petition.field else "",
        content=petition.content,
        answers=tuple(_answer_tuple(a) for a in petition.answers),
        assignments=tuple(_assignment_info(a) for a in petition.assignments),
        history=tuple(_history_entry(u) for u in petition.updates),
        duplicate_of=_linked(petition.duplicate_of) if petition.duplicate_of is not None else None,
        duplicates=tuple(_linked(p) for p in duplicates),
        forwarded_to=petition.forwarded_to,
        informed_on=petition.informed_on,
        informed_how=_informed_label(petition.informed_how),
        allowed_statuses=allowed,
        finished_for_citizen=finished_for_citizen(
            effective,
            informed=petition.informed_on is not None,
            answered_in_person=petition.raised_at_meeting and bool(petition.answers),
        ),
        version=petition.version,
        fields=_petition_fields(petition),
    )


def _petition_fields(petition: Petition) -> dict[str, object]:
    from app.services.petitions import petition_fields

    return petition_fields(petition)


# --- history steps --------------------------------------------------------------------------------


def _step(
    petition: Petition,
    kind: UpdateKind,
    summary: str,
    *,
    on: date | None = None,
    reason: str = "",
    reply_number: str = "",
    reply_date: date | None = None,
    attachment: str = "",
) -> ResolutionUpdate:
    update = ResolutionUpdate(
        on=on or date.today(),
        kind=kind.value,
        result=text.clean(summary),
        status_after=petition.status,
        reply_number=text.clean(reply_number),
        reply_date=reply_date,
        recorded_by=audit.current_user(),
        attachment=attachment,
        reason=text.clean(reason),
    )
    petition.updates.append(update)
    return update


def _store_attachment(petition_id: int, source: Path) -> str:
    """Copy ``source`` into the data folder under a safe unique name; the relative path back.

    Written to a temporary name and renamed, so a power cut never leaves half a file under the
    real name.
    """
    folder = paths.attachments_dir() / str(petition_id)
    stem = text.slug(source.stem)[:60] or "tep-dinh-kem"
    suffix = "".join(ch for ch in source.suffix.lower() if ch.isalnum() or ch == ".")[:10]
    name = f"{date.today().isoformat().replace('-', '')}-{uuid.uuid4().hex[:8]}-{stem}{suffix}"
    target = folder / name
    tmp = folder / f".{name}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise ValidationError(
            {"attachment": f"Không sao chép được tệp «{source.name}» vào thư mục dữ liệu ({exc})."}
        ) from exc
    return target.relative_to(paths.data_dir()).as_posix()


def _attachment_problem(attachment: Path | None) -> str | None:
    if attachment is None:
        return None
    source = Path(attachment)
    if not source.is_file():
        return f"Không tìm thấy tệp đính kèm «{source}»."
    try:
        size = source.stat().st_size
    except OSError as exc:
        return f"Không đọc được tệp đính kèm «{source.name}» ({exc})."
    if size > MAX_ATTACHMENT_BYTES:
        return f"Tệp «{source.name}» quá lớn (trên {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB)."
    return None


# --- record a result ------------------------------------------------------------------------------


def _result_problems(
    petition: Petition,
    *,
    on: date,
    result: str,
    status_after: PetitionStatus,
    reply_date: date | None,
) -> Problems:
    problems: Problems = {}
    current = petition.status
    if current is PetitionStatus.DUPLICATE:
        original = _original(petition)
        problems["status"] = f"Ý kiến này trùng với ý kiến số {original.id}; hãy ghi kết quả vào ý kiến gốc."
        return problems
    if not text.clean(result):
        problems["result"] = "Hãy nhập kết quả giải quyết."
    if status_after is not current and not can_change(current, status_after):
        if current in REOPENABLE:
            hint = " Hãy «Mở lại» ý kiến trước."
        elif current is PetitionStatus.NEW:
            hint = " Hãy giao đơn vị giải quyết (hoặc phân loại ý kiến) trước."
        else:
            hint = ""
        problems["status_after"] = f"Không thể chuyển từ «{current.label}» sang «{status_after.label}».{hint}"
    elif status_after is PetitionStatus.DUPLICATE:
        problems["status_after"] = "Để đánh dấu trùng, hãy chọn ý kiến gốc."
    elif status_after in NEEDS_AUTHORITY and not text.clean(petition.forwarded_to):
        problems["status_after"] = "Hãy chuyển tình trạng kèm tên cấp có thẩm quyền."
    day = meeting_day(petition)
    for key, label, value in (
        ("on", "Ngày ghi kết quả", on),
        ("reply_date", "Ngày văn bản trả lời", reply_date),
    ):
        problem = _date_problem(label, value, day)
        if problem:
            problems[key] = problem
    return problems


def record_result(
    session: Session,
    petition_id: int,
    *,
    on: date,
    result: str,
    status_after: PetitionStatus = PetitionStatus.RESOLVED,
    reply_number: str = "",
    reply_date: date | None = None,
    attachment: Path | None = None,
) -> int:
    """Record a unit's result (its reply số/ngày, an optional file); returns the history step id."""
    petition = get_petition(session, petition_id)
    problems = _result_problems(
        petition, on=on, result=result, status_after=status_after, reply_date=reply_date
    )
    attachment_problem = _attachment_problem(attachment)
    if attachment_problem:
        problems["attachment"] = attachment_problem
    if problems:
        raise ValidationError(problems)
    update = _apply_result(
        session,
        petition,
        on=on,
        result=result,
        status_after=status_after,
        reply_number=reply_number,
        reply_date=reply_date,
        attachment=attachment,
    )
    return update.id


def _apply_result(
    session: Session,
    petition: Petition,
    *,
    on: date,
    result: str,
    status_after: PetitionStatus,
    reply_number: str = "",
    reply_date: date | None = None,
    attachment: Path | None = None,
) -> ResolutionUpdate:
    stored = _store_attachment(petition.id, Path(attachment)) if attachment is not None else ""
    before = petition.status
    update = _record_result_step(
        petition, on=on, result=result, status_after=status_after, reply_number=reply_number,
        reply_date=reply_date, attachment=stored,
    )  # fmt: skip
    try:
        session.flush()
    except Exception:
        if stored:
            with contextlib.suppress(OSError):
                attachment_path(stored).unlink()
        raise
    _audit_result(session, petition, update, before)
    return update


def _record_result_step(
    petition: Petition,
    *,
    on: date,
    result: str,
    status_after: PetitionStatus,
    reply_number: str,
    reply_date: date | None,
    attachment: str = "",
) -> ResolutionUpdate:
    petition.status = status_after
    return _step(
        petition,
        UpdateKind.RESULT,
        result,
        on=on,
        reply_number=reply_number,
        reply_date=reply_date,
        attachment=attachment,
    )


def _audit_result(
    session: Session, petition: Petition, update: ResolutionUpdate, before: PetitionStatus
) -> None:
    audit.record(
        session,
        "record_result",
        "petition",
        petition.id,
        update_id=update.id,
        status_before=before.value,
        status_after=update.status_after.value,
        attachment=bool(update.attachment),
    )


@dataclass(frozen=True)
class ResultInput:
    """One result of :func:`record_results` (the fields of :func:`record_result`, no attachment)."""

    petition_id: int
    on: date
    result: str
    status_after: PetitionStatus = PetitionStatus.RESOLVED
    reply_number: str = ""
    reply_date: date | None = None


def record_results(session: Session, results: Sequence[ResultInput]) -> list[int]:
    """Several results at once (a unit's returned sheet): each checked as record_result checks it,
    all or nothing, one flush for all, one audit entry per petition. Returns the history step ids.
    """
    petitions = [get_petition(session, r.petition_id) for r in results]
    problems: Problems = {}
    for petition, r in zip(petitions, results, strict=True):
        for message in _result_problems(
            petition, on=r.on, result=r.result, status_after=r.status_after, reply_date=r.reply_date
        ).values():
            key = f"ý kiến số {petition.id}"
            problems[key] = f"{problems[key]} {message}" if key in problems else message
    if len({p.id for p in petitions}) != len(petitions):
        problems["petition_ids"] = "Một ý kiến có hai kết quả trong cùng một lần nhập."
    if problems:
        raise ValidationError(problems)
    with session.begin_nested():
        steps = []
        for petition, r in zip(petitions, results, strict=True):
            before = petition.status
            update = _record_result_step(
                petition, on=r.on, result=r.result, status_after=r.status_after,
                reply_number=r.reply_number, reply_date=r.reply_date,
            )  # fmt: skip
            steps.append((petition, update, before))
        session.flush()
        # One flush for every audit entry: each entry reads the display name, and a read would
        # otherwise flush the entries added so far, once per row.
        with session.no_autoflush:
            for petition, update, before in steps:
                _audit_result(session, petition, update, before)
        session.flush()
    return [update.id for _p, update, _b in steps]


# --- status changes -------------------------------------------------------------------------------


def _status_problems(petition: Petition, target: PetitionStatus, *, note: str, authority: str) -> Problems:
    current = petition.status
    if target is PetitionStatus.DUPLICATE:
        return {"status": "Để đánh dấu trùng, hãy chọn ý kiến gốc («Đánh dấu trùng»)."}
    if target is current:
        return {"status": f"Ý kiến đã ở tình trạng «{current.label}»."}
    if not can_change(current, target):
        hint = " Hãy dùng «Mở lại» nếu cần giải quyết tiếp." if current in REOPENABLE else ""
        return {"status": f"Không thể chuyển từ «{current.label}» sang «{target.label}».{hint}"}
    problems: Problems = {}
    if target is PetitionStatus.RESOLVED and not text.clean(note):
        problems["note"] = "Hãy nhập kết quả giải quyết trước khi chuyển sang «đã giải quyết»."
    if target in NEEDS_AUTHORITY and not text.clean(authority):
        problems["authority"] = (
            "Hãy nhập cấp có thẩm quyền nhận kiến nghị."
            if target is PetitionStatus.FORWARDED
            else "Hãy ghi rõ cơ quan có thẩm quyền giải quyết nội dung này."
        )
    return problems


def _apply_status(
    session: Session, petition: Petition, target: PetitionStatus, *, note: str, authority: str
) -> None:
    before = petition.status
    petition.status = target
    summary = text.clean(note)
    if target in NEEDS_AUTHORITY:
        petition.forwarded_to = text.clean(authority)
        lead = "Chuyển đến" if target is PetitionStatus.FORWARDED else "Thuộc thẩm quyền của"
        summary = f"{lead} {petition.forwarded_to}." + (f" {summary}" if summary else "")
    _step(petition, UpdateKind.STATUS, summary)
    session.flush()
    audit.record(
        session,
        "change_status",
        "petition",
        petition.id,
        status_before=before.value,
        status_after=target.value,
    )


def change_status(
    session: Session, petition_id: int, status: PetitionStatus, *, note: str = "", authority: str = ""
) -> None:
    """Move a petition along an allowed transition; ``authority`` names the competent body."""
    petition = get_petition(session, petition_id)
    problems = _status_problems(petition, status, note=note, authority=authority)
    if problems:
        raise ValidationError(problems)
    _apply_status(session, petition, status, note=note, authority=authority)


# --- assignments and deadlines ------------------------------------------------------------------

_ASSIGNABLE = (PetitionStatus.NEW, PetitionStatus.ANSWERED, PetitionStatus.IN_PROGRESS)


def _assign_problems(
    session: Session,
    petition: Petition,
    *,
    lead_unit_id: int,
    deadline: date,
    supporting_unit_ids: Sequence[int],
) -> Problems:
    problems: Problems = {}
    if petition.status not in _ASSIGNABLE:
        hint = " Hãy «Mở lại» ý kiến trước khi giao lại." if petition.status in REOPENABLE else ""
        problems["status"] = (
            f"Ý kiến đang ở tình trạng «{petition.status.label}», không giao đơn vị được.{hint}"
        )
    if session.get(Unit, lead_unit_id) is None:
        problems["lead_unit_id"] = "Hãy chọn đơn vị chủ trì giải quyết."
    if any(session.get(Unit, unit_id) is None for unit_id in supporting_unit_ids):
        problems["supporting_unit_ids"] = "Có đơn vị phối hợp không còn trong danh mục."
    problem = _date_problem("Thời hạn", deadline, meeting_day(petition))
    if problem:
        problems["deadline"] = problem
    return problems


def _apply_assign(
    session: Session,
    petition: Petition,
    *,
    lead_unit_id: int,
    deadline: date,
    task: str,
    supporting_unit_ids: Sequence[int],
) -> Assignment:
    previous = petition.assignments[-1] if petition.assignments else None
    lead = session.get(Unit, lead_unit_id)
    assert lead is not None  # checked by _assign_problems
    supporting = [
        unit
        for unit_id in dict.fromkeys(supporting_unit_ids)
        if unit_id != lead_unit_id and (unit := session.get(Unit, unit_id))
    ]
    assignment = Assignment(
        lead_unit=lead,
        task=text.clean(task),
        deadline=deadline,
        assigned_on=date.today(),
        supporting_units=supporting,
    )
    # The new assignment replaces the running ones: they stay in the record, finished today, and
    # no longer hold the petition's deadline.
    for earlier in petition.assignments:
        if earlier.finished_on is None:
            earlier.finished_on = date.today()
    petition.assignments.append(assignment)
    before = petition.status
    if petition.status in (PetitionStatus.NEW, PetitionStatus.ANSWERED):
        petition.status = PetitionStatus.IN_PROGRESS
    summary = f"Giao {lead.name} chủ trì"
    if supporting:
        summary += f", phối hợp với {', '.join(u.name for u in supporting)}"
    if assignment.task:
        summary += f" {assignment.task.rstrip('.')}"
    summary += f"; thời hạn {text.short_date(deadline)}."
    if previous is not None:
        summary += f" Trước đây: {previous.lead_unit.name}, thời hạn {text.short_date(previous.deadline) or 'không có'}."
    _step(petition, UpdateKind.REASSIGN, summary)
    session.flush()
    audit.record(
        session,
        "reassign",
        "petition",
        petition.id,
        assignment_id=assignment.id,
        lead_unit_id=lead.id,
        previous_lead_unit_id=previous.lead_unit_id if previous else None,
        deadline=deadline.isoformat(),
        status_before=before.value,
        status_after=petition.status.value,
    )
    return assignment


def reassign(
    session: Session,
    petition_id: int,
    *,
    lead_unit_id: int,
    deadline: date,
    task: str = "",
    supporting_unit_ids: Sequence[int] = (),
) -> int:
    """Give the petition to a (new) lead unit with a deadline; the old assignment stays in the record."""
    petition = get_petition(session, petition_id)
    problems = _assign_problems(
        session,
        petition,
        lead_unit_id=lead_unit_id,
        deadline=deadline,
        supporting_unit_ids=supporting_unit_ids,
    )
    if problems:
        raise ValidationError(problems)
    return _apply_assign(
        session,
        petition,
        lead_unit_id=lead_unit_id,
        deadline=deadline,
        task=task,
        supporting_unit_ids=supporting_unit_ids,
    ).id


def _running_assignment(petition: Petition) -> Assignment | None:
    """The assignment that holds the petition's deadline (app.domain.standing): the earliest
    unfinished one; the latest when all are finished."""
    unfinished = [a for a in petition.assignments if a.finished_on is None and a.deadline is not None]
    if unfinished:
        return min(unfinished, key=lambda a: (a.deadline, a.id or 0))
    return petition.assignments[-1] if petition.assignments else None


def _extend_problems(petition: Petition, *, deadline: date, reason: str) -> Problems:
    problems: Problems = {}
    assignment = _running_assignment(petition)
    if assignment is None:
        problems["deadline"] = "Ý kiến chưa giao đơn vị nào nên chưa có thời hạn để gia hạn."
    elif not petition.status.is_open:
        problems["status"] = f"Ý kiến đang ở tình trạng «{petition.status.label}», không cần gia hạn."
    elif assignment.deadline is not None and deadline <= assignment.deadline:
        problems["deadline"] = (
            f"Thời hạn mới ({text.short_date(deadline)}) phải sau thời hạn hiện tại "
            f"({text.short_date(assignment.deadline)})."
        )
    else:
        problem = _date_problem("Thời hạn mới", deadline, meeting_day(petition))
        if problem:
            problems["deadline"] = problem
    if not text.clean(reason):
        problems["reason"] = "Hãy nhập lý do gia hạn."
    return problems


def _apply_extend(session: Session, petition: Petition, *, deadline: date, reason: str) -> None:
    assignment = _running_assignment(petition)
    assert assignment is not None  # checked by _extend_problems
    old = assignment.deadline
    assignment.deadline = deadline
    summary = (
        f"Gia hạn từ {text.short_date(old)} đến {text.short_date(deadline)}."
        if old
        else (f"Đặt thời hạn {text.short_date(deadline)}.")
    )
    _step(petition, UpdateKind.EXTEND, summary, reason=reason)
    session.flush()
    audit.record(
        session,
        "extend_deadline",
        "petition",
        petition.id,
        assignment_id=assignment.id,
        old_deadline=old.isoformat() if old else None,
        new_deadline=deadline.isoformat(),
    )


def extend_deadline(session: Session, petition_id: int, *, deadline: date, reason: str) -> None:
    """Move the current assignment's deadline later; the old and new dates and the reason go to history."""
    petition = get_petition(session, petition_id)
    problems = _extend_problems(petition, deadline=deadline, reason=reason)
    if problems:
        raise ValidationError(problems)
    _apply_extend(session, petition, deadline=deadline, reason=reason)


# --- duplicates, reopening, telling the citizen ------------------------------------------------


def mark_duplicate(session: Session, petition_id: int, original_id: int) -> None:
    """Link a petition to the one it repeats; it then stands as its original stands.

    Pointing at a petition that is itself a duplicate links to that one's original, and
    petitions that were duplicates of this one follow to the same original, so chains never form.
    """
    petition = get_petition(session, petition_id)
    if original_id == petition_id:
        raise ValidationError({"original_id": "Một ý kiến không thể trùng với chính nó."})
    original = _original(get_petition(session, original_id))
    problems: Problems = {}
    if original.id == petition.id:
        problems["original_id"] = f"Ý kiến số {original_id} đang được đánh dấu trùng với ý kiến này."
    elif not can_change(petition.status, PetitionStatus.DUPLICATE):
        problems["status"] = f"Ý kiến đang ở tình trạng «{petition.status.label}», không đánh dấu trùng được."
    if problems:
        raise ValidationError(problems)
    before = petition.status
    petition.status = PetitionStatus.DUPLICATE
    petition.duplicate_of = original
    followers = session.scalars(
        select(Petition).where(Petition.duplicate_of_id == petition.id, Petition.id != original.id)
    ).all()
    for follower in followers:
        follower.duplicate_of = original
    _step(petition, UpdateKind.DUPLICATE, f"Trùng với ý kiến số {original.id} — {petition_summary(original)}")
    _step(
        original,
        UpdateKind.NOTE,
        f"Ý kiến số {petition.id} trùng với ý kiến này — {petition_summary(petition)}",
    )
    session.flush()
    audit.record(
        session,
        "mark_duplicate",
        "petition",
        petition.id,
        original_id=original.id,
        status_before=before.value,
        moved=[f.id for f in followers],
    )


def reopen(session: Session, petition_id: int, *, reason: str) -> None:
    """Back to ``đang giải quyết`` with a reason (a result that did not hold, a wrong duplicate)."""
    petition = get_petition(session, petition_id)
    problems: Problems = {}
    if petition.status not in REOPENABLE:
        problems["status"] = f"Ý kiến đang ở tình trạng «{petition.status.label}», không cần mở lại."
    if not text.clean(reason):
        problems["reason"] = "Hãy nhập lý do mở lại."
    if problems:
        raise ValidationError(problems)
    before = petition.status
    summary = f"Mở lại từ tình trạng «{before.label}»."
    if before is PetitionStatus.DUPLICATE and petition.duplicate_of is not None:
        summary += f" Bỏ liên kết trùng với ý kiến số {petition.duplicate_of.id}."
        petition.duplicate_of = None
    petition.status = PetitionStatus.IN_PROGRESS
    # The citizen will have to be told the new outcome.
    petition.informed_on = None
    petition.informed_how = ""
    _step(petition, UpdateKind.REOPEN, summary, reason=reason)
    session.flush()
    audit.record(session, "reopen", "petition", petition.id, status_before=before.value)


def _informed_problems(petition: Petition, *, on: date, how: InformMethod | str) -> Problems:
    problems: Problems = {}
    try:
        InformMethod(how)
    except ValueError:
        problems["how"] = "Hãy chọn cách thông báo: văn bản, điện thoại, trực tiếp hoặc niêm yết."
    if _effective_status(petition) not in FINISHED:
        problems["status"] = (
            f"Ý kiến đang ở tình trạng «{_effective_status(petition).label}»: chưa có kết quả để thông báo."
        )
    problem = _date_problem("Ngày thông báo", on, meeting_day(petition))
    if problem:
        problems["on"] = problem
    return problems


def _apply_informed(session: Session, petition: Petition, *, on: date, how: InformMethod | str) -> None:
    method = InformMethod(how)
    petition.informed_on = on
    petition.informed_how = method.value
    _step(petition, UpdateKind.INFORMED, f"Đã thông báo kết quả cho công dân ({method.label}).", on=on)
    session.flush()
    audit.record(session, "record_informed", "petition", petition.id, on=on.isoformat(), how=method.value)


def record_informed(session: Session, petition_id: int, *, on: date, how: InformMethod) -> None:
    """The citizen was told the outcome (date and how); until then the petition is not finished for them."""
    petition = get_petition(session, petition_id)
    problems = _informed_problems(petition, on=on, how=how)
    if problems:
        raise ValidationError(problems)
    _apply_informed(session, petition, on=on, how=how)


# --- bulk actions -------------------------------------------------------------------------------


def _bulk(
    session: Session,
    petition_ids: Iterable[int],
    check: Callable[[Petition], Problems],
    apply: Callable[[Petition], object],
) -> int:
    """Check every petition, then apply to all inside a savepoint: all or nothing."""
    ids = list(dict.fromkeys(petition_ids))
    if not ids:
        raise ValidationError({"petition_ids": "Hãy chọn ít nhất một ý kiến."})
    petitions = [get_petition(session, petition_id) for petition_id in ids]
    problems: Problems = {}
    for petition in petitions:
        for message in check(petition).values():
            key = f"ý kiến số {petition.id}"
            problems[key] = f"{problems[key]} {message}" if key in problems else message
    if problems:
        raise ValidationError(problems)
    with session.begin_nested():
        for petition in petitions:
            apply(petition)
    return len(petitions)


def bulk_assign(
    session: Session,
    petition_ids: Iterable[int],
    *,
    lead_unit_id: int,
    deadline: date,
    task: str = "",
    supporting_unit_ids: Sequence[int] = (),
) -> int:
    return _bulk(
        session,
        petition_ids,
        lambda p: _assign_problems(
            session, p, lead_unit_id=lead_unit_id, deadline=deadline, supporting_unit_ids=supporting_unit_ids
        ),
        lambda p: _apply_assign(
            session,
            p,
            lead_unit_id=lead_unit_id,
            deadline=deadline,
            task=task,
            supporting_unit_ids=supporting_unit_ids,
        ),
    )


def bulk_extend(session: Session, petition_ids: Iterable[int], *, deadline: date, reason: str) -> int:
    return _bulk(
        session,
        petition_ids,
        lambda p: _extend_problems(p, deadline=deadline, reason=reason),
        lambda p: _apply_extend(session, p, deadline=deadline, reason=reason),
    )


def bulk_set_status(
    session: Session,
    petition_ids: Iterable[int],
    status: PetitionStatus,
    *,
    note: str = "",
    authority: str = "",
) -> int:
    return _bulk(
        session,
        petition_ids,
        lambda p: _status_problems(p, status, note=note, authority=authority),
        lambda p: _apply_status(session, p, status, note=note, authority=authority),
    )


def bulk_informed(session: Session, petition_ids: Iterable[int], *, on: date, how: InformMethod) -> int:
    return _bulk(
        session,
        petition_ids,
        lambda p: _informed_problems(p, on=on, how=how),
        lambda p: _apply_informed(session, p, on=on, how=how),
    )
