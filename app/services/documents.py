"""Export a document for signing: load its plain data, build its blocks, write the .docx.

A Kế hoạch is exported from its plan id; Giấy mời, Thông báo tổ chức, Biên bản, Thông báo kết
luận and Báo cáo from their dialogue id. When the văn thư gives a số, the export is recorded as an
:class:`IssuedDocument`; a số already used by another document of the same type, body and year is
refused before any file is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.domain import text
from app.domain.rules import DialogueState, DocumentKind
from app.domain.standing import meeting_day
from app.domain.text import AddressForm, suggest_address_form
from app.errors import NotFoundError, ValidationError
from app.export import phrases
from app.export.blocks import DocumentBlocks, HeaderStyle
from app.export.data import (
    AnswerData,
    AssignmentData,
    AttendeeData,
    DialogueData,
    DocumentRef,
    IssueData,
    LeaderData,
    MinuteEntryData,
    OrganizationData,
    PetitionData,
    PlanData,
    PlanTask,
    ReportData,
    ResolutionUpdateData,
    SignerData,
)
from app.export.documents import (
    build_conclusion_notice,
    build_invitation,
    build_meeting_notice,
    build_minutes,
    build_plan,
    build_report,
)
from app.export.documents.conclusion_notice import issue_date_warning
from app.export.errors import DuplicateNumberError, NoPublicVersionError
from app.export.privacy import Replacement, public_dialogue
from app.services import counters, settings
from app.storage.database import Database
from app.storage.models import (
    Answer,
    Assignment,
    Dialogue,
    IssuedDocument,
    Leader,
    MinuteEntry,
    Organization,
    Petition,
    Plan,
)

# --- plain data from the models --------------------------------------------------------------------


def organization_data(org: Organization) -> OrganizationData:
    style = HeaderStyle.PARTY if org.header_style == HeaderStyle.PARTY.value else HeaderStyle.STATE
    return OrganizationData(
        name=org.name,
        issuer_code=org.issuer_code,
        place_name=org.place_name,
        parent_name=org.parent_name or "",
        signing_authority=org.signing_authority or "",
        signer_title=org.signer_title or "",
        signer_name=org.signer_name or "",
        header_style=style,
        level=org.level or "",
    )


def _strings(values: Sequence[object] | None) -> tuple[str, ...]:
    return tuple(str(v) for v in values or () if isinstance(v, str) and v.strip())


def load_plan_data(session: Session, plan_id: int) -> PlanData:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFoundError("kế hoạch", plan_id)
    org = organization_data(plan.organization)
    signer = SignerData(
        title=plan.signer_title or org.signer_title or "CHỦ TỊCH",
        name=plan.signer_name or org.signer_name,
        authority=plan.signing_authority if plan.signing_authority is not None else org.signing_authority,
    )
    number, issued_on = plan.number, plan.issued_on
    if number is None:
        # Numbered when it was exported for signing: the record of that export holds the số.
        issued = session.scalars(
            select(IssuedDocument)
            .where(IssuedDocument.plan_id == plan.id, IssuedDocument.number.is_not(None))
            .order_by(IssuedDocument.id.desc())
        ).first()
        if issued is not None:
            number, issued_on = issued.number, issued_on or issued.issued_on
    tasks = tuple(
        PlanTask(str(t.get("unit", "")), _strings(t.get("tasks")))
        for t in plan.tasks or ()
        if isinstance(t, dict)
    )
    return PlanData(
        organization=org,
        year=plan.year,
        title=plan.title,
        opening=plan.opening,
        bases=_strings(plan.bases),
        purposes=_strings(plan.purposes),
        requirements=_strings(plan.requirements),
        audience=plan.audience,
        contents=_strings(plan.contents),
        forms=_strings(plan.forms),
        time_place=_strings(plan.time_place) or scheduled_time_place(plan),
        steps=_strings(plan.steps),
        tasks_intro=plan.tasks_intro,
        tasks=tasks,
        recipients=_strings(plan.recipients),
        number=number,
        symbol=plan.symbol,
        issued_on=issued_on,
        signer=signer,
        headings={
            str(k): str(v) for k, v in (plan.headings or {}).items() if isinstance(v, str) and v.strip()
        },
    )


def scheduled_time_place(plan: Plan) -> tuple[str, ...]:
    """The "Thời gian, địa điểm" lines of a plan that has none typed, from its scheduled dialogues.

    ``- Hội nghị …: 08 giờ 00 phút, ngày 23 tháng 9 năm 2026, tại Hội trường …``; a dialogue
    known only by its quarter says ``Quý IV năm 2026``.
    """
    lines = []
    for dialogue in plan.dialogues:
        title = text.clean(dialogue.title) or f"Hội nghị đối thoại với Nhân dân năm {plan.year}"
        if dialogue.scheduled_at is not None:
            when = f"{phrases.time_phrase(dialogue.scheduled_at)}, {text.date_phrase(dialogue.scheduled_at.date())}"
        elif dialogue.quarter:
            when = f"Quý {text.roman(dialogue.quarter)} năm {plan.year}"
        else:
            continue
        place = f", tại {text.clean(dialogue.place)}" if text.clean(dialogue.place) else ""
        lines.append(f"- {title}: {when}{place}.")
    return tuple(lines)


def _answer_data(answer: Answer) -> AnswerData:
    leader = answer.leader
    return AnswerData(
        content=answer.content,
        name=answer.answerer_name or (leader.full_name if leader else ""),
        title=answer.answerer_title or (leader.title if leader else ""),
        outcome=answer.outcome,
    )


def _assignment_data(assignment: Assignment) -> AssignmentData:
    return AssignmentData(
        lead_unit=assignment.lead_unit.name,
        supporting_units=tuple(u.name for u in assignment.supporting_units),
        task=assignment.task,
        deadline=assignment.deadline,
        assigned_on=assignment.assigned_on,
        finished_on=assignment.finished_on,
    )


def petition_data(petition: Petition) -> PetitionData:
    return PetitionData(
        content=petition.content,
        summary=petition.summary or "",
        address_form=_address_form(petition.address_form),
        petitioner_name=petition.petitioner_name,
        hamlet=petition.hamlet.name if petition.hamlet else petition.hamlet_text,
        phone=petition.petitioner_phone,
        address=petition.petitioner_address,
        petitioner_org=petition.petitioner_org,
        is_group=petition.is_group,
        is_anonymous=petition.is_anonymous,
        field=petition.field.name if petition.field else "",
        field_position=petition.field.position if petition.field else 1_000_000,
        kind=petition.kind,
        status=petition.status,
        raised_at_meeting=petition.raised_at_meeting,
        position=petition.position,
        answers=tuple(_answer_data(a) for a in petition.answers),
        assignments=tuple(_assignment_data(a) for a in petition.assignments),
        updates=tuple(
            ResolutionUpdateData(u.on, u.status_after, u.result, u.reply_number, u.reply_date, u.kind)
            for u in petition.updates
        ),
        forwarded_to=petition.forwarded_to,
        ident=petition.id,
    )


def _address_form(value: str | None) -> AddressForm | None:
    try:
        return AddressForm(value) if value else None
    except ValueError:
        return None


def _petition_form(petition: Petition) -> AddressForm:
    if petition.is_group or petition.is_anonymous:
        return AddressForm.NONE
    return _address_form(petition.address_form) or suggest_address_form(petition.petitioner_name)


def _leader(leader: Leader | None) -> LeaderData | None:
    return LeaderData(leader.full_name, leader.title) if leader else None


def _dialogue_year(dialogue: Dialogue) -> int:
    held = meeting_day(dialogue.started_at, dialogue.scheduled_at)
    if held is not None:
        return held.year
    if dialogue.plan is not None:
        return dialogue.plan.year
    return date.today().year


def load_dialogue_data(session: Session, dialogue_id: int) -> DialogueData:
    dialogue = session.scalars(
        select(Dialogue)
        .where(Dialogue.id == dialogue_id)
        .options(
            selectinload(Dialogue.petitions).selectinload(Petition.answers).selectinload(Answer.leader),
            selectinload(Dialogue.petitions)
            .selectinload(Petition.assignments)
            .selectinload(Assignment.supporting_units),
            selectinload(Dialogue.petitions)
            .selectinload(Petition.assignments)
            .selectinload(Assignment.lead_unit),
            selectinload(Dialogue.petitions).selectinload(Petition.updates),
            selectinload(Dialogue.petitions).selectinload(Petition.hamlet),
            selectinload(Dialogue.petitions).selectinload(Petition.field),
            selectinload(Dialogue.entries),
            selectinload(Dialogue.attendees),
            selectinload(Dialogue.conclusions),
            selectinload(Dialogue.co_chairs),
        )
    ).one_or_none()
    if dialogue is None:
        raise NotFoundError("hội nghị", dialogue_id)
    petitions = [p for p in dialogue.petitions if p.deleted_at is None]
    by_id = {p.id: p for p in petitions}
    entries = []
    for entry in dialogue.entries:
        if entry.deleted_at is not None:
            continue
        linked = by_id.get(entry.petition_id) if entry.petition_id else None
        if linked is None and entry.petition_id:
            linked = session.get(Petition, entry.petition_id)
        entries.append(_entry_data(entry, linked))
    plan = dialogue.plan
    return DialogueData(
        organization=organization_data(dialogue.organization),
        year=_dialogue_year(dialogue),
        title=dialogue.title,
        scheduled_at=dialogue.scheduled_at,
        place=dialogue.place,
        audience=dialogue.audience,
        participants=dialogue.participants,
        content=dialogue.content,
        chair=_leader(dialogue.chair),
        co_chairs=tuple(LeaderData(c.full_name, c.title) for c in dialogue.co_chairs),
        secretary_name=dialogue.secretary_name,
        collect_deadline=dialogue.collect_deadline,
        started_at=dialogue.started_at,
        ended_at=dialogue.ended_at,
        leaders_count=dialogue.leaders_count,
        units_count=dialogue.units_count,
        hamlet_heads_count=dialogue.hamlet_heads_count,
        citizens_count=dialogue.citizens_count,
        attendees=tuple(
            AttendeeData(a.full_name, a.title, a.group, a.absent, a.reason) for a in dialogue.attendees
        ),
        assessment=dialogue.assessment,
        conclusions=tuple(c.content for c in dialogue.conclusions),
        entries=tuple(entries),
        petitions=tuple(petition_data(p) for p in petitions),
        plan=DocumentRef(plan.number, plan.symbol, plan.issued_on, plan.title) if plan else None,
        held=dialogue.state is not DialogueState.PLANNED or dialogue.started_at is not None,
    )


def _entry_data(entry: MinuteEntry, petition: Petition | None) -> MinuteEntryData:
    return MinuteEntryData(
        at=entry.at,
        kind=entry.kind,
        content=entry.content,
        speaker=entry.speaker,
        hamlet=petition.hamlet.name if petition is not None and petition.hamlet else "",
        field=petition.field.name if petition is not None and petition.field else "",
        address_form=_petition_form(petition) if petition is not None else None,
    )


def latest_issued(session: Session, kind: DocumentKind, dialogue_id: int) -> IssuedDocument | None:
    """The last numbered export of ``kind`` for a dialogue (the Thông báo a Báo cáo cites)."""
    return session.scalars(
        select(IssuedDocument)
        .where(
            IssuedDocument.kind == kind,
            IssuedDocument.dialogue_id == dialogue_id,
            IssuedDocument.number.is_not(None),
        )
        .order_by(IssuedDocument.created_at.desc(), IssuedDocument.id.desc())
    ).first()


def load_report_data(session: Session, dialogue_id: int, *, today: date | None = None) -> ReportData:
    dialogue = load_dialogue_data(session, dialogue_id)
    notice = latest_issued(session, DocumentKind.CONCLUSION_NOTICE, dialogue_id)
    ref = DocumentRef(notice.number, notice.symbol, notice.issued_on) if notice else None
    return ReportData(
        dialogue=dialogue,
        today=today or date.today(),
        notice=ref,
        near_due_days=settings.near_due_days(session),
    )


# --- building and exporting ------------------------------------------------------------------------


def as_kind(kind: DocumentKind | str) -> DocumentKind:
    """A DocumentKind from itself or its code (``"tb"``, ``"KH"``)."""
    if isinstance(kind, DocumentKind):
        return kind
    key = str(kind).strip().lower()
    for member in DocumentKind:
        if member.value == key:
            return member
    raise ValidationError({"kind": f"Không có loại văn bản «{kind}»."})


def build_document(
    session: Session,
    kind: DocumentKind | str,
    ident: int,
    *,
    public: bool = False,
    number: int | None = None,
    issued_on: date | None = None,
    signer: SignerData | None = None,
    today: date | None = None,
    appendix: bool = True,
    handwritten: bool = False,
) -> DocumentBlocks:
    """The blocks of one document (for export, or for a preview screen).

    ``public`` exists for the Thông báo kết luận and the Báo cáo only (what is posted and read
    out); ``handwritten`` for the Biên bản only (the printed form to fill by hand).
    """
    kind = as_kind(kind)
    require_public_version(kind, public)
    if kind is DocumentKind.PLAN:
        plan = load_plan_data(session, ident)
        plan = replace(
            plan,
            number=plan.number if number is None else number,
            issued_on=issued_on or plan.issued_on,
            signer=signer or plan.signer,
        )
        return build_plan(plan)
    issue = IssueData(number=number, issued_on=issued_on, signer=signer)
    if kind is DocumentKind.REPORT:
        return build_report(load_report_data(session, ident, today=today), issue, public=public)
    dialogue = load_dialogue_data(session, ident)
    if kind is DocumentKind.INVITATION:
        return build_invitation(dialogue, issue)
    if kind is DocumentKind.MEETING_NOTICE:
        return build_meeting_notice(dialogue, issue)
    if kind is DocumentKind.MINUTES:
        return build_minutes(dialogue, issue, handwritten=handwritten)
    return build_conclusion_notice(dialogue, issue, public=public, appendix=appendix)


PUBLIC_KINDS = frozenset({DocumentKind.CONCLUSION_NOTICE, DocumentKind.REPORT})


def require_public_version(kind: DocumentKind, public: bool) -> None:
    """Only the Thông báo kết luận and the Báo cáo have a public version."""
    if public and kind not in PUBLIC_KINDS:
        names = ", ".join(k.label for k in DocumentKind if k in PUBLIC_KINDS)
        raise NoPublicVersionError(
            f"{kind.value} has no public version",
            f"{kind.label} không có bản công khai. Bản công khai chỉ có cho: {names}.",
        )


def public_replacements(session: Session, kind: DocumentKind | str, dialogue_id: int) -> list[Replacement]:
    """What the public version of a TB or BC replaces, for the văn thư to review before export."""
    kind = as_kind(kind)
    require_public_version(kind, True)
    _public, replacements = public_dialogue(load_dialogue_data(session, dialogue_id))
    return replacements


def conclusion_notice_warning(session: Session, dialogue_id: int, issued_on: date | None) -> str:
    """A warning when a Thông báo kết luận is dated past the 10 days after its meeting; else ""."""
    return issue_date_warning(load_dialogue_data(session, dialogue_id), issued_on)


_FILE_LABELS = {
    DocumentKind.PLAN: "kế hoạch",
    DocumentKind.INVITATION: "giấy mời",
    DocumentKind.MEETING_NOTICE: "tổ chức hội nghị",
    DocumentKind.MINUTES: "biên bản",
    DocumentKind.CONCLUSION_NOTICE: "kết luận",
    DocumentKind.REPORT: "kết quả giải quyết",
}


def default_file_name(kind: DocumentKind | str, day: date | None, *, public: bool = False) -> str:
    """``TB-ket-luan-2026-03-05.docx`` (``-cong-khai`` for the public version)."""
    kind = as_kind(kind)
    parts = [kind.code, text.slug(_FILE_LABELS[kind])]
    if day is not None:
        parts.append(day.isoformat())
    if public:
        parts.append("cong-khai")
    return "-".join(parts) + ".docx"


def suggested_file_name(
    session: Session,
    kind: DocumentKind | str,
    ident: int,
    *,
    public: bool = False,
    issued_on: date | None = None,
) -> str:
    """The default name for an export: dated by its issue date, else the plan's or meeting's date."""
    kind = as_kind(kind)
    day = issued_on
    if day is None and kind is DocumentKind.PLAN:
        plan = session.get(Plan, ident)
        if plan is None:
            raise NotFoundError("kế hoạch", ident)
        day = plan.issued_on
    elif day is None:
        dialogue = session.get(Dialogue, ident)
        if dialogue is None:
            raise NotFoundError("hội nghị", ident)
        day = meeting_day(dialogue.started_at, dialogue.scheduled_at)
    return default_file_name(kind, day, public=public)


def _owner(
    session: Session, kind: DocumentKind, ident: int
) -> tuple[Organization, int, int | None, int | None]:
    """The issuing body, the document's year, and its plan or dialogue id."""
    if kind is DocumentKind.PLAN:
        plan = session.get(Plan, ident)
        if plan is None:
            raise NotFoundError("kế hoạch", ident)
        return plan.organization, plan.year, plan.id, None
    dialogue = session.get(Dialogue, ident)
    if dialogue is None:
        raise NotFoundError("hội nghị", ident)
    return dialogue.organization, _dialogue_year(dialogue), None, dialogue.id


