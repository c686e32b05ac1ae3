"""Plain data of the documents sent to one unit: the Phiếu giao việc and the Công văn đôn đốc."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from app.export.data import IssueData, OrganizationData


@dataclass(frozen=True)
class UnitItemData:
    """One petition as a unit's documents list it."""

    petitioner: str  # "Ông Lê Văn Cường (thôn Đông)", already phrased
    content: str
    dialogue: str = ""  # "Hội nghị ngày 05/3/2026"
    task: str = ""
    supporting: Sequence[str] = ()
    deadline: date | None = None
    days_left: int | None = None  # from the deadline and the document's day; None without one


@dataclass(frozen=True)
class UnitDocumentData:
    """What a document to one unit prints: who sends it, to whom, the day and the items."""

    organization: OrganizationData
    unit: str
    today: date
    items: Sequence[UnitItemData]
    issue: IssueData = field(default_factory=IssueData)
    office: str = "Văn phòng HĐND và UBND"  # where the unit reports back
    office_code: str = "VP"  # the drafting unit in a công văn's ký hiệu: UBND-VP
