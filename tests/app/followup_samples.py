"""A small commune for the follow-up tests: one held dialogue, three units, a handful of petitions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from app.domain.rules import AnswerOutcome, PetitionSource
from app.services import petitions, settings
from app.services.petitions import PetitionInput
from app.storage.models import Dialogue, Field, Hamlet, Leader, Organization, Unit

MEETING = datetime(2026, 3, 5, 8, 0)
MEETING_DAY = MEETING.date()
TODAY = date(2026, 11, 21)


@dataclass(frozen=True)
class Commune:
    org_id: int
    dialogue_id: int
    units: dict[str, int]  # "dc", "ca", "vp"
    hamlets: dict[str, int]  # "dong", "tay"
    fields: dict[str, int]  # "dat", "gt"
    leader_id: int


def make_commune(
    session: Session, *, name: str = "ỦY BAN NHÂN DÂN\nXÃ LƯƠNG PHONG", place: str = "Lương Phong"
) -> Commune:
    org = Organization(
        name=name, place_name=place, issuer_code="UBND", signing_authority="TM. ỦY BAN NHÂN DÂN",
        signer_title="CHỦ TỊCH", signer_name="Nguyễn Văn Luận",
    )  # fmt: skip
    session.add(org)
    session.flush()
    settings.set_setting(session, settings.CURRENT_ORGANIZATION, org.id)
    units = {
        "dc": Unit(name="Công chức Địa chính – Xây dựng", position=1),
        "ca": Unit(name="Công an xã", position=2),
        "vp": Unit(name="Văn phòng HĐND và UBND", position=3),
    }
    hamlets = {"dong": Hamlet(name="Thôn Đông"), "tay": Hamlet(name="Thôn Tây")}
    fields = {"dat": Field(name="Đất đai", position=1), "gt": Field(name="Giao thông – thủy lợi", position=2)}
    leader = Leader(full_name="Trần Thị Bình", title="Phó Chủ tịch UBND xã", organization_id=org.id)
    session.add_all([*units.values(), *hamlets.values(), *fields.values(), leader])
    dialogue = Dialogue(
        organization_id=org.id, title="Hội nghị đối thoại với Nhân dân năm 2026", scheduled_at=MEETING,
        started_at=MEETING, place="Hội trường xã",
    )  # fmt: skip
    session.add(dialogue)
    session.flush()
    return Commune(
        org.id,
        dialogue.id,
        {k: u.id for k, u in units.items()},
        {k: h.id for k, h in hamlets.items()},
        {k: f.id for k, f in fields.items()},
        leader.id,
    )


def add_petition(
    session: Session,
    c: Commune,
    content: str,
    *,
    name: str = "Lê Văn Cường",
    hamlet: str = "dong",
    field: str = "gt",
    unit: str | None = None,
    deadline: date | None = None,
    answered: bool = False,
    dialogue_id: int | None = None,
) -> int:
    pid = petitions.create_petition(
        session,
        PetitionInput(
            content=content,
            petitioner_name=name,
            hamlet_id=c.hamlets[hamlet],
            field_id=c.fields[field],
            dialogue_id=dialogue_id or c.dialogue_id,
            source=PetitionSource.AT_MEETING,
        ),
    )
    if answered:
        petitions.add_answer(
            session, pid, content="Xã đã có phương án.", outcome=AnswerOutcome.ANSWERED, leader_id=c.leader_id
        )
    if unit is not None:
        petitions.assign(
            session,
            pid,
            lead_unit_id=c.units[unit],
            deadline=deadline or date(2026, 4, 15),
            task="kiểm tra, xử lý",
        )
    return pid
