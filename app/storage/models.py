"""SQLAlchemy 2.0 typed models: everything in DOMAIN.md §2 has a home here.

Conventions: text is stored NFC (the services normalise; ``Petition.search_key`` keeps the folded
form for accent-free search); enums are stored as their English codes; deadlines are dates and
"overdue" is never a column. Lists that only ever travel with their parent (a plan's căn cứ, its
nơi nhận) are JSON lists of strings.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    false,
    func,
    inspect,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column, relationship
from sqlalchemy.orm import Session as SessionClass

from app.domain.rules import (
    AnswerOutcome,
    DialogueState,
    DocumentKind,
    MinuteKind,
    PetitionKind,
    PetitionSource,
    PetitionStatus,
    PlanKind,
)
from app.domain.text import (
    PETITION_CONTENT_KEY_LENGTH,
    collation_key,
    person_collation_key,
    petitioner_label,
)

# Named constraints let Alembic's batch mode rebuild SQLite tables without guessing names.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


# Stored collation keys compare as code points (SQLite's BINARY); on PostgreSQL the "C" collation
# gives the same byte order whatever the server's locale (revision 0010 sets it on old columns).
SortKey = Text().with_variant(Text(collation="C"), "postgresql")


def _enum(enum_cls: type) -> Enum:
    # Stored as the English value ("in_progress"), checked in Python, no CHECK constraint so a
    # later version can add a status without a table rebuild.
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.current_timestamp(), onupdate=func.current_timestamp()
    )


# --- settings and catalogues -------------------------------------------------------------------


class Setting(Base):
    """Small key/value settings of this database (current organisation, timers, defaults)."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    # Raised by every write (revision 0025): a Cài đặt form read before another PC's save is
    # refused instead of overwriting it (settings.expect_setting_versions, which locks the row
    # on a server). Not a version_id_col: program state (the live minutes' place, saved with
    # every autosave) stays last-writer-wins rather than failing a flush.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class Commune(Base):
    """A xã / phường / đặc khu whose bodies share one database with others (revision 0011).

    A commune has several issuing bodies (UBND, HĐND, Đảng ủy): data is scoped by commune, each
    record through the Organization that carries it (plans, dialogues, petitions).
    """

    __tablename__ = "commune"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(20), default="", server_default="")  # mã đơn vị hành chính
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Organization(TimestampMixin, Base):
    """The body that issues documents: ỦY BAN NHÂN DÂN XÃ …, HĐND XÃ …, ĐẢNG ỦY XÃ …"""

    __tablename__ = "organization"
    id: Mapped[int] = mapped_column(primary_key=True)
    # The commune it belongs to (revision 0011); set on insert by _organization_commune.
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("commune.id"))
    name: Mapped[str] = mapped_column(String(200))  # cơ quan ban hành; "\n" splits lines
    parent_name: Mapped[str | None] = mapped_column(String(200))  # cơ quan chủ quản
    place_name: Mapped[str] = mapped_column(String(100))  # địa danh in "<địa danh>, ngày …"
    issuer_code: Mapped[str] = mapped_column(String(20))  # ký hiệu of the body: UBND, HĐND, ĐU
    signing_authority: Mapped[str | None] = mapped_column(String(100))  # "TM. ỦY BAN NHÂN DÂN"
    signer_name: Mapped[str | None] = mapped_column(String(100))
    signer_title: Mapped[str | None] = mapped_column(String(100))  # "CHỦ TỊCH"
    header_style: Mapped[str] = mapped_column(String(16), default="state")  # state | party
    # xã | phường | đặc khu | thành phố …; "" reads it from the name (revision 0004)
    level: Mapped[str] = mapped_column(String(32), default="", server_default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CatalogueMixin:
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # collation_key(name), kept by the flush events below: lists sort by it in SQL.
    sort_key: Mapped[str] = mapped_column(SortKey, default="", server_default="", index=True)
    # The commune whose list this is (revision 0018); set on insert by _catalogue_commune.
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("commune.id"), index=True)


class Unit(CatalogueMixin, Base):
    """Ban, ngành, công chức chuyên môn, đoàn thể: who gets assignments."""

    __tablename__ = "unit"
    short_name: Mapped[str | None] = mapped_column(String(60))


class Hamlet(CatalogueMixin, Base):
    """Thôn / tổ dân phố."""

    __tablename__ = "hamlet"


class Field(CatalogueMixin, Base):
    """Lĩnh vực of a petition (editable list with defaults)."""

    __tablename__ = "field"


class Leader(Base):
    """A person who chairs, answers or signs: họ tên and chức vụ."""

    __tablename__ = "leader"
    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(150))  # "Chủ tịch UBND xã"
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # The commune whose leader this is (revision 0018); set on insert by _catalogue_commune.
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("commune.id"), index=True)


# --- plans and dialogues ------------------------------------------------------------------------


