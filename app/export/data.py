"""Plain data each document needs: no Qt, no session, no ORM objects.

:mod:`app.services.documents` fills these from the database; tests and the demo build them by
hand. Lists are tuples so a data object can be shared between threads without surprises.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from app.domain import text
from app.domain.rules import AnswerOutcome, MinuteKind, PetitionKind, PetitionStatus
from app.domain.standing import (
    DEFAULT_NEAR_DUE_DAYS,
    AssignmentFacts,
    PetitionFacts,
    meeting_day,
    petition_deadline,
    resolved_on,
)
from app.domain.text import AddressForm, suggest_address_form
from app.export.blocks import HeaderStyle
from app.export.phrases import body_name_in_text, level_of


@dataclass(frozen=True)
class SignerData:
    """Who signs: quyền hạn (``TM. ỦY BAN NHÂN DÂN``, ``KT. CHỦ TỊCH``), chức vụ, full name."""

    title: str
    name: str = ""
    authority: str = ""


@dataclass(frozen=True)
class OrganizationData:
    """The issuing body as printed in the header; ``name`` may hold a line break."""

    name: str
    issuer_code: str = "UBND"
    place_name: str = ""
    parent_name: str = ""
    signing_authority: str = ""
    signer_title: str = ""
    signer_name: str = ""
    header_style: HeaderStyle = HeaderStyle.STATE
    level: str = ""  # xã, phường, đặc khu, thành phố …; empty: read from the name

    @property
    def is_party(self) -> bool:
        return self.header_style is HeaderStyle.PARTY

    @property
    def level_name(self) -> str:
        """``xã``, ``phường``, ``đặc khu``, ``thành phố``: the level the body sits at."""
        return text.clean(self.level).lower() or level_of(self.name) or "xã"

    @property
    def name_in_text(self) -> str:
        """``Ủy ban nhân dân xã Lương Phong``: the name inside a sentence."""
        return body_name_in_text(self.name)

    def symbol(self, code: str) -> str:
        """Ký hiệu: ``TB-UBND`` for state bodies, ``TB/ĐU`` for Party bodies."""
        if self.header_style is HeaderStyle.PARTY:
            return f"{code}/{self.issuer_code}"
        return f"{code}-{self.issuer_code}"

    def signer(self) -> SignerData:
        """The body's signer; a Party body signs ``T/M ĐẢNG ỦY`` / ``BÍ THƯ`` (Hướng dẫn 36-HD/VPTW)."""
        if self.is_party:
            return SignerData(
                title=self.signer_title or "BÍ THƯ",
                name=self.signer_name,
                authority=self.signing_authority or "T/M ĐẢNG ỦY",
            )
        return SignerData(
            title=self.signer_title or "CHỦ TỊCH", name=self.signer_name, authority=self.signing_authority
        )


@dataclass(frozen=True)
class DocumentRef:
    """Another document cited in a sentence: the Kế hoạch a dialogue implements, the Thông báo."""

    number: int | None
    symbol: str
    issued_on: date | None = None
    title: str = ""


@dataclass(frozen=True)
class PlanTask:
    """One unit's share of a plan: ``{unit, tasks[]}`` as stored in ``Plan.tasks``."""

    unit: str
    tasks: Sequence[str] = ()


# Keys of the plan's section headings, in document order; ``PlanData.headings`` may override them.
PLAN_HEADINGS: Mapping[str, str] = {
    "purposes_requirements": "Mục đích, yêu cầu",
    "purposes": "Mục đích",
    "requirements": "Yêu cầu",
    "audience": "Đối tượng, thành phần",
    "contents": "Nội dung đối thoại",
    "forms": "Hình thức đối thoại",
    "time_place": "Thời gian, địa điểm",
    "steps": "Các bước tiến hành",
    "tasks": "Tổ chức thực hiện",
}


@dataclass(frozen=True)
class PlanData:
    """A Kế hoạch (the fields of ``models.Plan``).

    List entries are paragraphs as typed; an entry starting with ``-`` or ``–`` is a dash line,
    with ``+`` a second-level line. Steps are numbered by the layout.
    """

    organization: OrganizationData
    year: int
    title: str
    opening: str = ""
    bases: Sequence[str] = ()
    purposes: Sequence[str] = ()
    requirements: Sequence[str] = ()
    audience: str = ""
    contents: Sequence[str] = ()
    forms: Sequence[str] = ()
    time_place: Sequence[str] = ()
    steps: Sequence[str] = ()
    tasks_intro: str = ""
    tasks: Sequence[PlanTask] = ()
    recipients: Sequence[str] = ()
    number: int | None = None
    symbol: str = ""
    issued_on: date | None = None
    signer: SignerData | None = None
    headings: Mapping[str, str] = field(default_factory=dict)

    def heading(self, key: str) -> str:
        return self.headings.get(key) or PLAN_HEADINGS[key]


@dataclass(frozen=True)
class LeaderData:
    name: str
    title: str = ""


@dataclass(frozen=True)
class AttendeeData:
    name: str
    title: str = ""
    group: str = "leader"  # leader | unit | hamlet | citizen
    absent: bool = False  # invited but absent: printed under "Vắng mặt" with the reason
    reason: str = ""


@dataclass(frozen=True)
class AnswerData:
    """An answer given at the meeting."""

    content: str
    name: str = ""
    title: str = ""
    outcome: AnswerOutcome = AnswerOutcome.ANSWERED


