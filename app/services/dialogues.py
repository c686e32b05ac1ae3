"""Hội nghị: schedule dialogues and list them with what is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from app.domain.dialogue_list import (
    ANNOUNCED,
    CONCLUDED,
    HELD,
    LISTED,
    NEAR_DUE_SETTING,
    DialogueRow,
    NoticeCountdown,
    countdowns,
    due_text,
    notice_due_date,
    read_dialogue_list,
    when_text,
)
from app.domain.rules import DialogueState, DocumentKind
from app.domain.standing import dialogue_tone
from app.domain.text import clean, roman, short_date
from app.errors import EditConflict, InUseError, NotFoundError, ValidationError
from app.services import audit, settings
from app.services.ordering import reversed_order, vietnamese
from app.storage.models import (
    WORK_COMMUNE_KEY,
    Dialogue,
    IssuedDocument,
    Leader,
    Petition,
    Setting,
    commune_organizations,
)

LIVE_SESSION_KEY = "live_session"  # where the live minutes were: reopened after a crash


@dataclass
class DialogueInput:
    organization_id: int
    title: str
    scheduled_at: datetime | None = None
    quarter: int | None = None
    place: str = ""
    audience: str = ""
    participants: str = ""
    content: str = ""
    chair_id: int | None = None
    co_chair_ids: tuple[int, ...] = ()
    secretary_name: str = ""
    collect_deadline: date | None = None
    plan_id: int | None = None
    plan_year: int | None = None  # for the "date outside the plan's year" check
    version: int | None = None  # DialogueDetail.version the form started from; None: no check


DIALOGUE_SORTS = ("default", "date", "title", "state")


def validate_dialogue(data: DialogueInput) -> dict[str, str]:
    problems = {}
    if not clean(data.title):
        problems["title"] = "Hãy nhập tên hội nghị."
    if data.scheduled_at is None and data.quarter is None:
        problems["scheduled_at"] = "Hãy nhập ngày giờ hội nghị hoặc chọn quý."
    if data.quarter is not None and data.quarter not in (1, 2, 3, 4):
        problems["quarter"] = "Quý phải từ I đến IV."
    if data.scheduled_at and data.plan_year and data.scheduled_at.year != data.plan_year:
        problems["scheduled_at"] = f"Ngày hội nghị phải nằm trong năm {data.plan_year} của kế hoạch."
    if data.collect_deadline and data.scheduled_at and data.collect_deadline > data.scheduled_at.date():
        problems["collect_deadline"] = "Hạn thu thập ý kiến phải trước ngày hội nghị."
    elif data.collect_deadline and data.scheduled_at is None and data.quarter in (1, 2, 3, 4):
        year = data.plan_year or data.collect_deadline.year
        if data.collect_deadline > quarter_end(year, data.quarter):
            problems["collect_deadline"] = (
                f"Hạn thu thập ý kiến phải trước khi hết Quý {roman(data.quarter)} năm {year}."
            )
    if data.collect_deadline and data.plan_year and data.collect_deadline.year > data.plan_year:
        problems.setdefault(
            "collect_deadline", f"Hạn thu thập ý kiến phải nằm trong năm {data.plan_year} của kế hoạch."
        )
    return problems


def quarter_end(year: int, quarter: int) -> date:
    """The last day of a quarter (a dialogue planned only by quarter happens by then)."""
    month = quarter * 3
    return (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - timedelta(days=1)


def create_dialogue(session: Session, data: DialogueInput) -> int:
    problems = validate_dialogue(data)
    if problems:
        raise ValidationError(problems)
    row = Dialogue(
        organization_id=data.organization_id,
        plan_id=data.plan_id,
        title=clean(data.title),
        scheduled_at=data.scheduled_at,
        quarter=data.quarter,
        place=clean(data.place),
        audience=clean(data.audience),
        participants=clean(data.participants),
        content=clean(data.content),
        chair_id=data.chair_id,
        secretary_name=clean(data.secretary_name),
        collect_deadline=data.collect_deadline,
        state=DialogueState.PLANNED,
        co_chairs=[leader for ident in data.co_chair_ids if (leader := session.get(Leader, ident))],
    )
    session.add(row)
    session.flush()
    audit.record(session, "create", "dialogue", row.id, title=row.title)
    return row.id


def get_dialogue(session: Session, dialogue_id: int) -> Dialogue:
    row = session.get(Dialogue, dialogue_id)
    if row is None:
        raise NotFoundError("hội nghị", dialogue_id)
    return row


def dialogue_list_statements(
    sort: str = "default", descending: bool = False, *, work: int | None = None, title_key: Any = None
) -> dict[str, Any]:
    """The statements of the Hội nghị list, by name (:data:`app.domain.dialogue_list.QUERY_NAMES`).

    :func:`list_dialogues` runs them through a session; the start-up's first page runs the
    default order's, compiled once and kept, through plain sqlite3 (``app.services.maintenance``).
    ``work``: the commune a signed-in user works in; ``title_key``: the Vietnamese order of the
    title on this database (``app.services.ordering.vietnamese``), for the sort by title.
    """
    from app.services.settings import NEAR_DUE_DAYS

    if sort not in DIALOGUE_SORTS:
        raise ValueError(f"unknown dialogue sort {sort!r}")
    # Counted per dialogue through the (dialogue_id, position, deleted_at) index: faster than one
    # GROUP BY over every petition of the history.
    petitions = (
        select(func.count())
        .where(Petition.dialogue_id == Dialogue.id, Petition.deleted_at.is_(None))
        .correlate(Dialogue)
        .scalar_subquery()
    )
    moment = func.coalesce(Dialogue.started_at, Dialogue.scheduled_at)
    fixed: list[Any] = []
    keys: list[Any]
    if sort == "default":
        fixed, keys = [Dialogue.scheduled_at.is_(None)], [Dialogue.scheduled_at.desc(), Dialogue.id.desc()]
    elif sort == "date":
        fixed, keys = [moment.is_(None)], [moment, Dialogue.id]
    elif sort == "title":
        keys = [Dialogue.title_sort if title_key is None else title_key, Dialogue.id]
    else:
        running_first = (DialogueState.IN_PROGRESS, DialogueState.PLANNED, DialogueState.CLOSED)
        order = {state.value: n for n, state in enumerate(running_first)}
        keys = [case(order, value=Dialogue.state, else_=len(order)), moment.desc(), Dialogue.id.desc()]
    if descending:
        keys = [reversed_order(key) for key in keys]
    # The columns the list shows, not whole dialogues: their minutes text and assessment would be
    # read for 400 rows only to be dropped (the Hội nghị page opens on this query).
    listed = (
        select(
            Dialogue.id,
            Dialogue.title,
            Dialogue.scheduled_at,
            Dialogue.quarter,
            Dialogue.place,
            Dialogue.state,
            Dialogue.started_at,
            Leader.full_name,
            petitions,
        )
        .outerjoin(Leader, Leader.id == Dialogue.chair_id)
        .order_by(*fixed, *keys)
    )
    if work is not None:  # a commune user sees their commune's dialogues
        listed = listed.where(Dialogue.organization_id.in_(commune_organizations(work)))
    held = (Dialogue.state != DialogueState.PLANNED) | Dialogue.started_at.is_not(None)
    return {
        NEAR_DUE_SETTING: select(Setting.value).where(Setting.key == NEAR_DUE_DAYS),
        ANNOUNCED: select(IssuedDocument.dialogue_id).where(
            IssuedDocument.kind.in_([DocumentKind.INVITATION, DocumentKind.MEETING_NOTICE])
        ),
        CONCLUDED: select(IssuedDocument.dialogue_id).where(
            IssuedDocument.kind == DocumentKind.CONCLUSION_NOTICE,
            IssuedDocument.number.is_not(None),
            IssuedDocument.dialogue_id.is_not(None),
        ),
        # Three columns, not whole dialogues: the list that asks has loaded those already.
        HELD: select(Dialogue.id, Dialogue.started_at, Dialogue.scheduled_at).where(held),
        LISTED: listed,
    }


def conclusion_notice_countdowns(session: Session, today: date | None = None) -> dict[int, NoticeCountdown]:
    """For each held dialogue whose Thông báo kết luận is not yet issued (numbered): the countdown."""
    statements = dialogue_list_statements()
    return countdowns(
        session.execute(statements[HELD]).all(),
        session.execute(statements[CONCLUDED]).all(),
        today or date.today(),
    )


def running_dialogue(session: Session) -> int | None:
    """The dialogue whose minutes were open when the program stopped (crash, power cut)."""
    state = settings.get_setting(session, LIVE_SESSION_KEY)
    if isinstance(state, dict) and state.get("dialogue_id"):
        dialogue = session.get(Dialogue, state["dialogue_id"])
        if dialogue is not None and dialogue.state == DialogueState.IN_PROGRESS:
            return dialogue.id
    return session.scalar(
        select(Dialogue.id)
        .where(Dialogue.state == DialogueState.IN_PROGRESS)
        .order_by(Dialogue.started_at.desc())
    )


def list_dialogues(
    session: Session, *, sort: str = "default", descending: bool = False, today: date | None = None
) -> list[DialogueRow]:
    """Every dialogue, sorted in SQL.

    ``default``: newest scheduled first (undated last); ``date``: by the meeting day (the actual
    start, else the schedule), oldest first; ``title``: Vietnamese order of the name; ``state``:
    running, planned, closed, each newest first. ``descending`` reverses the chosen order (undated
    dialogues stay last); ties are broken by id.
    """
    statements = dialogue_list_statements(
        sort,
        descending,
        work=session.info.get(WORK_COMMUNE_KEY),
        title_key=vietnamese(session, Dialogue.title, Dialogue.title_sort) if sort == "title" else None,
    )
    return read_dialogue_list(
        lambda name: session.execute(statements[name]).all(),
        today or date.today(),
        near=settings.near_due_days(session),
    )


@dataclass(frozen=True)
class DialogueChoice:
    """A dialogue as a filter list offers it: «08:00 23/9/2026 – Hội nghị …»."""

    id: int
    label: str
    year: int | None  # of the schedule, for the list of years


def dialogue_choices(session: Session) -> list[DialogueChoice]:
    """Every dialogue for a pick list, in the Hội nghị list's default order.

    Five columns of the list's own statement: its countdowns, notices and counts are not read
    (the Theo dõi page's filters opened 40 ms slower on them).
    """
    listed = dialogue_list_statements(work=session.info.get(WORK_COMMUNE_KEY))[LISTED]
    rows = session.execute(
        listed.with_only_columns(
            Dialogue.id,
            Dialogue.title,
            Dialogue.scheduled_at,
            Dialogue.quarter,
            Dialogue.started_at,
            maintain_column_froms=True,
        )
    ).all()
    return [
        DialogueChoice(
            ident,
            f"{when_text(started_at or scheduled_at, quarter)} – {title}",
            scheduled_at.year if scheduled_at else None,
        )
        for ident, title, scheduled_at, quarter, started_at in rows
    ]


# --- dialogues of a plan: the scheduler of the Kế hoạch screen ----------------------------------


@dataclass(frozen=True)
class DialogueDetail:
    """Everything the scheduler shows and edits about one dialogue, as plain data."""

    id: int
    plan_id: int | None
    organization_id: int
    title: str
    quarter: int | None
    scheduled_at: datetime | None
    place: str
    audience: str
    participants: str
    content: str
    chair_id: int | None
    chair: str
    co_chair_ids: tuple[int, ...]
    co_chairs: tuple[str, ...]
    secretary_name: str
    collect_deadline: date | None
    state: DialogueState
    petitions: int
    days_left: int | None
    notice_overdue: bool
    tone: str | None = None  # app.domain.standing.dialogue_tone
    version: int = 0  # hand it back in DialogueInput.version: an edit from a stale copy is refused

    @property
    def when_text(self) -> str:
        return when_text(self.scheduled_at, self.quarter)

    @property
    def due_text(self) -> str:
        return due_text(self.state, self.days_left)

    @property
    def notice_due(self) -> date | None:
        return notice_due_date(self.scheduled_at)

    @property
    def collect_text(self) -> str:
        return short_date(self.collect_deadline)

    def to_input(self, plan_year: int | None = None) -> DialogueInput:
        return DialogueInput(
            organization_id=self.organization_id,
            title=self.title,
            scheduled_at=self.scheduled_at,
            quarter=self.quarter,
            place=self.place,
            audience=self.audience,
            participants=self.participants,
            content=self.content,
            chair_id=self.chair_id,
            co_chair_ids=self.co_chair_ids,
            secretary_name=self.secretary_name,
            collect_deadline=self.collect_deadline,
            plan_id=self.plan_id,
            plan_year=plan_year,
        )


def _announced_ids(session: Session) -> set[int]:
    return set(session.scalars(dialogue_list_statements()[ANNOUNCED]))


def _detail(
    d: Dialogue, *, today: date, announced: set[int], petitions: int, near_due_days: int
) -> DialogueDetail:
    days_left = (d.scheduled_at.date() - today).days if d.scheduled_at else None
    due = notice_due_date(d.scheduled_at)
    notice_overdue = bool(
        d.state == DialogueState.PLANNED and due is not None and today > due and d.id not in announced
    )
    return DialogueDetail(
        id=d.id,
        plan_id=d.plan_id,
        organization_id=d.organization_id,
        title=d.title,
        quarter=d.quarter,
        scheduled_at=d.scheduled_at,
        place=d.place,
        audience=d.audience,
        participants=d.participants,
        content=d.content,
        chair_id=d.chair_id,
        chair=d.chair.full_name if d.chair else "",
        co_chair_ids=tuple(leader.id for leader in d.co_chairs),
        co_chairs=tuple(leader.full_name for leader in d.co_chairs),
        secretary_name=d.secretary_name,
        collect_deadline=d.collect_deadline,
        state=d.state,
        petitions=petitions,
        days_left=days_left,
        notice_overdue=notice_overdue,
        tone=dialogue_tone(d.state, days_left, notice_overdue, near_due_days),
        version=d.version,
    )


def plan_dialogues(session: Session, plan_id: int, *, today: date | None = None) -> list[DialogueDetail]:
    """The dialogues a plan schedules, in the order they happen."""
    today = today or date.today()
    rows = list(
        session.scalars(
            select(Dialogue)
            .where(Dialogue.plan_id == plan_id)
            .options(selectinload(Dialogue.chair), selectinload(Dialogue.co_chairs))
        )
    )
    counts = dict(
        session.execute(
            select(Petition.dialogue_id, func.count())
            .where(Petition.deleted_at.is_(None), Petition.dialogue_id.in_([d.id for d in rows]))
            .group_by(Petition.dialogue_id)
        ).all()
    )
    announced = _announced_ids(session)

    def key(d: Dialogue) -> tuple[datetime, int]:
        if d.scheduled_at is not None:
            return (d.scheduled_at, d.id)
        if d.quarter:
            # A dialogue named only by its quarter sorts at the end of that quarter.
            end = quarter_end(d.plan.year if d.plan else today.year, d.quarter)
            return (datetime(end.year, end.month, end.day, 23, 59), d.id)
        return (datetime.max, d.id)

    near = settings.near_due_days(session)
    return [
        _detail(d, today=today, announced=announced, petitions=counts.get(d.id, 0), near_due_days=near)
        for d in sorted(rows, key=key)
    ]


def dialogue_detail(session: Session, dialogue_id: int, *, today: date | None = None) -> DialogueDetail:
    d = get_dialogue(session, dialogue_id)
    petitions = (
        session.scalar(
            select(func.count()).where(Petition.dialogue_id == dialogue_id, Petition.deleted_at.is_(None))
        )
        or 0
    )
    return _detail(
        d,
        today=today or date.today(),
        announced=_announced_ids(session),
        petitions=petitions,
        near_due_days=settings.near_due_days(session),
    )


def update_dialogue(session: Session, dialogue_id: int, data: DialogueInput) -> None:
    """Replace what the scheduler edits (time, place, đối tượng, chủ trì, hạn thu ý kiến); all or nothing."""
    problems = validate_dialogue(data)
    if problems:
        raise ValidationError(problems)
    row = get_dialogue(session, dialogue_id)
    if data.version is not None and data.version != row.version:
        raise EditConflict(
            "hội nghị",
            row.id,
            expected_version=data.version,
            current_version=row.version,
            mine={"title": clean(data.title)},
            theirs={"title": row.title},
            kind="dialogue",
        )
    with session.no_autoflush:  # a flush in between would forget what changed (the Nhật ký's old → new)
        row.title = clean(data.title)
        row.scheduled_at = data.scheduled_at
        row.quarter = data.quarter
        row.place = clean(data.place)
        row.audience = clean(data.audience)
        row.participants = clean(data.participants)
        row.content = clean(data.content)
        row.chair_id = data.chair_id
        row.secretary_name = clean(data.secretary_name)
        row.collect_deadline = data.collect_deadline
        row.co_chairs = [leader for ident in data.co_chair_ids if (leader := session.get(Leader, ident))]
        audit.record_edit(session, row, "dialogue")


def deletion_blocker(session: Session, dialogue: Dialogue) -> str | None:
    """Why this dialogue cannot be deleted (Vietnamese), or None when it can."""
    if dialogue.state != DialogueState.PLANNED:
        return f"Hội nghị «{dialogue.title}» {dialogue.state.label}; hồ sơ của hội nghị được giữ lại."
    petitions = session.scalar(select(func.count()).where(Petition.dialogue_id == dialogue.id)) or 0
    if petitions:
        return (
            f"Hội nghị «{dialogue.title}» đã có {petitions} ý kiến, kiến nghị thu thập trước; "
            "hãy chuyển các ý kiến sang hội nghị khác trước khi xóa."
        )
    numbered = session.scalar(
        select(func.count()).where(
            IssuedDocument.dialogue_id == dialogue.id, IssuedDocument.number.is_not(None)
        )
    )
    if numbered:
        return f"Hội nghị «{dialogue.title}» đã có văn bản được cấp số; hồ sơ của hội nghị được giữ lại."
    return None


def delete_dialogue(session: Session, dialogue_id: int) -> None:
    """Delete a planned dialogue that nothing refers to yet; otherwise say why not."""
    row = get_dialogue(session, dialogue_id)
    reason = deletion_blocker(session, row)
    if reason:
        raise InUseError(f"dialogue {dialogue_id} cannot be deleted", reason + " Không xóa được.")
    # Drafts exported without a number leave only a log line; it goes with the dialogue.
    for doc in session.scalars(select(IssuedDocument).where(IssuedDocument.dialogue_id == dialogue_id)):
        session.delete(doc)
    title = row.title
    session.delete(row)
    audit.record(session, "delete", "dialogue", dialogue_id, title=title)
