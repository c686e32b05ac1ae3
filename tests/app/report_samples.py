"""A commune with known answers for the periodic report: every standing, and dialogues on both
sides of the 15th-to-14th cut-off of the 6-month report (15/12/2025 – 14/6/2026)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from app.domain.rules import AnswerOutcome, DialogueState, PetitionSource, PetitionStatus
from app.services import petitions
from app.services.petitions import PetitionInput
from app.storage.models import Dialogue, Petition
from tests.app.followup_samples import Commune, make_commune

TODAY = date(2026, 11, 21)
DEADLINE = date(2026, 4, 15)


@dataclass(frozen=True)
class ReportCommune:
    commune: Commune
    dialogues: dict[str, int]  # "d0" 20/12/2025, "d1" 05/3, "d2" 14/6, "d3" 15/6/2026
    petitions: dict[str, int]


def _dialogue(session: Session, c: Commune, title: str, when: datetime, citizens: int) -> int:
    d = Dialogue(
        organization_id=c.org_id, title=title, scheduled_at=when, started_at=when, place="Hội trường xã",
        state=DialogueState.CLOSED, citizens_count=citizens, leaders_count=3, units_count=2,
    )  # fmt: skip
    session.add(d)
    session.flush()
    return d.id


def build_report_commune(session: Session) -> ReportCommune:
    c = make_commune(session)
    first = session.get(Dialogue, c.dialogue_id)
    assert first is not None
    first.state, first.citizens_count, first.leaders_count, first.units_count = DialogueState.CLOSED, 80, 4, 3
    d = {
        "d0": _dialogue(session, c, "Hội nghị đối thoại tháng 12/2025", datetime(2025, 12, 20, 8), 40),
        "d1": c.dialogue_id,
        "d2": _dialogue(session, c, "Hội nghị đối thoại với thanh niên", datetime(2026, 6, 14, 8), 30),
        "d3": _dialogue(session, c, "Hội nghị đối thoại với nông dân", datetime(2026, 6, 15, 8), 50),
    }

    def add(
        key: str, content: str, *, dialogue: str | None = "d1", hamlet: str = "dong", field: str = "dat",
        source: PetitionSource = PetitionSource.AT_MEETING, received: date | None = None,
    ) -> int:  # fmt: skip
        return petitions.create_petition(
            session,
            PetitionInput(
                content=content, petitioner_name=f"Người nêu {key}", hamlet_id=c.hamlets[hamlet],
                field_id=c.fields[field], dialogue_id=d[dialogue] if dialogue else None, source=source,
                received_on=received,
            ),
        )  # fmt: skip

    p: dict[str, int] = {}
    p["answered"] = add("answered", "Đề nghị làm rõ quy hoạch đất ở thôn Đông")
    petitions.add_answer(session, p["answered"], content="Đã trả lời.", outcome=AnswerOutcome.ANSWERED)
    session.get(Petition, p["answered"]).status = PetitionStatus.ANSWERED  # type: ignore[union-attr]

    def assigned(key: str, content: str, unit: str = "dc", deadline: date = DEADLINE, **kw: object) -> int:
        pid = add(key, content, **kw)  # type: ignore[arg-type]
        petitions.assign(session, pid, lead_unit_id=c.units[unit], deadline=deadline, task="xử lý")
        return pid

    def resolve(pid: int, on: date) -> None:
        petitions.record_update(session, pid, on=on, result="Đã xong.", status_after=PetitionStatus.RESOLVED)

    # Resolved on the deadline day itself: on time.
    p["on_time"] = assigned("on_time", "Cấp giấy chứng nhận quyền sử dụng đất")
    resolve(p["on_time"], DEADLINE)
    session.get(Petition, p["on_time"]).informed_on = date(2026, 4, 20)  # type: ignore[union-attr]
    # One day after: late.
    p["late"] = assigned("late", "Sửa đường liên thôn bị sạt lở", unit="vp", field="gt")
    resolve(p["late"], date(2026, 4, 16))
    p["in_time"] = assigned(
        "in_time", "Nạo vét kênh mương nội đồng", unit="vp", field="gt", deadline=date(2026, 12, 31)
    )
    p["overdue"] = assigned(
        "overdue", "Đặng Văn Đức phản ánh lấn chiếm hành lang giao thông", unit="ca", field="gt"
    )
    p["no_deadline"] = add("no_deadline", "Hỏi về chế độ chính sách")  # never overdue
    # Resolved on time, reopened, resolved again late: counts by the last resolution (late).
    p["reopened"] = assigned("reopened", "Tranh chấp ranh giới thửa đất", hamlet="tay")
    resolve(p["reopened"], date(2026, 4, 10))
    petitions.record_update(
        session, p["reopened"], on=date(2026, 4, 12), result="Công dân chưa đồng ý.", status_after=PetitionStatus.IN_PROGRESS
    )  # fmt: skip
    resolve(p["reopened"], date(2026, 4, 25))
    p["forwarded"] = add("forwarded", "Khiếu nại quyết định thu hồi đất của huyện", hamlet="tay")
    petitions.forward(session, p["forwarded"], "UBND tỉnh")
    p["duplicate"] = add("duplicate", "Cấp giấy chứng nhận quyền sử dụng đất (trùng)")
    session.get(Petition, p["duplicate"]).status = PetitionStatus.DUPLICATE  # type: ignore[union-attr]
    p["d2_collected"] = add(
        "d2", "Sân chơi cho thanh niên", dialogue="d2", field="gt", source=PetitionSource.COLLECTED
    )
    p["d3_pending"] = add("d3", "Giá phân bón tăng cao", dialogue="d3", hamlet="tay", field="gt")
    p["d0_pending"] = add("d0", "Đất ở xen kẹt thôn Đông", dialogue="d0")
    p["outside"] = add(
        "outside",
        "Đơn đề nghị cấp lại sổ đỏ",
        dialogue=None,
        source=PetitionSource.WRITTEN,
        received=date(2026, 2, 1),
    )
    session.flush()
    return ReportCommune(c, d, p)
