"""Hội nghị: schedule dialogues and list them with what is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.domain.rules import NOTICE_DAYS_BEFORE, DialogueState, DocumentKind
from app.domain.text import clean, days_phrase, roman, short_date
from app.errors import NotFoundError, ValidationError
from app.services import audit
from app.storage.models import Dialogue, IssuedDocument, Leader, Petition


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


@dataclass(frozen=True)
class DialogueRow:
    id: int
    title: str
    scheduled_at: datetime | None
    quarter: int | None
    place: str
    state: DialogueState
    chair: str
    petitions: int
    days_left: int | None
    notice_overdue: bool  # the 7-day notice date has passed without a TB/GM exported

    @property
    def when_text(self) -> str:
        if self.scheduled_at:
            return f"{self.scheduled_at:%H:%M} {short_date(self.scheduled_at.date())}"
        return f"Quý {roman(self.quarter)}" if self.quarter else ""

    @property
    def due_text(self) -> str:
        if self.state != DialogueState.PLANNED or self.days_left is None:
            return self.state.label
        return days_phrase(self.days_left) if self.days_left >= 0 else f"đã qua {-self.days_left} ngày"


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
    return problems


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


def notice_due_date(scheduled_at: datetime | None) -> date | None:
    """The last day a Thông báo / Giấy mời can go out (≥ 7 days before)."""
    return scheduled_at.date() - timedelta(days=NOTICE_DAYS_BEFORE) if scheduled_at else None


def list_dialogues(session: Session, *, today: date | None = None) -> list[DialogueRow]:
    today = today or date.today()
    counts = dict(
        session.execute(
            select(Petition.dialogue_id, func.count())
            .where(Petition.deleted_at.is_(None))
            .group_by(Petition.dialogue_id)
        ).all()
    )
    announced = set(
        session.scalars(
            select(IssuedDocument.dialogue_id).where(
                IssuedDocument.kind.in_([DocumentKind.INVITATION, DocumentKind.MEETING_NOTICE])
            )
        )
    )
    rows = []
    stmt = (
        select(Dialogue)
        .options(selectinload(Dialogue.chair))
        .order_by(Dialogue.scheduled_at.desc().nulls_last(), Dialogue.id.desc())
    )
    for d in session.scalars(stmt):
        days_left = (d.scheduled_at.date() - today).days if d.scheduled_at else None
        due = notice_due_date(d.scheduled_at)
        notice_overdue = bool(
            d.state == DialogueState.PLANNED and due is not None and today > due and d.id not in announced
        )
        rows.append(
            DialogueRow(
                id=d.id,
                title=d.title,
                scheduled_at=d.scheduled_at,
                quarter=d.quarter,
                place=d.place,
                state=d.state,
                chair=d.chair.full_name if d.chair else "",
                petitions=counts.get(d.id, 0),
                days_left=days_left,
                notice_overdue=notice_overdue,
            )
        )
    return rows