class Plan(TimestampMixin, Base):
    """A Kế hoạch; one plan may schedule several dialogues."""

    __tablename__ = "plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    kind: Mapped[PlanKind] = mapped_column(_enum(PlanKind), default=PlanKind.YEARLY)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int | None] = mapped_column(Integer)
    symbol: Mapped[str] = mapped_column(String(40))  # "KH-HĐND"
    issued_on: Mapped[date | None] = mapped_column(Date)
    title: Mapped[str] = mapped_column(Text, default="")  # trích yếu
    title_sort: Mapped[str] = mapped_column(SortKey, default="", server_default="", index=True)
    opening: Mapped[str] = mapped_column(Text, default="")  # lead paragraph ending "… như sau:"
    bases: Mapped[list[Any]] = mapped_column(default=list)  # căn cứ
    purposes: Mapped[list[Any]] = mapped_column(default=list)
    requirements: Mapped[list[Any]] = mapped_column(default=list)
    audience: Mapped[str] = mapped_column(Text, default="")  # đối tượng
    contents: Mapped[list[Any]] = mapped_column(default=list)  # nội dung
    forms: Mapped[list[Any]] = mapped_column(default=list)  # hình thức
    time_place: Mapped[list[Any]] = mapped_column(default=list)  # thời gian, địa điểm
    steps: Mapped[list[Any]] = mapped_column(default=list)  # các bước tiến hành
    tasks_intro: Mapped[str] = mapped_column(Text, default="")
    # [{"unit": "Văn phòng HĐND, UBND", "unit_id": 3 | None, "tasks": ["…", "…"]}]
    tasks: Mapped[list[Any]] = mapped_column(default=list)
    recipients: Mapped[list[Any]] = mapped_column(default=list)  # nơi nhận, "Lưu: VT." last
    # the plan's own section headings {key: heading} (keys of app.export.data.PLAN_HEADINGS)
    headings: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=dict)
    signing_authority: Mapped[str | None] = mapped_column(String(100))
    signer_title: Mapped[str | None] = mapped_column(String(100))
    signer_name: Mapped[str | None] = mapped_column(String(100))

    # Optimistic version (revision 0018): a form loaded before another PC's save is refused.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    organization: Mapped[Organization] = relationship()
    dialogues: Mapped[list[Dialogue]] = relationship(back_populates="plan", order_by="Dialogue.id")


dialogue_co_chair = Table(
    "dialogue_co_chair",
    Base.metadata,
    Column("dialogue_id", ForeignKey("dialogue.id", ondelete="CASCADE"), primary_key=True),
    Column("leader_id", ForeignKey("leader.id"), primary_key=True),
)


class Dialogue(TimestampMixin, Base):
    """One hội nghị đối thoại: planned, in progress or closed."""

    __tablename__ = "dialogue"
    __table_args__ = (
        # The meeting moment (petitions.meeting_moment_sql), for the petition list sorted by
        # Ngày hội nghị: dialogues walked in this order, each one's petitions by position.
        Index("ix_dialogue_moment", text("coalesce(started_at, scheduled_at)"), "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    title: Mapped[str] = mapped_column(Text, default="")
    title_sort: Mapped[str] = mapped_column(SortKey, default="", server_default="", index=True)
    quarter: Mapped[int | None] = mapped_column(Integer)  # when the plan names only a quarter
    scheduled_at: Mapped[datetime | None] = mapped_column(DateTime)
    place: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[str] = mapped_column(Text, default="")  # đối tượng
    participants: Mapped[str] = mapped_column(Text, default="")  # thành phần (free text)
    content: Mapped[str] = mapped_column(Text, default="")  # nội dung đối thoại
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("leader.id"))
    secretary_name: Mapped[str] = mapped_column(String(100), default="")
    collect_deadline: Mapped[date | None] = mapped_column(Date)  # opinions gathered before
    state: Mapped[DialogueState] = mapped_column(_enum(DialogueState), default=DialogueState.PLANNED)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    leaders_count: Mapped[int] = mapped_column(Integer, default=0)
    units_count: Mapped[int] = mapped_column(Integer, default=0)
    hamlet_heads_count: Mapped[int] = mapped_column(Integer, default=0)
    citizens_count: Mapped[int] = mapped_column(Integer, default=0)
    assessment: Mapped[str] = mapped_column(Text, default="")  # đánh giá chung of the chair
    # Chốt biên bản (revision 0007): locked minutes refuse every change until unlocked with a reason.
    locked_at: Mapped[datetime | None] = mapped_column(DateTime)
    locked_by: Mapped[str] = mapped_column(String(100), default="", server_default="")
    unlocked_at: Mapped[datetime | None] = mapped_column(DateTime)
    unlock_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Optimistic locking (revision 0010): every UPDATE checks and bumps it, so two PCs never
    # silently overwrite each other's edit (app.errors.EditConflict).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    plan: Mapped[Plan | None] = relationship(back_populates="dialogues")
    organization: Mapped[Organization] = relationship()
    chair: Mapped[Leader | None] = relationship(foreign_keys=[chair_id])
    co_chairs: Mapped[list[Leader]] = relationship(secondary=dialogue_co_chair)
    attendees: Mapped[list[Attendee]] = relationship(
        back_populates="dialogue", cascade="all, delete-orphan", order_by="Attendee.position"
    )
    entries: Mapped[list[MinuteEntry]] = relationship(
        back_populates="dialogue", cascade="all, delete-orphan", order_by="MinuteEntry.position"
    )
    petitions: Mapped[list[Petition]] = relationship(back_populates="dialogue", order_by="Petition.position")
    conclusions: Mapped[list[Conclusion]] = relationship(
        back_populates="dialogue", cascade="all, delete-orphan", order_by="Conclusion.position"
    )


class Attendee(Base):
    """A named key attendee (leaders, heads of units); citizens are counted, not named."""

    __tablename__ = "attendee"
    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"))
    full_name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(150), default="")
    group: Mapped[str] = mapped_column(String(32), default="leader")  # leader|unit|hamlet|citizen
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Invited but absent (printed under "Vắng mặt" with the reason), rather than present.
    absent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    reason: Mapped[str] = mapped_column(String(200), default="", server_default="")

    dialogue: Mapped[Dialogue] = relationship(back_populates="attendees")


