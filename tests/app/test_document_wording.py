"""Issue 16, «Văn bản ký được ngay»: each defect a văn thư found, built from data that triggers it.

Every test renders the document and reads the words back from the .docx (python-docx), as the
văn thư reads the page before signing.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import docx
import pytest
from sqlalchemy import select

from app.domain import text
from app.domain.rules import (
    AnswerOutcome,
    DocumentKind,
    MinuteKind,
    PetitionKind,
    PetitionStatus,
)
from app.export.data import (
    AnswerData,
    AssignmentData,
    IssueData,
    MinuteEntryData,
    OrganizationData,
    PetitionData,
    ReportData,
)
from app.export.documents import (
    basis_suggestions,
    build_conclusion_notice,
    build_invitation,
    build_meeting_notice,
    build_minutes,
    build_report,
    standard_basis,
)
from app.export.documents.common import propose_summary
from app.export.errors import DialogueNotHeldError, IssueDateError, NoPublicVersionError
from app.export.layout import render
from app.export.privacy import public_dialogue
from app.services.dialogues import conclusion_notice_countdowns
from app.services.documents import conclusion_notice_warning, export_document, public_replacements
from app.storage.database import Database
from app.storage.models import Dialogue, IssuedDocument, Petition, Plan
from tests.app.doc_samples import MEETING, PARTY_ORG, TODAY, VICE, docx_paragraphs, sample_dialogue
from tests.app.test_seed_plans import SEEDS, normalise, seed_sentences

ISSUE = IssueData(number=5, issued_on=date(2026, 3, 12))


def _texts(path: Path) -> list[str]:
    return [" ".join(p.split()) for p in docx_paragraphs(path)]


def _package_text(path: Path) -> str:
    with zipfile.ZipFile(path) as package:
        return "\n".join(package.read(n).decode("utf-8") for n in package.namelist() if n.endswith(".xml"))


def _petitions_with_personal_data() -> list[PetitionData]:
    """Names, phones and an ID typed inside free text, as they were in the demo Thông báo."""
    return [
        PetitionData(
            content="Gia đình tôi ở cạnh mương, nước tràn vào nhà; liên hệ 0912 345 678",
            petitioner_name="Lê Văn Hùng",
            hamlet="Thôn Đông",
            phone="0912345678",
            address="Số nhà 12, ngõ 3, thôn Đông",
            field="Giao thông – thủy lợi",
            field_position=2,
            status=PetitionStatus.IN_PROGRESS,
            position=1,
            answers=(
                AnswerData(
                    "Xã sẽ nạo vét mương trước mùa mưa", VICE.name, VICE.title, AnswerOutcome.ASSIGNED
                ),
            ),
            assignments=(
                AssignmentData(
                    "Công chức Địa chính – Xây dựng",
                    (),
                    "nạo vét mương thoát nước cho hộ ông Lê Văn Hùng và hộ bà trần thi mai",
                    date(2026, 4, 15),
                ),
            ),
        ),
        PetitionData(
            content="Mẹ tôi 82 tuổi chưa được hưởng trợ cấp; CCCD 001234567890",
            petitioner_name="Trần Thị Mai",
            hamlet="Thôn Tây",
            field="Chính sách xã hội",
            field_position=3,
            status=PetitionStatus.ANSWERED,
            position=2,
            answers=(AnswerData("Bà Mai bổ sung hồ sơ, xã giải quyết ngay trong tháng", "", ""),),
        ),
        PetitionData(
            content="Phản ánh cán bộ địa chính nhận tiền của ông Hoàng Văn Tám",
            petitioner_name="Hoàng Văn Tám",
            hamlet="Thôn Nam",
            phone="0987 111 222",
            kind=PetitionKind.DENUNCIATION,
            status=PetitionStatus.FORWARDED,
            forwarded_to="Thanh tra tỉnh",
            position=3,
        ),
        PetitionData(
            content="Đề nghị sắp xếp lại chỗ bán hàng trong chợ",
            petitioner_name="Nhóm hộ kinh doanh chợ xã",
            is_group=True,
            hamlet="Thôn Đông",
            field="",
            status=PetitionStatus.ANSWERED,
            position=4,
            answers=(AnswerData("Ban quản lý chợ sẽ sắp xếp lại", VICE.name, VICE.title),),
        ),
        PetitionData(
            content="Hỏi về lịch thu gom rác",
            petitioner_name="Một công dân (ẩn danh)",
            is_anonymous=True,
            field="Khác",
            field_position=99,
            status=PetitionStatus.ANSWERED,
            position=5,
            answers=(AnswerData("Thứ Hai và thứ Năm hằng tuần", VICE.name, VICE.title),),
        ),
    ]


@pytest.fixture
def personal() -> object:
    return sample_dialogue(_petitions_with_personal_data())


# --- 1. the public version holds no personal data -------------------------------------------------


def test_public_notice_and_report_hold_no_name_phone_id_or_address(personal, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tb = render(build_conclusion_notice(personal, ISSUE, public=True), tmp_path / "tb.docx")
    bc = render(build_report(ReportData(personal, TODAY), ISSUE, public=True), tmp_path / "bc.docx")
    for path in (tb, bc):
        package = text.search_key(_package_text(path))
        for p in personal.petitions:
            for word in (p.petitioner_name, p.address):
                if word and not p.is_group and not p.is_anonymous:
                    assert text.search_key(word) not in package, (path.name, word)
            if p.phone:
                assert re.sub(r"\D", "", p.phone) not in re.sub(r"\D", "", package)
        assert "001234567890" not in package
        assert "ông hùng" not in package and "ba mai" not in package
    texts = _texts(tb)
    joined = "\n".join(texts)
    assert "cho một hộ dân thôn Đông và một hộ dân thôn Tây" in joined
    assert "(số điện thoại đã lược bỏ)" in joined and "(số định danh đã lược bỏ)" in joined
    # A denunciation says nothing that points to the person: not even the thôn.
    denunciation = next(t for t in texts if "cán bộ địa chính nhận tiền" in t and t.startswith(("a)", "b)")))
    assert denunciation.startswith(("a) Một công dân phản ánh", "b) Một công dân phản ánh"))
    assert "thôn Nam" not in joined.split("PHỤ LỤC")[0]


def test_replacements_are_listed_for_review(personal) -> None:  # type: ignore[no-untyped-def]
    _public, replacements = public_dialogue(personal)
    found = {(r.found, r.replaced_by) for r in replacements}
    assert ("hộ ông Lê Văn Hùng", "một hộ dân thôn Đông") in found
    assert ("hộ bà trần thi mai", "một hộ dân thôn Tây") in found  # typed without tones, lower case
    assert ("Bà Mai", "Một công dân thôn Tây") in found
    assert ("0912 345 678", "(số điện thoại đã lược bỏ)") in found
    assert ("001234567890", "(số định danh đã lược bỏ)") in found
    assert any(r.where == "Ý kiến 1: người nêu" and r.found == "Lê Văn Hùng" for r in replacements)
    assert all(r.where for r in replacements)


def test_the_full_version_still_names_the_petitioners(personal, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    joined = "\n".join(_texts(render(build_conclusion_notice(personal, ISSUE), tmp_path / "tb.docx")))
    assert "Ông Lê Văn Hùng (thôn Đông)" in joined and "Bà Trần Thị Mai (thôn Tây)" in joined


def test_public_version_against_every_petitioner_in_the_database(demo_db: Database, tmp_path: Path) -> None:
    with demo_db.reading() as session:
        people = session.execute(
            select(Petition.petitioner_name, Petition.petitioner_phone, Petition.dialogue_id).where(
                Petition.is_group.is_(False), Petition.is_anonymous.is_(False)
            )
        ).all()
        held = session.scalars(select(Dialogue.id).where(Dialogue.started_at.is_not(None))).all()
        busiest = max(held, key=lambda d: sum(1 for _n, _p, pd in people if pd == d))
        assert public_replacements(session, "tb", busiest)  # the review list before export
    assert people and held
    for dialogue_id in held:
        for kind in ("tb", "bc"):
            path = export_document(
                demo_db, kind, dialogue_id, tmp_path / f"{kind}{dialogue_id}.docx", public=True
            )
            package = text.search_key(_package_text(path))
            digits = re.sub(r"\D", "", package)
            for name, phone, _owner in people:
                if text.clean(name):
                    assert text.search_key(name) not in package, (kind, dialogue_id, name)
                if len(re.sub(r"\D", "", phone)) >= 9:
                    assert re.sub(r"\D", "", phone) not in digits, (kind, dialogue_id, phone)


# --- 2. form of address ---------------------------------------------------------------------------


def test_no_ong_ba_anywhere_and_no_title_for_groups_or_anonymous(personal, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    entries = [
        MinuteEntryData(
            MEETING, MinuteKind.SPEECH, "Đề nghị sắp xếp chỗ bán hàng", "Nhóm hộ kinh doanh chợ xã"
        ),
        MinuteEntryData(MEETING, MinuteKind.SPEECH, "Hỏi lịch thu gom rác", "Một công dân (ẩn danh)"),
        MinuteEntryData(MEETING, MinuteKind.SPEECH, "Mẹ tôi 82 tuổi", "Trần Thị Mai", "Thôn Tây"),
        MinuteEntryData(
            MEETING, MinuteKind.SPEECH, "Ý kiến", "Nguyễn Thị Lan", address_form=text.AddressForm.MR
        ),  # chosen in the live minutes: wins over the name
    ]
    dialogue = replace(personal, entries=tuple(entries))
    tb = "\n".join(_texts(render(build_conclusion_notice(dialogue, ISSUE), tmp_path / "tb.docx")))
    bb = "\n".join(_texts(render(build_minutes(dialogue), tmp_path / "bb.docx")))
    for joined in (tb, bb):
        assert "Ông/bà" not in joined and "ông/bà" not in joined
    assert "– Nhóm hộ kinh doanh chợ xã phát biểu" in bb
    assert "– Một công dân (ẩn danh) phát biểu" in bb
    assert "– Bà Trần Thị Mai (thôn Tây) phát biểu: Mẹ tôi 82 tuổi." in bb  # full words in the Biên bản
    assert "– Ông Nguyễn Thị Lan phát biểu" in bb
    assert ") Nhóm hộ kinh doanh chợ xã (thôn Đông) đề nghị sắp xếp" in tb


def test_suggested_form_of_address() -> None:
    assert text.suggest_address_form("Trần Thị Mai") is text.AddressForm.MRS
    assert text.suggest_address_form("Lê Văn Hùng") is text.AddressForm.MR
    assert text.suggest_address_form("Nhóm hộ kinh doanh chợ xã") is text.AddressForm.NONE
    assert text.suggest_address_form("Đoàn Văn Hậu") is text.AddressForm.MR  # Đoàn is a surname here
    assert text.suggest_address_form("Lê Văn Hùng", is_anonymous=True) is text.AddressForm.NONE
    assert text.suggest_address_form("bà Nguyễn Ngọc Anh") is text.AddressForm.MRS


# --- 3. grammar and wording ------------------------------------------------------------------------


def test_third_person_summary_in_the_notice_full_words_in_the_minutes(personal, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    texts = _texts(render(build_conclusion_notice(personal, ISSUE), tmp_path / "tb.docx"))
    joined = "\n".join(texts)
    assert "Gia đình ông ở cạnh mương" in joined and "Gia đình tôi" not in joined
    assert "Mẹ bà 82 tuổi" in joined and "Mẹ tôi" not in joined
    assert propose_summary("Tôi đề nghị xã sửa đường", text.AddressForm.MR) == "Ông đề nghị xã sửa đường"
    edited = replace(personal.petitions[0], summary="Đề nghị nạo vét mương thoát nước cạnh nhà")
    dialogue = replace(personal, petitions=(edited, *personal.petitions[1:]))
    texts = _texts(render(build_conclusion_notice(dialogue, ISSUE), tmp_path / "tb2.docx"))
    assert any(t.startswith("a) Ông Lê Văn Hùng (thôn Đông) đề nghị nạo vét mương") for t in texts)


def test_no_clumsy_phrases(personal, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    joined = "\n".join(_texts(render(build_conclusion_notice(personal, ISSUE), tmp_path / "tb.docx")))
    assert "Đối với nêu ý kiến" not in joined and "tố cáo: Phản ánh" not in joined
    assert "Đối với nội dung tố cáo của ông Hoàng Văn Tám (thôn Nam) về việc cán bộ địa chính" in joined
    assert "Lãnh đạo:" not in joined  # an answer without a leader is printed without a label
    assert "- Trả lời tại hội nghị: Bà Mai bổ sung hồ sơ" in joined
    # One "Lĩnh vực khác" heading for the unfiled opinion and the one filed under "Khác".
    assert sum(1 for t in _texts(tmp_path / "tb.docx") if t.endswith("Lĩnh vực khác")) == 1


def test_a_title_inside_a_sentence(tmp_path: Path) -> None:
    dialogue = replace(sample_dialogue(), title="Tiếp xúc, đối thoại trực tiếp của Chủ tịch UBND xã năm 2026")
    texts = _texts(render(build_invitation(dialogue), tmp_path / "gm.docx"))
    joined = "\n".join(texts)
    assert "Dự Tiếp xúc" not in joined and "Dự buổi tiếp xúc, đối thoại trực tiếp" in joined
    held = "\n".join(_texts(render(build_invitation(sample_dialogue()), tmp_path / "gm2.docx")))
    assert "Dự Hội nghị đối thoại với Nhân dân năm 2026" in held


def test_control_characters_from_copy_paste(tmp_path: Path) -> None:
    p = PetitionData(
        "Đường hỏng\x0bmương tắc\x00cần sửa", "Lê Văn A", "Thôn Đông", status=PetitionStatus.ANSWERED
    )
    texts = _texts(render(build_conclusion_notice(sample_dialogue([p]), ISSUE), tmp_path / "tb.docx"))
    assert any(t.endswith("mương tắc cần sửa.") for t in texts)


# --- 4, 5. what the Thông báo says -----------------------------------------------------------------


def test_opening_counts_and_sections(tmp_path: Path) -> None:
    at_meeting_only = [replace(p, raised_at_meeting=True) for p in _petitions_with_personal_data()]
    dialogue = replace(sample_dialogue(at_meeting_only), assessment="Hội nghị diễn ra dân chủ, cởi mở.")
    texts = _texts(render(build_conclusion_notice(dialogue, ISSUE), tmp_path / "tb.docx"))
    opening = next(t for t in texts if t.startswith("Thực hiện Kế hoạch số 12/KH-UBND"))
    assert (
        "ngày 05 tháng 01 năm 2026 của Ủy ban nhân dân xã Lương Phong; ngày 05 tháng 3 năm 2026, tại"
        in opening
    )
    assert opening.count("Lương Phong") == 2  # the plan's issuer and the hall; the body not named again
    assert "Hội nghị đã nghe 5 ý kiến, kiến nghị của Nhân dân." in opening
    assert "0 ý kiến" not in opening and "(tổng số 137 người)" in opening
    assert texts[texts.index("I. ĐÁNH GIÁ CHUNG") + 1] == "Hội nghị diễn ra dân chủ, cởi mở."
    publication = next(t for t in texts if t.startswith("Thông báo này được niêm yết"))
    for channel in ("trụ sở", "từng trưởng thôn, tổ trưởng tổ dân phố", "truyền thanh xã"):
        assert channel in publication


def test_section_iv_says_so_when_nothing_is_beyond_competence(tmp_path: Path) -> None:
    answered = [p for p in _petitions_with_personal_data() if p.status is PetitionStatus.ANSWERED]
    texts = _texts(render(build_conclusion_notice(sample_dialogue(answered), ISSUE), tmp_path / "tb.docx"))
    iv = next(i for i, t in enumerate(texts) if t.startswith("III. CÁC NỘI DUNG VƯỢT THẨM"))
    assert texts[iv + 1].startswith("Các ý kiến, kiến nghị tại hội nghị đều thuộc thẩm quyền giải quyết")


def test_each_task_once_with_report_and_reply(personal, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    texts = _texts(render(build_conclusion_notice(personal, ISSUE), tmp_path / "tb.docx"))
    joined = "\n".join(texts).split("PHỤ LỤC")[0]
    assert joined.count("nạo vét mương thoát nước cho hộ ông Lê Văn Hùng") == 1
    task = next(t for t in texts if t.startswith("1. Giao Công chức Địa chính – Xây dựng chủ trì"))
    assert task.endswith(
        "trả lời công dân và báo cáo kết quả về Ủy ban nhân dân xã trước ngày 15 tháng 4 năm 2026."
    )
    assert "- Kết luận: Giao Công chức Địa chính – Xây dựng chủ trì giải quyết (nhiệm vụ 1 mục III)." in texts


# --- 6. documents of meetings not held -----------------------------------------------------------


def test_documents_of_a_meeting_not_held_are_refused(tmp_path: Path) -> None:
    planned = replace(sample_dialogue(), held=False, started_at=None, entries=(), petitions=())
    empty = replace(sample_dialogue(), entries=(), petitions=())
    for dialogue in (planned, empty):
        for build in (
            lambda d: build_conclusion_notice(d, ISSUE),
            lambda d: build_minutes(d),
            lambda d: build_report(ReportData(d, TODAY)),
        ):
            with pytest.raises(DialogueNotHeldError) as caught:
                build(dialogue)
            assert "Chưa thể lập" in caught.value.user_message
    form = _texts(render(build_minutes(planned, handwritten=True), tmp_path / "bb.docx"))
    assert "BIÊN BẢN" in form
    assert any(t.startswith("Thời gian bắt đầu: …… giờ …… phút, ngày …… tháng …… năm 2026") for t in form)
    assert any(t.startswith("Địa điểm: Hội trường Ủy ban nhân dân xã Lương Phong") for t in form)
    assert "Chủ trì (chủ tọa): ." not in form and "ngày tháng năm 2024./." not in "\n".join(form)
    document = docx.Document(str(tmp_path / "bb.docx"))
    leader = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}leader"
    dotted = [p for p in document.paragraphs if any(t.get(leader) == "dot" for t in p._p.iter("{*}tab"))]
    assert len(dotted) >= 30


# --- 7. level and recipients from the Organization ------------------------------------------------


def test_a_city_and_an_hdnd_body(tmp_path: Path) -> None:
    city = OrganizationData(
        "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ BẮC KẠN", place_name="Bắc Kạn", signer_name="Hoàng Văn Minh"
    )
    for build, name in ((build_meeting_notice, "tbtc"), (build_conclusion_notice, "tb")):
        joined = "\n".join(_texts(render(build(sample_dialogue(org=city), ISSUE), tmp_path / f"{name}.docx")))
        for wrong in (
            "Tổ quốc Việt Nam xã",
            "truyền thanh xã",
            "đoàn thể xã",
            "MTTQ Việt Nam xã;",
            "HĐND xã;",
        ):
            assert wrong not in joined, (name, wrong)
        assert "truyền thanh thành phố" in joined, name
    council = OrganizationData(
        "HỘI ĐỒNG NHÂN DÂN\nXÃ LƯƠNG PHONG", issuer_code="HĐND", place_name="Lương Phong"
    )
    texts = _texts(render(build_conclusion_notice(sample_dialogue(org=council), ISSUE), tmp_path / "h.docx"))
    recipients = texts[texts.index("Nơi nhận:") + 1 : texts.index("- Lưu: VT.") + 1]
    assert (
        not any("HĐND" in line for line in recipients)
        and "- Thường trực Đảng ủy xã (để báo cáo);" in recipients
    )
    assert "Số: 05/TB-HĐND" in texts
    ward = OrganizationData("ỦY BAN NHÂN DÂN PHƯỜNG HÒA BÌNH", place_name="Hòa Bình", level="phường")
    joined = "\n".join(
        _texts(render(build_meeting_notice(sample_dialogue(org=ward), ISSUE), tmp_path / "w.docx"))
    )
    assert "Đài truyền thanh phường" in joined


# --- 8. line breaks ------------------------------------------------------------------------------------


def test_line_breaks_of_summary_and_tables(tmp_path: Path) -> None:
    title = (
        "Tiếp xúc, đối thoại trực tiếp của Lãnh đạo thành phố Bắc Kạn với các hộ kinh doanh dịch vụ năm 2026"
    )
    dialogue = replace(sample_dialogue(_petitions_with_personal_data()), title=title)
    path = render(build_meeting_notice(dialogue, ISSUE), tmp_path / "tbtc.docx")
    summary = next(t for t in docx_paragraphs(path) if t.startswith("Về việc tổ chức"))
    lines = summary.split("\n")
    assert len(lines) <= 2 and not any(line.endswith(" kinh") for line in lines)
    tb = render(build_conclusion_notice(dialogue, ISSUE), tmp_path / "tb.docx")
    document = docx.Document(str(tb))
    appendix = document.tables[-1]
    rows = appendix._tbl.findall("{*}tr")
    assert all(tr.find("{*}trPr/{*}cantSplit") is not None for tr in rows)
    assert rows[0].find("{*}trPr/{*}tblHeader") is not None
    assert rows[1].find(".//{*}keepNext") is not None  # the heading row keeps its first rows
    notes = [row.cells[-1].text for row in appendix.rows[1:]]
    assert all(note[:1].isupper() for note in notes)
    widths = [
        int(c.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w"))
        for c in appendix._tbl.tblGrid
    ]
    assert widths[3] > widths[0] * 2  # Lĩnh vực is wide enough not to wrap word by word
    report = docx.Document(str(render(build_report(ReportData(dialogue, TODAY)), tmp_path / "bc.docx")))
    items = next(t for t in report.tables if t.rows[0].cells[0].text == "STT")
    assert items.rows[0].cells[-1].text == "Tình trạng"
    status = [row.cells[-1].text for row in items.rows[1:]]
    assert status and all(s[:1].isupper() for s in status)


# --- 9. Kế hoạch ----------------------------------------------------------------------------------------


def test_seed_plans_come_back_as_written_through_the_database(demo_db: Database, tmp_path: Path) -> None:
    with demo_db.reading() as session:
        plans = session.execute(select(Plan.id, Plan.year)).all()
    exported = {
        year: normalise(
            "\n".join(docx_paragraphs(export_document(demo_db, "kh", pid, tmp_path / f"{pid}.docx")))
        )
        for pid, year in plans
    }
    for seed, year in (
        ("ke-hoach-tp-bac-kan-2016.txt", 2016),
        ("ke-hoach-hdnd-xa-luong-phong-2024.txt", 2024),
    ):
        missing = [
            s for s in seed_sentences((SEEDS / seed).read_text(encoding="utf-8")) if s not in exported[year]
        ]
        assert missing == [], seed


def test_time_place_from_scheduled_dialogues_and_standard_bases(db: Database, tmp_path: Path) -> None:
    from app.storage.models import Organization

    with db.transaction() as s:
        org = Organization(
            name="ỦY BAN NHÂN DÂN\nXÃ LƯƠNG PHONG", place_name="Lương Phong", issuer_code="UBND"
        )
        s.add(org)
        s.flush()
        plan = Plan(organization_id=org.id, year=2026, symbol="KH-UBND", title="Đối thoại năm 2026")
        s.add(plan)
        s.flush()
        s.add(
            Dialogue(
                plan_id=plan.id, organization_id=org.id, title="Hội nghị đối thoại Quý I",
                scheduled_at=datetime(2026, 3, 20, 8, 0), place="Hội trường xã",
            )
        )  # fmt: skip
        s.add(Dialogue(plan_id=plan.id, organization_id=org.id, title="Hội nghị đối thoại Quý IV", quarter=4))
        plan_id = plan.id
    texts = _texts(export_document(db, "kh", plan_id, tmp_path / "kh.docx"))
    section = next(i for i, t in enumerate(texts) if t.endswith("THỜI GIAN, ĐỊA ĐIỂM"))
    assert texts[section + 1] == (
        "- Hội nghị đối thoại Quý I: 08 giờ 00 phút, ngày 20 tháng 3 năm 2026, tại Hội trường xã."
    )
    assert texts[section + 2].startswith("- Hội nghị đối thoại Quý IV: Quý IV năm 2026.")
    assert standard_basis("Luật Tổ chức chính quyền địa phương số 72/2025/QH15;") == (
        "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15"
    )
    assert basis_suggestions(["Căn cứ Luật A;", "căn cứ Luật B"]) == [("căn cứ Luật B", "Căn cứ Luật B")]


# --- 10. dates the law ties to the meeting -----------------------------------------------------------


def test_issue_date_before_the_meeting_is_refused_and_late_ones_warned(db: Database, tmp_path: Path) -> None:
    with pytest.raises(IssueDateError) as caught:
        build_conclusion_notice(sample_dialogue(), IssueData(issued_on=MEETING.date() - timedelta(days=1)))
    assert "không thể trước ngày hội nghị (05/3/2026)" in caught.value.user_message
    from tests.app.test_documents import _seed_db

    _plan_id, dialogue_id = _seed_db(db)
    with db.reading() as session:
        assert conclusion_notice_warning(session, dialogue_id, date(2026, 3, 15)) == ""
        warning = conclusion_notice_warning(session, dialogue_id, date(2026, 3, 20))
        assert "quá 5 ngày so với thời hạn 10 ngày" in warning and "Điều 43" in warning
        countdown = conclusion_notice_countdowns(session, today=date(2026, 3, 12))[dialogue_id]
        assert countdown.label == "TB kết luận: còn 3 ngày"
        assert conclusion_notice_countdowns(session, today=date(2026, 3, 20))[dialogue_id].label == (
            "TB kết luận: quá hạn 5 ngày"
        )
    with pytest.raises(IssueDateError):
        export_document(db, "tb", dialogue_id, tmp_path / "early.docx", number=1, issued_on=date(2026, 3, 1))
    assert not (tmp_path / "early.docx").exists()
    export_document(db, "tb", dialogue_id, tmp_path / "tb.docx", number=1, issued_on=date(2026, 3, 12))
    with db.reading() as session:
        assert dialogue_id not in conclusion_notice_countdowns(session, today=date(2026, 3, 20))
        assert session.scalars(select(IssuedDocument.number)).all() == [1]


# --- 11. small things ------------------------------------------------------------------------------


def test_public_only_for_kinds_that_have_one(db: Database, tmp_path: Path) -> None:
    from tests.app.test_documents import _seed_db

    _plan_id, dialogue_id = _seed_db(db)
    with pytest.raises(NoPublicVersionError) as caught:
        export_document(db, DocumentKind.MINUTES, dialogue_id, tmp_path / "bb.docx", public=True)
    assert "không có bản công khai" in caught.value.user_message
    assert not (tmp_path / "bb.docx").exists()


# --- 13. the Party layout -----------------------------------------------------------------------------


def test_party_notice_header_and_signature(tmp_path: Path) -> None:
    path = render(build_conclusion_notice(sample_dialogue(org=PARTY_ORG), ISSUE), tmp_path / "tb.docx")
    document = docx.Document(str(path))
    left, right = (cell.text.split("\n") for cell in document.tables[0].rows[0].cells)
    assert left == ["ĐẢNG BỘ TỈNH BẮC NINH", "ĐẢNG ỦY XÃ LƯƠNG PHONG", "*"]
    assert right[0] == "ĐẢNG CỘNG SẢN VIỆT NAM"
    number, date_line = (cell.text for cell in document.tables[0].rows[1].cells)
    assert number == "Số 05-TB/ĐU" and date_line == "Lương Phong, ngày 12 tháng 3 năm 2026"
    texts = _texts(path)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in texts and "Độc lập - Tự do - Hạnh phúc" not in texts
    start = texts.index("T/M ĐẢNG ỦY")
    assert texts[start : start + 3] == ["T/M ĐẢNG ỦY", "BÍ THƯ", "Hoàng Văn Tư"]
    recipients = texts[texts.index("Nơi nhận:") + 1 :]
    assert not any(line.startswith("- Thường trực Đảng ủy") for line in recipients[:8])
    title_run = document.tables[0].rows[0].cells[1].paragraphs[0].runs[0]
    assert title_run.bold and title_run.underline


def test_minutes_with_nobody_named_leave_lines_to_fill(tmp_path: Path) -> None:
    dialogue = replace(sample_dialogue(), chair=None, co_chairs=(), secretary_name="", ended_at=None)
    texts = _texts(render(build_minutes(dialogue), tmp_path / "bb.docx"))
    assert "Chủ trì (chủ tọa): ." not in texts and "Thư ký (người ghi biên bản): ." not in texts
    assert "Chủ trì (chủ tọa):" in texts and "Thư ký (người ghi biên bản):" in texts
    assert "Hội nghị kết thúc vào …… giờ …… phút, ngày 05 tháng 3 năm 2026./." in texts


def test_every_kind_of_a_party_body_in_its_layout(tmp_path: Path) -> None:
    bare = replace(PARTY_ORG, signing_authority="", signer_title="", signer_name="")
    dialogue = sample_dialogue(org=bare)
    for name, content in (
        ("gm", build_invitation(dialogue, ISSUE)),
        ("tbtc", build_meeting_notice(dialogue, ISSUE)),
        ("tb", build_conclusion_notice(dialogue, ISSUE)),
        ("bc", build_report(ReportData(dialogue, TODAY), ISSUE)),
    ):
        path = render(content, tmp_path / f"{name}.docx")
        texts = _texts(path)
        assert "ĐẢNG CỘNG SẢN VIỆT NAM" in texts and "Độc lập - Tự do - Hạnh phúc" not in texts, name
        assert any(t.startswith("Số 05-") and t.endswith("/ĐU") for t in texts), name
        start = texts.index("T/M ĐẢNG ỦY")
        assert texts[start : start + 3] == ["T/M ĐẢNG ỦY", "BÍ THƯ", "Nguyễn Văn Luận"], name
    minutes = _texts(render(build_minutes(dialogue), tmp_path / "bb.docx"))
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in minutes and "THƯ KÝ" in minutes and "CHỦ TỌA" in minutes


def test_public_version_of_three_hundred_opinions_is_quick_and_complete(tmp_path: Path) -> None:
    import time

    from tests.app.doc_samples import many_petitions

    petitions = many_petitions(300)
    dialogue = sample_dialogue(petitions)
    started = time.perf_counter()
    _public, replacements = public_dialogue(dialogue)
    assert time.perf_counter() - started < 5  # one pass per text, not one per petitioner
    assert len([r for r in replacements if r.where.endswith("người nêu")]) == 300
    path = render(build_conclusion_notice(dialogue, ISSUE, public=True), tmp_path / "tb.docx")
    package = _package_text(path)
    assert not any(p.petitioner_name in package or p.phone in package for p in petitions)


def test_a_plans_own_headings_survive_an_edit_from_the_form(demo_db: Database) -> None:
    from app.services import plans as plan_service

    with demo_db.transaction() as session:
        plan_id = session.scalars(select(Plan.id).where(Plan.year == 2016)).one()
        detail = plan_service.get_plan(session, plan_id)
        assert detail.headings["audience"] == "Đối tượng tiếp xúc, đối thoại"
        edited = replace(
            detail.to_input(), title=detail.title + " (sửa)", headings=None
        )  # as the form sends it
        plan_service.update_plan(session, plan_id, edited)
    with demo_db.reading() as session:
        assert plan_service.get_plan(session, plan_id).headings == detail.headings