def _record_number(
    session: Session,
    kind: DocumentKind,
    ident: int,
    number: int,
    issued_on: date | None,
    out: Path,
    public: bool,
) -> None:
    """Record the số, or raise DuplicateNumberError if another document holds it."""
    if number <= 0:
        raise ValidationError({"number": "Số văn bản phải là số dương."})
    org, year, plan_id, dialogue_id = _owner(session, kind, ident)
    org_data = organization_data(org)
    symbol = org_data.symbol(kind.code)
    plan = session.get(Plan, plan_id) if plan_id is not None else None
    if plan is not None:
        symbol = plan.symbol or symbol
        issued_on = issued_on or plan.issued_on
    if issued_on is not None:
        year = issued_on.year
    # Thông báo tổ chức and Thông báo kết luận share the văn thư's sổ of "TB" numbers. The sổ is
    # locked first, so two PCs giving the same number at once cannot both find it free.
    same_book = [k for k in DocumentKind if k.code == kind.code]
    counters.lock(session, f"issued_document.book:{org.id}:{kind.code}:{year}")
    holders = session.scalars(
        select(IssuedDocument).where(
            IssuedDocument.organization_id == org.id,
            IssuedDocument.year == year,
            IssuedDocument.number == number,
            IssuedDocument.kind.in_(same_book),
        )
    ).all()
    for holder in holders:
        if holder.kind is not kind or holder.plan_id != plan_id or holder.dialogue_id != dialogue_id:
            raise DuplicateNumberError(number, symbol, year, party=org_data.header_style is HeaderStyle.PARTY)
    # Exporting the same document again (corrected, or its public version) keeps its số.
    record = (
        holders[0] if holders else IssuedDocument(organization_id=org.id, kind=kind, year=year, number=number)
    )
    record.symbol = symbol
    record.issued_on = issued_on
    record.file_name = str(out)
    record.plan_id = plan_id
    record.dialogue_id = dialogue_id
    record.public_version = public
    if not holders:
        session.add(record)
    # The plan itself is not touched: an export changes no data but this record of it.
    session.flush()


