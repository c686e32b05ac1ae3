"""Plain data for the document tests: one commune, one dialogue, petitions of every kind."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from app.domain.rules import AnswerOutcome, MinuteKind, PetitionKind, PetitionStatus
from app.export.blocks import HeaderStyle
from app.export.data import (
    AnswerData,
    AssignmentData,
    AttendeeData,
    DialogueData,
    DocumentRef,
    LeaderData,
    MinuteEntryData,
    OrganizationData,
    PetitionData,
    ResolutionUpdateData,
)

MEETING = datetime(2026, 3, 5, 8, 0)
TODAY = date(2026, 5, 20)

ORG = OrganizationData(
    name="ỦY BAN NHÂN DÂN\nXÃ LƯƠNG PHONG",
    issuer_code="UBND",
    place_name="Lương Phong",
    signing_authority="TM. ỦY BAN NHÂN DÂN",
    signer_title="CHỦ TỊCH",
    signer_name="Nguyễn Văn Luận",
)
PARTY_ORG = OrganizationData(
    name="ĐẢNG ỦY XÃ LƯƠNG PHONG",
    issuer_code="ĐU",
    place_name="Lương Phong",
    parent_name="ĐẢNG BỘ TỈNH BẮC NINH",
    signing_authority="T/M ĐẢNG ỦY",
    signer_title="BÍ THƯ",
    signer_name="Hoàng Văn Tư",
    header_style=HeaderStyle.PARTY,
)

FIELDS = ["Đất đai", "Giao thông – thủy lợi", "Môi trường", "Chính sách xã hội – người có công – hộ nghèo"]
HAMLETS = ["Thôn Đông", "Thôn Tây", "Thôn Nam", "Tổ dân phố 3"]
CHAIR = LeaderData("Nguyễn Văn Luận", "Chủ tịch UBND xã")
VICE = LeaderData("Trần Thị Bình", "Phó Chủ tịch UBND xã")


def sample_petitions() -> list[PetitionData]:
    """Five petitions covering every outcome, deliberately not in field order."""
    return [
        PetitionData(
            content="Đề nghị sửa đoạn đường liên thôn bị sạt lở trước mùa mưa",
            petitioner_name="Lê Văn Cường",
            hamlet="Thôn Đông",
            phone="0912345678",
            address="Số 12, xóm 2, thôn Đông",
            field="Giao thông – thủy lợi",
            field_position=4,
            kind=PetitionKind.PROPOSAL,
            status=PetitionStatus.IN_PROGRESS,
            position=1,
            answers=(
                AnswerData(
                    "Xã sẽ khảo sát, bố trí kinh phí sửa chữa", VICE.name, VICE.title, AnswerOutcome.ASSIGNED
                ),
            ),
            assignments=(
                AssignmentData(
                    "Công chức Địa chính – Xây dựng",
                    ("Văn phòng HĐND và UBND",),
                    "khảo sát, lập dự toán sửa chữa đoạn đường sạt lở",
                    date(2026, 4, 15),
                ),
            ),
        ),
        PetitionData(
            content="Hỏi về tiến độ cấp giấy chứng nhận quyền sử dụng đất",
            petitioner_name="Phạm Thị Dung",
            hamlet="Thôn Tây",
            phone="0987654321",
            field="Đất đai",
            field_position=1,
            kind=PetitionKind.OPINION,
            status=PetitionStatus.ANSWERED,
            position=2,
            answers=(
                AnswerData(
                    "Hồ sơ đã chuyển Văn phòng đăng ký đất đai, dự kiến trả kết quả trong tháng 4",
                    CHAIR.name,
                    CHAIR.title,
                ),
            ),
        ),
        PetitionData(
            content="Kiến nghị nâng cấp quốc lộ đoạn qua xã",
            petitioner_name="Hoàng Văn Em",
            hamlet="Thôn Nam",
            field="Giao thông – thủy lợi",
            field_position=4,
            status=PetitionStatus.FORWARDED,
            forwarded_to="Sở Xây dựng tỉnh",
            position=3,
        ),
        PetitionData(
            content="Bãi rác tự phát gây ô nhiễm cạnh kênh tiêu",
            petitioner_name="",
            is_anonymous=True,
            hamlet="",
            field="Môi trường",
            field_position=5,
            kind=PetitionKind.REPORT,
            status=PetitionStatus.RESOLVED,
            position=4,
            assignments=(AssignmentData("Công an xã", (), "kiểm tra, xử lý", date(2026, 3, 20)),),
            updates=(
                ResolutionUpdateData(
                    date(2026, 3, 25),
                    PetitionStatus.RESOLVED,
                    "Đã thu dọn, lắp biển cấm",
                    "07/BC-CA",
                    date(2026, 3, 25),
                ),
            ),
        ),
        PetitionData(
            content="Xem xét hộ cận nghèo cho gia đình",
            petitioner_name="Đặng Thị Giang",
            hamlet="Tổ dân phố 3",
            phone="0901000222",
            field="Chính sách xã hội – người có công – hộ nghèo",
            field_position=6,
            status=PetitionStatus.IN_PROGRESS,
            raised_at_meeting=False,
            position=5,
            assignments=(AssignmentData("Công chức Văn hóa – Xã hội", (), "", date(2026, 3, 30)),),
        ),
    ]


def sample_entries() -> list[MinuteEntryData]:
    at = MEETING
    return [
        MinuteEntryData(at, MinuteKind.OPENING, "Tuyên bố lý do, giới thiệu đại biểu", "Trần Thị Bình"),
        MinuteEntryData(at + timedelta(minutes=10), MinuteKind.REPORT, "Báo cáo tình hình kinh tế - xã hội",
                        "Nguyễn Văn Luận"),
        MinuteEntryData(at + timedelta(minutes=30), MinuteKind.SPEECH, "Đề nghị sửa đường liên thôn",
                        "Lê Văn Cường", "Thôn Đông", "Giao thông – thủy lợi"),
        MinuteEntryData(at + timedelta(minutes=35), MinuteKind.ANSWER, "Xã sẽ khảo sát, bố trí kinh phí",
                        "Trần Thị Bình – Phó Chủ tịch UBND xã"),
        MinuteEntryData(at + timedelta(minutes=50), MinuteKind.CONCLUSION, "Giao các ban, ngành giải quyết",
                        "Nguyễn Văn Luận"),
    ]  # fmt: skip


def sample_dialogue(
    petitions: list[PetitionData] | None = None,
    entries: list[MinuteEntryData] | None = None,
    org: OrganizationData = ORG,
) -> DialogueData:
    return DialogueData(
        organization=org,
        year=2026,
        title="Hội nghị đối thoại với Nhân dân năm 2026",
        scheduled_at=MEETING,
        started_at=MEETING,
        ended_at=MEETING + timedelta(hours=3, minutes=30),
        place="Hội trường Ủy ban nhân dân xã Lương Phong",
        audience="Nhân dân các thôn, tổ dân phố",
        participants="",
        content="Đối thoại về đất đai, giao thông, môi trường và chính sách xã hội",
        chair=CHAIR,
        co_chairs=(LeaderData("Vũ Văn Hùng", "Chủ tịch Ủy ban MTTQ Việt Nam xã"),),
        secretary_name="Đỗ Thị Hà",
        collect_deadline=date(2026, 2, 25),
        leaders_count=5,
        units_count=8,
        hamlet_heads_count=4,
        citizens_count=120,
        attendees=(AttendeeData(CHAIR.name, CHAIR.title), AttendeeData(VICE.name, VICE.title)),
        assessment="Hội nghị diễn ra nghiêm túc, dân chủ, đúng kế hoạch.",
        conclusions=("Các ban, ngành khẩn trương giải quyết các kiến nghị đã giao",),
        entries=tuple(sample_entries() if entries is None else entries),
        petitions=tuple(sample_petitions() if petitions is None else petitions),
        plan=DocumentRef(12, "KH-UBND", date(2026, 1, 5)),
    )


def many_petitions(count: int) -> list[PetitionData]:
    """``count`` petitions spread over fields, hamlets and outcomes (for size and speed)."""
    statuses = [
        PetitionStatus.ANSWERED,
        PetitionStatus.IN_PROGRESS,
        PetitionStatus.FORWARDED,
        PetitionStatus.RESOLVED,
    ]
    out = []
    for n in range(count):
        status = statuses[n % len(statuses)]
        out.append(
            PetitionData(
                content=f"Kiến nghị số {n + 1} về việc sửa chữa, nâng cấp công trình công cộng của thôn, "
                "bảo đảm an toàn cho Nhân dân đi lại trong mùa mưa bão",
                petitioner_name=f"Nguyễn Văn Số{n + 1}",
                hamlet=HAMLETS[n % len(HAMLETS)],
                phone=f"09{n:08d}",
                field=FIELDS[n % len(FIELDS)],
                field_position=n % len(FIELDS),
                status=status,
                position=n,
                answers=(AnswerData("Ủy ban nhân dân xã tiếp thu, sẽ xem xét giải quyết", VICE.name, VICE.title),),
                assignments=(
                    (AssignmentData("Công chức Địa chính – Xây dựng", ("Công an xã",), "kiểm tra, xử lý",
                                    date(2026, 4, 1) + timedelta(days=n % 30)),)
                    if status in (PetitionStatus.IN_PROGRESS, PetitionStatus.RESOLVED)
                    else ()
                ),
                forwarded_to="Ủy ban nhân dân tỉnh" if status is PetitionStatus.FORWARDED else "",
                updates=(
                    (ResolutionUpdateData(date(2026, 4, 10), PetitionStatus.RESOLVED, "Đã sửa chữa xong"),)
                    if status is PetitionStatus.RESOLVED
                    else ()
                ),
            )
        )  # fmt: skip
    return out


def many_entries(count: int) -> list[MinuteEntryData]:
    kinds = [MinuteKind.SPEECH, MinuteKind.ANSWER]
    return [
        MinuteEntryData(
            MEETING + timedelta(minutes=n // 2),
            kinds[n % 2],
            f"Nội dung phát biểu số {n + 1}: đề nghị chính quyền quan tâm giải quyết dứt điểm việc "
            "sửa chữa đường giao thông nông thôn và kênh mương nội đồng",
            f"Người phát biểu {n + 1}",
            HAMLETS[n % len(HAMLETS)],
            FIELDS[n % len(FIELDS)],
        )
        for n in range(count)
    ]


# --- reading exported files back --------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def paragraph_text(p: object) -> str:
    """The text of a ``w:p`` element as Word shows it (tabs and breaks included)."""
    parts = []
    for el in p.iter(f"{W}t", f"{W}tab", f"{W}br"):  # type: ignore[attr-defined]
        if el.tag == f"{W}t":
            parts.append(el.text or "")
        elif el.tag == f"{W}tab":
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def docx_paragraphs(path: object) -> list[str]:
    """Every paragraph of the body in document order, table cells included."""
    import docx

    document = docx.Document(str(path))
    return [paragraph_text(p) for p in document.element.body.iter(f"{W}p")]


def docx_text(path: object) -> str:
    return "\n".join(docx_paragraphs(path))