@dataclass(frozen=True)
class AssignmentData:
    """Giao <lead unit> chủ trì, phối hợp <supporting units> <task>, trước <deadline>."""

    lead_unit: str
    supporting_units: Sequence[str] = ()
    task: str = ""
    deadline: date | None = None
    assigned_on: date | None = None
    finished_on: date | None = None  # the unit finished its part


@dataclass(frozen=True)
class ResolutionUpdateData:
    """A dated step of the follow-up: the unit's reply and what it says."""

    on: date
    status_after: PetitionStatus
    result: str = ""
    reply_number: str = ""
    reply_date: date | None = None
    kind: str = "result"  # UpdateKind value: only results (and a status change to resolved) carry one

    @property
    def is_result(self) -> bool:
        return self.kind == "result" or (
            self.kind == "status" and self.status_after is PetitionStatus.RESOLVED
        )


@dataclass(frozen=True)
class PetitionData:
    """One opinion or petition with what the meeting and the follow-up did about it.

    ``petitioner_name``, ``phone`` and ``address`` are personal data (Luật Bảo vệ dữ liệu cá nhân
    91/2025/QH15, Nghị định 356/2025/NĐ-CP): the public versions of documents never print them,
    nor the same data inside free text (see :mod:`app.export.privacy`). ``address_form`` is
    ``None`` when the secretary has not chosen one: the name suggests it. ``summary`` is the
    short third-person text a Thông báo prints; empty, it is proposed from ``content``.
    """

    content: str
    petitioner_name: str = ""
    hamlet: str = ""
    phone: str = ""
    address: str = ""
    petitioner_org: str = ""
    is_group: bool = False
    is_anonymous: bool = False
    field: str = ""
    field_position: int = 1_000_000
    kind: PetitionKind = PetitionKind.PROPOSAL
    status: PetitionStatus = PetitionStatus.NEW
    raised_at_meeting: bool = True
    position: int = 0
    answers: Sequence[AnswerData] = ()
    assignments: Sequence[AssignmentData] = ()
    updates: Sequence[ResolutionUpdateData] = ()
    forwarded_to: str = ""
    ident: int | None = None
    summary: str = ""
    address_form: AddressForm | None = None

    @property
    def deadline(self) -> date | None:
        """The petition's deadline: the earliest among its unfinished assignments."""
        return petition_deadline(self._assignment_facts())

    def _assignment_facts(self) -> tuple[AssignmentFacts, ...]:
        return tuple(AssignmentFacts(a.deadline, a.finished_on) for a in self.assignments)

    @property
    def resolved_on(self) -> date | None:
        return resolved_on((u.on, u.reply_date, u.status_after) for u in self.updates)

    @property
    def latest_result(self) -> str:
        for update in reversed(self.updates):
            if update.is_result and update.result.strip():
                return update.result
        return ""

    @cached_property
    def form(self) -> AddressForm:
        """The form of address printed: the one chosen, else the one the name suggests."""
        if self.is_anonymous or self.is_group:
            return AddressForm.NONE
        if self.address_form is not None:
            return self.address_form
        return suggest_address_form(self.petitioner_name)

    def facts(self) -> PetitionFacts:
        return PetitionFacts(
            status=self.status,
            assignments=self._assignment_facts(),
            resolved_on=self.resolved_on,
            field=self.field,
            field_position=self.field_position,
            hamlet=self.hamlet,
        )


@dataclass(frozen=True)
class MinuteEntryData:
    """One line of the minutes; ``hamlet`` and ``field`` come from the linked petition, if any."""

    at: datetime
    kind: MinuteKind
    content: str
    speaker: str = ""
    hamlet: str = ""
    field: str = ""
    address_form: AddressForm | None = None  # of the linked petition's petitioner, if any


@dataclass(frozen=True)
class DialogueData:
    """One hội nghị đối thoại with everything its documents print."""

    organization: OrganizationData
    year: int
    title: str = ""
    scheduled_at: datetime | None = None
    place: str = ""
    audience: str = ""
    participants: str = ""
    content: str = ""
    chair: LeaderData | None = None
    co_chairs: Sequence[LeaderData] = ()
    secretary_name: str = ""
    collect_deadline: date | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    leaders_count: int = 0
    units_count: int = 0
    hamlet_heads_count: int = 0
    citizens_count: int = 0
    attendees: Sequence[AttendeeData] = ()
    assessment: str = ""
    conclusions: Sequence[str] = ()
    entries: Sequence[MinuteEntryData] = ()
    petitions: Sequence[PetitionData] = ()
    plan: DocumentRef | None = None
    held: bool = True  # False while only planned: no Thông báo, Biên bản or Báo cáo yet

    @property
    def display_title(self) -> str:
        return self.title.strip() or f"Hội nghị đối thoại với Nhân dân năm {self.year}"

    @property
    def meeting_day(self) -> date | None:
        return meeting_day(self.started_at, self.scheduled_at)


@dataclass(frozen=True)
class IssueData:
    """What the văn thư and the signer add: số, date, signature, Nơi nhận (``None``: defaults)."""

    number: int | None = None
    issued_on: date | None = None
    signer: SignerData | None = None
    recipients: Sequence[str] | None = None


@dataclass(frozen=True)
class ReportData:
    """A Báo cáo kết quả giải quyết kiến nghị of one dialogue, as things stand on ``today``."""

    dialogue: DialogueData
    today: date
    notice: DocumentRef | None = None  # the Thông báo kết luận it reports on
    difficulties: Sequence[str] = ()  # empty: the wording template's default
    proposals: Sequence[str] = ()
    near_due_days: int = DEFAULT_NEAR_DUE_DAYS  # the setting, as the lists use it