def _record_unnumbered(
    session: Session, kind: DocumentKind, ident: int, issued_on: date | None, out: Path, public: bool
) -> None:
    """Remember that the document left the program (a Giấy mời sent clears the 7-day warning)."""
    org, year, plan_id, dialogue_id = _owner(session, kind, ident)
    record = session.scalars(
        select(IssuedDocument).where(
            IssuedDocument.kind == kind,
            IssuedDocument.number.is_(None),
            IssuedDocument.plan_id.is_(None) if plan_id is None else IssuedDocument.plan_id == plan_id,
            IssuedDocument.dialogue_id.is_(None)
            if dialogue_id is None
            else IssuedDocument.dialogue_id == dialogue_id,
        )
    ).first()
    if record is None:
        record = IssuedDocument(organization_id=org.id, kind=kind, year=year, number=None)
        session.add(record)
    record.symbol = organization_data(org).symbol(kind.code)
    record.issued_on = issued_on
    record.file_name = str(out)
    record.plan_id, record.dialogue_id = plan_id, dialogue_id
    record.public_version = public
    session.flush()


def export_document(
    db: Database,
    kind: DocumentKind | str,
    ident: int,
    out: Path,
    **options: Any,
) -> Path:
    """Write one document to ``out`` (.docx) in its own transaction; see ``write_document``."""
    with db.transaction() as session:
        return write_document(session, kind, ident, out, **options)