class MinuteEntry(Base):
    """One timestamped line of the minutes, in the order things happened."""

    __tablename__ = "minute_entry"
    __table_args__ = (
        # The live window reads a dialogue's lines in order; autosave finds a petition's line.
        Index("ix_minute_entry_dialogue_position", "dialogue_id", "position"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime)
    kind: Mapped[MinuteKind] = mapped_column(_enum(MinuteKind))
    speaker: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[str] = mapped_column(Text, default="")
    petition_id: Mapped[int | None] = mapped_column(ForeignKey("petition.id"), index=True)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)  # soft delete: undo + audit

    dialogue: Mapped[Dialogue] = relationship(back_populates="entries")


# --- petitions and what follows them ----------------------------------------------------------


# What the list filters test besides the deadline order (revision 0016's covering indexes).
_DUE_CHECKED = ("deleted_at", "status", "dialogue_id", "field_id", "hamlet_id", "received_on")


class Petition(TimestampMixin, Base):
    """One matter raised by a citizen, before or at a dialogue."""

    __tablename__ = "petition"
    __table_args__ = (
        # The default order (newest dialogue first, then position), with and without a status
        # filter, read straight from an index instead of sorting every match; deleted_at last
        # makes them covering for the lists, the counts per dialogue and the sort by status.
        Index("ix_petition_status_dialogue", "status", text("dialogue_id DESC"), "position", "deleted_at"),
        Index("ix_petition_dialogue_position", text("dialogue_id DESC"), "position", "deleted_at"),
        # Narrow covering indexes: a filter or a sort by thôn / lĩnh vực, or a count, reads these
        # instead of the wide petition rows (deleted_at is checked by every list).
        Index("ix_petition_hamlet_deleted", "hamlet_id", "deleted_at"),
        Index("ix_petition_field_deleted", "field_id", "deleted_at"),
        # The sorts by deadline and by lead unit (and the due filters) read these in order and
        # stop at the page's end instead of computing and sorting a value for every petition.
        # The trailing columns are what the other filters test, checked inside the index.
        Index("ix_petition_due", "due_on", "id", *_DUE_CHECKED),
        # Theo dõi: one filter fixed, then deadline order, read from the index alone (revision 0016).
        Index("ix_petition_status_due", "status", "due_on", "id", *_DUE_CHECKED[:1], *_DUE_CHECKED[2:]),
        Index("ix_petition_field_due", "field_id", "due_on", "id", "deleted_at", "status"),
        Index("ix_petition_hamlet_due", "hamlet_id", "due_on", "id", "deleted_at", "status"),
        Index("ix_petition_dialogue_due", "dialogue_id", "due_on", "id", "deleted_at", "status"),
        Index("ix_petition_lead_unit_sort", "lead_unit_sort", "id"),
        # The live window's known speakers walk the newest petitions: read from this narrow index,
        # not the wide rows (minutes.known_speakers).
        Index(
            "ix_petition_speakers",
            "id",
            "deleted_at",
            "petitioner_name",
            "hamlet_id",
            "hamlet_text",
            "petitioner_sort",
        ),
        # One commune's list on a server holding many (revision 0011).
        Index(
            "ix_petition_organization_dialogue",
            "organization_id",
            text("dialogue_id DESC"),
            "position",
            "deleted_at",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int | None] = mapped_column(ForeignKey("dialogue.id"))
    # The commune it belongs to (revision 0011): its dialogue's, set on insert by _petition_commune.
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[PetitionSource] = mapped_column(_enum(PetitionSource), default=PetitionSource.AT_MEETING)
    kind: Mapped[PetitionKind] = mapped_column(_enum(PetitionKind), default=PetitionKind.PROPOSAL)
    raised_at_meeting: Mapped[bool] = mapped_column(Boolean, default=False)
    received_on: Mapped[date | None] = mapped_column(Date)
    petitioner_name: Mapped[str] = mapped_column(String(200), default="")
    petitioner_phone: Mapped[str] = mapped_column(String(40), default="")
    petitioner_address: Mapped[str] = mapped_column(String(300), default="")
    petitioner_org: Mapped[str] = mapped_column(String(200), default="")  # tổ chức / đoàn thể
    is_group: Mapped[bool] = mapped_column(Boolean, default=False)
    is_anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    # ong | ba | none (group, organisation, anonymous); None: suggested from the name
    address_form: Mapped[str | None] = mapped_column(String(8))
    hamlet_id: Mapped[int | None] = mapped_column(ForeignKey("hamlet.id"))
    # A thôn typed in the live minutes that is not yet in Danh mục (until the opinion is finished).
    hamlet_text: Mapped[str] = mapped_column(String(200), default="", server_default="")
    field_id: Mapped[int | None] = mapped_column(ForeignKey("field.id"))
    content: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="", server_default="")  # third person, for the TB
    status: Mapped[PetitionStatus] = mapped_column(_enum(PetitionStatus), default=PetitionStatus.NEW)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("petition.id"))
    forwarded_to: Mapped[str] = mapped_column(String(200), default="")  # cấp có thẩm quyền
    search_key: Mapped[str] = mapped_column(Text, default="")  # folded name+hamlet+content
    # Stored collation keys (flush events below): person order of the name, order of the content.
    petitioner_sort: Mapped[str] = mapped_column(SortKey, default="", server_default="", index=True)
    content_sort: Mapped[str] = mapped_column(SortKey, default="", server_default="", index=True)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The citizen was told the outcome (a petition is not finished for them until then).
    informed_on: Mapped[date | None] = mapped_column(Date)
    informed_how: Mapped[str] = mapped_column(String(16), default="", server_default="")  # InformMethod
    # Derived from the assignments in the same flush (refresh_derived below): the petition's
    # deadline (app.domain.standing.petition_deadline: the earliest unfinished one) and the sort key
    # of its latest assignment's lead unit ("" for none). Never set by hand.
    due_on: Mapped[date | None] = mapped_column(Date)
    lead_unit_sort: Mapped[str] = mapped_column(SortKey, default="", server_default="")
    # Optimistic locking (revision 0010), as on Dialogue.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    dialogue: Mapped[Dialogue | None] = relationship(back_populates="petitions")
    hamlet: Mapped[Hamlet | None] = relationship()
    field: Mapped[Field | None] = relationship()
    duplicate_of: Mapped[Petition | None] = relationship(remote_side=[id])
    answers: Mapped[list[Answer]] = relationship(
        back_populates="petition", cascade="all, delete-orphan", order_by="Answer.position"
    )
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="petition", cascade="all, delete-orphan", order_by="Assignment.id"
    )
    updates: Mapped[list[ResolutionUpdate]] = relationship(
        back_populates="petition", cascade="all, delete-orphan", order_by="ResolutionUpdate.id"
    )


class Answer(Base):
    """An answer given at the meeting: who answered and what, and what it led to."""

    __tablename__ = "answer"
    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("leader.id"))
    answerer_name: Mapped[str] = mapped_column(String(100), default="")
    answerer_title: Mapped[str] = mapped_column(String(150), default="")
    content: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[AnswerOutcome] = mapped_column(_enum(AnswerOutcome), default=AnswerOutcome.ANSWERED)
    at: Mapped[datetime | None] = mapped_column(DateTime)

    petition: Mapped[Petition] = relationship(back_populates="answers")
    leader: Mapped[Leader | None] = relationship()


assignment_support = Table(
    "assignment_support",
    Base.metadata,
    Column("assignment_id", ForeignKey("assignment.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("unit.id"), primary_key=True),
)


class Assignment(Base):
    """Giao <đơn vị> chủ trì, phối hợp <đơn vị> …, báo cáo trước ngày <deadline>."""

    __tablename__ = "assignment"
    __table_args__ = (
        # The petition's deadline (earliest unfinished), read from the index alone; the filter by unit.
        Index("ix_assignment_petition_deadline", "petition_id", "deadline", "finished_on"),
        Index("ix_assignment_unit_petition", "lead_unit_id", "petition_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    # Its own index too: the latest assignment of a petition (its lead unit) in rowid order.
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id", ondelete="CASCADE"), index=True)
    lead_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    task: Mapped[str] = mapped_column(Text, default="")
    assigned_on: Mapped[date | None] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date, index=True)
    finished_on: Mapped[date | None] = mapped_column(Date)  # the unit finished its part

    petition: Mapped[Petition] = relationship(back_populates="assignments")
    lead_unit: Mapped[Unit] = relationship()
    supporting_units: Mapped[list[Unit]] = relationship(secondary=assignment_support)


class ResolutionUpdate(Base):
    """A dated step of the follow-up: the unit's reply document and what it says."""

    __tablename__ = "resolution_update"
    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id", ondelete="CASCADE"), index=True)
    on: Mapped[date] = mapped_column(Date)
    reply_number: Mapped[str] = mapped_column(String(60), default="")  # "12/BC-ĐCXD"
    reply_date: Mapped[date | None] = mapped_column(Date)
    result: Mapped[str] = mapped_column(Text, default="")
    status_after: Mapped[PetitionStatus] = mapped_column(_enum(PetitionStatus))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    # result | status | reassign | extend | reopen | duplicate | informed | reminder | note
    kind: Mapped[str] = mapped_column(String(16), default="result", server_default="result")
    recorded_by: Mapped[str] = mapped_column(String(100), default="", server_default="")  # OS user
    attachment: Mapped[str] = mapped_column(String(500), default="", server_default="")  # under data_dir()
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    petition: Mapped[Petition] = relationship(back_populates="updates")


class UnitSheetExport(Base):
    """A unit's results sheet (.xlsx) that left the program; its token comes back with the file."""

    __tablename__ = "unit_sheet_export"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    exported_on: Mapped[date] = mapped_column(Date)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    file_name: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())


class Conclusion(Base):
    """One item of the chair's conclusion."""

    __tablename__ = "conclusion"
    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    content: Mapped[str] = mapped_column(Text, default="")

    dialogue: Mapped[Dialogue] = relationship(back_populates="conclusions")


class IssuedDocument(Base):
    """A document exported for signing; its số is unique per organisation, kind and year."""

    __tablename__ = "issued_document"
    __table_args__ = (
        UniqueConstraint("organization_id", "kind", "year", "number", name="uq_issued_document_number"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    kind: Mapped[DocumentKind] = mapped_column(_enum(DocumentKind))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int | None] = mapped_column(Integer)
    symbol: Mapped[str] = mapped_column(String(40))
    issued_on: Mapped[date | None] = mapped_column(Date)
    file_name: Mapped[str] = mapped_column(String(500), default="")
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"))
    dialogue_id: Mapped[int | None] = mapped_column(ForeignKey("dialogue.id"))
    public_version: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    # What was issued (sha256 of the document's content) and whether the số is only reserved.
    content_fingerprint: Mapped[str] = mapped_column(String(64), default="", server_default="")
    reserved: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class AuditEvent(Base):
    """Who changed what, when: kept for the chair's review and for undo after the fact."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_entity_record", "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp(), index=True)
    user: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(40))  # create | update | delete | restore | …
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    actor: Mapped[str] = mapped_column(String(100), default="", server_default="")  # name in Cài đặt
    # The commune the line belongs to (revision 0018): a commune's Nhật ký shows only its own.
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("commune.id"), index=True)


class Counter(Base):
    """The last number handed out in one sequence (positions of a dialogue's lines, of a catalogue).

    Taken with one ``UPDATE … RETURNING`` that locks the row until the commit, so two PCs
    allocating at once get consecutive numbers, never the same one (``app.services.counters``).
    """

    __tablename__ = "counter"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


# --- sharing one server (revision 0011) ----------------------------------------------------------


class AppUser(Base):
    """A person who signs in to a shared database; a file with no users needs no sign-in."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)  # folded: compared as typed, lower case
    full_name: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(16))  # app.services.users.Role
    # "scrypt$n$r$p$salt$hash" (hex); never the password itself
    password_hash: Mapped[str] = mapped_column(String(300))
    # The commune this person works in; None: every commune (a province's staff, the administrator).
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("commune.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())


class TransferState(Base):
    """Progress of «Chuyển dữ liệu» into this database, so a killed transfer resumes.

    Row ``"*"`` names the source and says whether the whole transfer finished; one row per copied
    table holds the rows copied and the last primary key, written in the same transaction as the
    batch. Never copied itself (``info["transfer"]``).
    """

    __tablename__ = "transfer_state"
    __table_args__ = {"info": {"transfer": False}}
    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(String(500), default="")
    copied: Mapped[int] = mapped_column(Integer, default=0)
    last_key: Mapped[list[Any] | None] = mapped_column(JSON)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)


# --- stored sort keys ----------------------------------------------------------------------------
# Every write goes through the ORM flush, so these listeners keep the collation keys right on
# insert, edit and rename alike; migration 0003 fills them for older rows with the same functions.


_PETITION_KEYED = ("petitioner_name", "is_anonymous", "is_group", "content")


def _petition_keys(_mapper: Mapper[Any], _connection: Any, target: Petition) -> None:
    state = inspect(target)
    if state.persistent and not any(state.attrs[name].history.has_changes() for name in _PETITION_KEYED):
        return  # a status or result changed, not the words the keys come from (bulk results)
    target.petitioner_sort, target.content_sort = petition_sort_keys(
        target.petitioner_name, target.is_anonymous, target.content, target.is_group
    )


def petition_sort_keys(
    petitioner_name: str | None, is_anonymous: bool | None, content: str | None, is_group: bool | None = False
) -> tuple[str, str]:
    """A petition's stored ``petitioner_sort`` and ``content_sort`` (the bench history's bulk rows
    take them from here too)."""
    return (
        person_collation_key(petitioner_label(petitioner_name or "", bool(is_anonymous), bool(is_group))),
        collation_key(content, length=PETITION_CONTENT_KEY_LENGTH),
    )


def _name_key(_mapper: Mapper[Any], _connection: Any, target: Unit | Hamlet | Field) -> None:
    target.sort_key = collation_key(target.name)


def _title_key(_mapper: Mapper[Any], _connection: Any, target: Dialogue | Plan) -> None:
    target.title_sort = collation_key(target.title)


WORK_COMMUNE_KEY = "work_commune_id"  # session.info: the commune a signed-in user works in


def commune_organizations(commune_id: int) -> Any:
    """The ids of a commune's bodies, as a subquery for ``organization_id IN (…)``."""
    from sqlalchemy import select

    return select(Organization.id).where(Organization.commune_id == commune_id)


def _office_organization(connection: Any, session: Any) -> int | None:
    """Where a record with no other home belongs: the office's body (Cài đặt), in the user's commune."""
    from sqlalchemy import select

    work = session.info.get(WORK_COMMUNE_KEY) if session is not None else None
    stored = connection.execute(
        select(Setting.value).where(Setting.key == "current_organization_id")
    ).scalar()
    query = select(Organization.id).order_by(Organization.id).limit(1)
    if work is not None:
        query = query.where(Organization.commune_id == work)
        if isinstance(stored, int):
            inside = connection.execute(
                select(Organization.id).where(Organization.id == stored, Organization.commune_id == work)
            ).scalar()
            stored = inside
    if isinstance(stored, int):
        return stored
    first = connection.execute(query).scalar()
    return int(first) if first is not None else None


def _organization_commune(_mapper: Mapper[Any], connection: Any, target: Organization) -> None:
    """A new body joins the user's commune, else the office's; the very first one founds a commune."""
    from sqlalchemy import select
    from sqlalchemy.orm import object_session

    if target.commune_id is not None:
        return
    session = object_session(target)
    work = session.info.get(WORK_COMMUNE_KEY) if session is not None else None
    if work is None:
        office = _office_organization(connection, session)
        if office is not None:
            work = connection.execute(
                select(Organization.commune_id).where(Organization.id == office)
            ).scalar()
    if work is None:
        work = connection.execute(select(func.min(Commune.id))).scalar()
    if work is None:
        table: Any = Commune.__table__
        work = connection.execute(
            table.insert().values(name=target.place_name or target.name, code="", active=True)
        ).inserted_primary_key[0]
    target.commune_id = work


event.listen(Organization, "before_insert", _organization_commune)


def _petition_commune(_mapper: Mapper[Any], connection: Any, target: Petition) -> None:
    """A petition belongs to its dialogue's commune; a loose one to the user's or the office's."""
    from sqlalchemy import inspect as inspect_state
    from sqlalchemy import select
    from sqlalchemy.orm import object_session

    state = inspect_state(target)
    moved = state.attrs.dialogue_id.history.has_changes()
    if target.organization_id is not None and not (state.persistent and moved):
        return
    if target.dialogue_id is not None:
        target.organization_id = connection.execute(
            select(Dialogue.organization_id).where(Dialogue.id == target.dialogue_id)
        ).scalar()
        return
    if target.organization_id is not None:
        return
    target.organization_id = _office_organization(connection, object_session(target))


_COMMUNE_CACHE_KEY = "_communes_looked_up"  # session.info: lookups of one unit of work


def _commune_cache(session: Any, connection: Any = None) -> dict[Any, int | None]:
    """Communes already looked up in this unit of work (the program opens a session per unit).

    A history of 100 000 petitions writes ~400 000 Nhật ký lines, and each looked up its commune
    with up to five queries: most of the generation's time, and of a 500-row results import.
    Rows written without a session (the bench history's bulk path) share one per transaction.
    """
    if session is not None:
        cache: dict[Any, int | None] = session.info.setdefault(_COMMUNE_CACHE_KEY, {})
        return cache
    if connection is None:
        return {}
    transaction = connection.get_transaction()
    held = connection.info.get(_COMMUNE_CACHE_KEY)
    if held is None or held[0] is not transaction:
        held = (transaction, {})
        connection.info[_COMMUNE_CACHE_KEY] = held
    found: dict[Any, int | None] = held[1]
    return found


def _forget_office(_mapper: Mapper[Any], _connection: Any, target: Any) -> None:
    # The office body chosen in Cài đặt changed: the office's commune is looked up again.
    from sqlalchemy.orm import object_session

    if target.key == "current_organization_id":
        _commune_cache(object_session(target)).pop("office", None)


def office_commune(connection: Any, session: Any) -> int | None:
    """The commune new shared records join: the user's, else the office body's, else the first one."""
    work = session.info.get(WORK_COMMUNE_KEY) if session is not None else None
    if isinstance(work, int):
        return work
    cache = _commune_cache(session, connection)
    if cache.get("office") is None:  # none yet (the first body founds it): asked again next time
        cache["office"] = _office_commune_now(connection, session)
    return cache["office"]


def _office_commune_now(connection: Any, session: Any) -> int | None:
    from sqlalchemy import select

    office = _office_organization(connection, session)
    if office is not None:
        found = connection.execute(select(Organization.commune_id).where(Organization.id == office)).scalar()
        if found is not None:
            return int(found)
    first = connection.execute(select(func.min(Commune.id))).scalar()
    return int(first) if first is not None else None


def _catalogue_commune(_mapper: Mapper[Any], connection: Any, target: Any) -> None:
    """A new thôn, lĩnh vực, unit or leader joins its body's commune, else the user's or the office's."""
    from sqlalchemy import select
    from sqlalchemy.orm import object_session

    if target.commune_id is not None:
        return
    body = getattr(target, "organization_id", None)
    if body is not None:
        target.commune_id = connection.execute(
            select(Organization.commune_id).where(Organization.id == body)
        ).scalar()
        if target.commune_id is not None:
            return
    target.commune_id = office_commune(connection, object_session(target))


for _catalogue in (Unit, Hamlet, Field, Leader):
    event.listen(_catalogue, "before_insert", _catalogue_commune)


def _audit_commune(_mapper: Mapper[Any], connection: Any, target: AuditEvent) -> None:
    """A Nhật ký line belongs to the signed-in user's commune; else to its record's; else the office's.

    A listener (not the service) so every way of writing lines, the bench history's bulk path
    included, gives the same commune. A province user's edit of a commune's petition is that
    commune's line, so the commune sees it.
    """
    from sqlalchemy.orm import object_session

    if target.commune_id is not None:
        return
    target.commune_id = audit_commune(connection, object_session(target), target.entity, target.entity_id)


def audit_commune(
    connection: Any, session: Any, entity: str, entity_id: int | None, *, organization_id: int | None = None
) -> int | None:
    """The commune of a new Nhật ký line about ``entity`` ``entity_id`` (see _audit_commune).

    ``organization_id``: the record's body, when the caller holds the record (the bench history's
    bulk rows); otherwise it is taken from the record if the session has it loaded.
    """
    work = session.info.get(WORK_COMMUNE_KEY) if session is not None else None
    if isinstance(work, int):
        return work
    cache = _commune_cache(session, connection)
    record = (entity, entity_id)
    if record in cache:
        found = cache[record]
    else:
        found = None
        lookups = _commune_lookups()
        if entity_id is not None and entity in lookups.owned:
            model = lookups.owned[entity]
            # The record is usually loaded (the service just changed it): its organization's
            # commune is then one lookup per organization, not one query per line of a
            # 500-row results import.
            if organization_id is None and session is not None:
                loaded = session.identity_map.get(session.identity_key(model, entity_id))
                organization_id = getattr(loaded, "organization_id", None)
            if organization_id is not None:
                by_organization = ("organization", organization_id)
                if by_organization not in cache:
                    cache[by_organization] = connection.execute(
                        lookups.organization, {"record_id": organization_id}
                    ).scalar()
                found = cache[by_organization]
            else:
                statement = lookups.owned_statements[entity]
                found = connection.execute(statement, {"record_id": entity_id}).scalar()
        elif entity_id is not None and entity in lookups.listed:
            statement = lookups.listed[entity]
            found = connection.execute(statement, {"record_id": entity_id}).scalar()
        if found is not None:  # a record not yet written is looked up again at its next line
            cache[record] = found
    return int(found) if found is not None else office_commune(connection, session)


@dataclass(frozen=True)
class _CommuneLookups:
    owned: dict[str, Any]  # entity -> model with an organization_id
    owned_statements: dict[str, Any]  # entity -> SELECT of its organization's commune
    listed: dict[str, Any]  # catalogue entity -> SELECT of its commune_id
    organization: Any  # SELECT of an organization's commune


@functools.cache
def _commune_lookups() -> _CommuneLookups:
    # Built once: building the statement for each of the ~100 000 records a bench history's
    # Nhật ký names (and executing a fresh statement object, whose result columns SQLAlchemy
    # then matches again) cost more than the queries.
    from sqlalchemy import bindparam, select

    record_id: Any = bindparam("record_id")
    owned: dict[str, Any] = {"petition": Petition, "dialogue": Dialogue, "plan": Plan}
    listed: dict[str, Any] = {"unit": Unit, "hamlet": Hamlet, "field": Field, "leader": Leader}
    return _CommuneLookups(
        owned=owned,
        owned_statements={
            name: select(Organization.commune_id)
            .join(model, model.organization_id == Organization.id)
            .where(model.id == record_id)
            for name, model in owned.items()
        },
        listed={
            name: select(model.commune_id).where(model.id == record_id) for name, model in listed.items()
        },
        organization=select(Organization.commune_id).where(Organization.id == record_id),
    )


event.listen(AuditEvent, "before_insert", _audit_commune)
event.listen(Setting, "before_insert", _forget_office)
event.listen(Setting, "before_update", _forget_office)

event.listen(Petition, "before_insert", _petition_commune)
event.listen(Petition, "before_update", _petition_commune)

for _model, _listener in (
    (Petition, _petition_keys),
    (Unit, _name_key),
    (Hamlet, _name_key),
    (Field, _name_key),
    (Dialogue, _title_key),
    (Plan, _title_key),
):
    event.listen(_model, "before_insert", _listener)
    event.listen(_model, "before_update", _listener)


# --- columns derived from the assignments --------------------------------------------------------
# A petition's deadline and lead unit live in its assignments; the lists sort and filter on them for
# 100 000 petitions, so the petition row carries them, refreshed after every flush that touches an
# assignment (or renames a unit) by one UPDATE in the same transaction: no write path can skip it.

DUE_ON_SQL = (
    "(SELECT min(a.deadline) FROM assignment a WHERE a.petition_id = petition.id"
    " AND a.finished_on IS NULL AND a.deadline IS NOT NULL)"
)
LEAD_UNIT_SORT_SQL = (
    "coalesce((SELECT u.sort_key FROM assignment a JOIN unit u ON u.id = a.lead_unit_id"
    " WHERE a.petition_id = petition.id ORDER BY a.id DESC LIMIT 1), '')"
)


def refresh_derived(connection: Any, petition_ids: Any) -> None:
    """Recompute ``due_on`` and ``lead_unit_sort`` of these petitions (an iterable of ids, or
    a SQL subquery text selecting them)."""
    from sqlalchemy import text as sql

    if isinstance(petition_ids, str):
        where = f"id IN ({petition_ids})"
        params: dict[str, Any] = {}
    else:
        ids = sorted({int(i) for i in petition_ids if i is not None})
        if not ids:
            return
        where = "id IN (" + ", ".join(str(i) for i in ids) + ")"  # ints only: safe to inline
        params = {}
    connection.execute(
        sql(
            f"UPDATE petition SET due_on = {DUE_ON_SQL}, lead_unit_sort = {LEAD_UNIT_SORT_SQL} WHERE {where}"
        ),
        params,
    )


def _remember_derived(session: Any, _context: Any, _instances: Any) -> None:
    """Before a flush: which assignments change (their petition ids are known only after it)."""
    from sqlalchemy import inspect as inspect_state

    assignments, petitions, units = session.info.setdefault("derived_pending", ([], set(), set()))
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Assignment):
            assignments.append(obj)
            history = inspect_state(obj).attrs.petition_id.history
            petitions.update(value for value in (*history.deleted, *history.unchanged) if value is not None)
        elif isinstance(obj, Unit) and obj.id is not None and obj in session.dirty:
            units.add(obj.id)  # a rename: its sort key changes during this flush


def _refresh_after_flush(session: Any, _context: Any) -> None:
    from sqlalchemy import select as select_rows
    from sqlalchemy.orm.attributes import set_committed_value

    pending = session.info.pop("derived_pending", None)
    if not pending:
        return
    assignments, petitions, units = pending
    petitions.update(obj.petition_id for obj in assignments if obj.petition_id is not None)
    if not petitions and not units:
        return
    connection = session.connection()
    if petitions:
        refresh_derived(connection, petitions)
    for unit_id in sorted(units):
        refresh_derived(connection, f"SELECT petition_id FROM assignment WHERE lead_unit_id = {int(unit_id)}")
    # Petitions loaded in this session take the new values (and never write old ones back).
    loaded = [
        obj
        for obj in list(session.identity_map.values())
        if isinstance(obj, Petition) and (units or obj.id in petitions)
    ]
    if loaded:
        fresh = {
            ident: (due, lead)
            for ident, due, lead in connection.execute(
                select_rows(Petition.id, Petition.due_on, Petition.lead_unit_sort).where(
                    Petition.id.in_([obj.id for obj in loaded])
                )
            )
        }
        for obj in loaded:
            if obj.id in fresh:
                set_committed_value(obj, "due_on", fresh[obj.id][0])
                set_committed_value(obj, "lead_unit_sort", fresh[obj.id][1])


def _forget_derived(session: Any, *_args: Any) -> None:
    session.info.pop("derived_pending", None)


def listen_for_derived_columns(session_class: Any) -> None:
    event.listen(session_class, "before_flush", _remember_derived)
    event.listen(session_class, "after_flush", _refresh_after_flush)
    event.listen(session_class, "after_rollback", _forget_derived)


listen_for_derived_columns(SessionClass)