def write_document(
    session: Session,
    kind: DocumentKind | str,
    ident: int,
    out: Path,
    *,
    public: bool = False,
    number: int | None = None,
    issued_on: date | None = None,
    signer: SignerData | None = None,
    today: date | None = None,
    appendix: bool = True,
    handwritten: bool = False,
) -> Path:
    """Write one document to ``out`` (.docx) within ``session``'s unit of work; return the path.

    ``ident`` is the plan id for a Kế hoạch and the dialogue id for the other kinds. With a
    ``number`` the export is recorded (and a plan's số and date saved); a duplicate số raises
    :class:`DuplicateNumberError` and nothing is written. Wording templates are checked before
    the file is opened, so a broken template never leaves a file behind either. If the unit of
    work is rolled back after the file was written (its số could not be recorded), the file is
    removed: no paper carries a số the database does not know.
    """
    from app.services.users import Permission, require

    require(session, Permission.EXPORT)
    kind = as_kind(kind)
    out = Path(out)
    content = build_document(
        session,
        kind,
        ident,
        public=public,
        number=number,
        issued_on=issued_on,
        signer=signer,
        today=today,
        appendix=appendix,
        handwritten=handwritten,
    )
    if number is not None:
        _record_number(session, kind, ident, number, issued_on, out, public)
    else:
        _record_unnumbered(session, kind, ident, issued_on, out, public)
    session.flush()  # a duplicate số fails here, before any file exists
    if kind is DocumentKind.CONCLUSION_NOTICE:
        from app.services.locking import content_fingerprint

        issued = latest_issued(session, kind, ident) if number is not None else None
        if issued is not None:
            issued.content_fingerprint = content_fingerprint(session, ident)
    # The file gets its final name only once its số is committed: a crash before the commit
    # leaves a hidden pending file (removed at the next start), never "Số: 31" on paper that
    # the database does not know; a crash after it is completed at the next start.
    # Loaded on the first export: python-docx and lxml are not needed to list the dialogues.
    from app.export.layout import render
    from app.services.numbering import finish_on_commit, pending_path, reserve

    reserve(session, out, number)
    pending = pending_path(out)
    render(content, pending)
    finish_on_commit(session, pending, out)
    return out
