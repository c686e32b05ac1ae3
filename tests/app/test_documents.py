"""Each document kind's content, the public versions, the figures, the templates and the export service."""

from __future__ import annotations

import contextlib
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from sqlalchemy import select

from app.domain.rules import DialogueState, DocumentKind, MinuteKind, PetitionStatus
from app.domain.statistics import resolution_statistics
from app.errors import NotFoundError
from app.export import templates
from app.export.data import (
    IssueData,
    MinuteEntryData,
    PetitionData,
    PlanData,
    PlanTask,
    ReportData,
    SignerData,
)
from app.export.documents import (
    build_conclusion_notice,
    build_invitation,
    build_meeting_notice,
    build_minutes,
    build_plan,
    build_report,
    plan_defaults,
)
from app.export.errors import DialogueNotHeldError, DuplicateNumberError, TemplateError
from app.export.layout import render
from app.export.phrases import body_name_in_text, hamlet_phrase
from app.services import statistics as stats_service
from app.services.documents import default_file_name, export_document, suggested_file_name
from app.storage.database import Database
from app.storage.models import (
    Answer,
    Assignment,
    Conclusion,
    Dialogue,
    Field,
    Hamlet,
    IssuedDocument,
    Leader,
    MinuteEntry,
    Organization,
    Petition,
    Plan,
    ResolutionUpdate,
    Unit,
)
from tests.app.doc_samples import (
    MEETING,
    ORG,
    TODAY,
    docx_paragraphs,
    many_petitions,
    sample_dialogue,
    sample_petitions,
)

pytestmark = pytest.mark.pg_extended  # on PostgreSQL too with DOITHOAI_TEST_PG_ALL=1 (tests/conftest.py)

ISSUE = IssueData(number=5, issued_on=date(2026, 3, 12))


def _flat(paragraphs: list[str]) -> list[str]:
    return [" ".join(p.split()) for p in paragraphs]


def _index(texts: list[str], needle: str, start: int = 0) -> int:
    for i in range(start, len(texts)):
        if needle in texts[i]:
            return i
    raise AssertionError(f"{needle!r} not found after paragraph {start}")


def _all_text(path: Path) -> str:
    """Every text in the package (document, headers, properties): for personal-data checks."""
    with zipfile.ZipFile(path) as package:
        return "\n".join(
            package.read(name).decode("utf-8") for name in package.namelist() if name.endswith(".xml")
        )


@pytest.fixture
def tb_texts(tmp_path: Path) -> list[str]:
    return _flat(
        docx_paragraphs(render(build_conclusion_notice(sample_dialogue(), ISSUE), tmp_path / "tb.docx"))
    )


# --- Thông báo kết luận -------------------------------------------------------------------------


def test_conclusion_notice_opening_and_sections(tb_texts: list[str]) -> None:
    assert "Số: 05/TB-UBND" in tb_texts
    assert "Lương Phong, ngày 12 tháng 3 năm 2026" in tb_texts
    assert "THÔNG BÁO" in tb_texts
    assert "Kết luận của Chủ tịch UBND xã tại Hội nghị đối thoại với Nhân dân năm 2026" in tb_texts
    opening = tb_texts[_index(tb_texts, "Thực hiện Kế hoạch số 12/KH-UBND ngày 05 tháng 01 năm 2026")]
    for part in (
        "ngày 05 tháng 3 năm 2026, tại Hội trường Ủy ban nhân dân xã Lương Phong",
        "đồng chí Nguyễn Văn Luận, Chủ tịch UBND xã chủ trì",
        "đồng chí Vũ Văn Hùng",
        "120 công dân",
        "(tổng số 137 người)",
        "Hội nghị đã nghe 5 ý kiến, kiến nghị của Nhân dân (4 ý kiến nêu tại hội nghị, 1 ý kiến gửi trước",
        "; ngày 05 tháng 3 năm 2026, tại",  # the plan's date and the meeting's are not run together
        ", Ủy ban nhân dân xã tổ chức Hội nghị",  # the body named in full once
    ):
        assert part in opening
    assert tb_texts[_index(tb_texts, "Sau khi nghe")].endswith("kết luận như sau:")
    order = [
        _index(tb_texts, "I. ĐÁNH GIÁ CHUNG"),
        _index(tb_texts, "II. Ý KIẾN, KIẾN NGHỊ CỦA NHÂN DÂN VÀ KẾT LUẬN"),
        _index(tb_texts, "III. GIAO NHIỆM VỤ"),
        _index(tb_texts, "IV. CÁC NỘI DUNG VƯỢT THẨM QUYỀN"),
        _index(tb_texts, "niêm yết công khai tại trụ sở Ủy ban nhân dân xã Lương Phong"),
    ]
    assert order == sorted(order)
    assert "Hội nghị diễn ra nghiêm túc, dân chủ, đúng kế hoạch." in tb_texts
    assert "- Các ban, ngành khẩn trương giải quyết các kiến nghị đã giao." in tb_texts
    closing = _index(tb_texts, "Ủy ban nhân dân xã Lương Phong thông báo để")
    assert tb_texts[closing].endswith("biết, thực hiện./.")
    assert tb_texts[closing + 1] == "Nơi nhận:"
    assert "- Trưởng thôn, tổ trưởng tổ dân phố;" in tb_texts and "- Lưu: VT." in tb_texts


def test_conclusion_notice_opinions_grouped_by_field_in_order(tb_texts: list[str]) -> None:
    start = _index(tb_texts, "II. Ý KIẾN")
    end = _index(tb_texts, "III. GIAO NHIỆM VỤ")
    body = tb_texts[start:end]
    headings = [t for t in body if t[:2] in {"1.", "2.", "3.", "4."}]
    assert headings == [
        "1. Lĩnh vực đất đai",
        "2. Lĩnh vực giao thông – thủy lợi",
        "3. Lĩnh vực môi trường",
        "4. Lĩnh vực chính sách xã hội – người có công – hộ nghèo",
    ]
    expected = [
        ("a) Bà Phạm Thị Dung (thôn Tây) hỏi về tiến độ", "Hồ sơ đã chuyển Văn phòng đăng ký",
         None),  # answered at the meeting: the answer is the conclusion
        ("a) Ông Lê Văn Cường (thôn Đông) đề nghị sửa đoạn đường", "Xã sẽ khảo sát",
         "Giao Công chức Địa chính – Xây dựng chủ trì giải quyết (nhiệm vụ 1 mục III)."),
        ("b) Ông Hoàng Văn Em (thôn Nam) kiến nghị nâng cấp quốc lộ", None,
         "Tổng hợp, kiến nghị Sở Xây dựng tỉnh xem xét, giải quyết (mục IV)."),
        # Resolved since: the Thông báo still says what the meeting decided, not the later result.
        ("a) Một công dân phản ánh: Bãi rác tự phát", None, "Giao Công an xã chủ trì giải quyết (nhiệm vụ 2 mục III)."),
        ("a) Bà Đặng Thị Giang (tổ dân phố 3) kiến nghị: Xem xét hộ cận nghèo", None,
         "Giao Công chức Văn hóa – Xã hội chủ trì giải quyết (nhiệm vụ 3 mục III)."),
    ]  # fmt: skip
    position = 0
    for opinion, answer, conclusion in expected:
        position = _index(body, opinion, position)
        if answer:
            found = _index(body, answer, position)
            assert body[found].startswith("- Trả lời tại hội nghị: Đồng chí")
        if conclusion is None:
            assert not body[position + 2].startswith("- Kết luận:")
            continue
        found = _index(body, conclusion, position)
        assert body[found].startswith("- Kết luận:")
        # Each opinion's answer and conclusion come before the next opinion.
        assert all(not body[i].startswith(("a)", "b)")) for i in range(position + 1, found))


def test_conclusion_notice_assignments_and_matters_beyond_competence(tb_texts: list[str]) -> None:
    start = _index(tb_texts, "III. GIAO NHIỆM VỤ")
    end = _index(tb_texts, "IV. CÁC NỘI DUNG")
    tasks = tb_texts[start + 1 : end]
    assert tasks == [
        "1. Giao Công chức Địa chính – Xây dựng chủ trì, phối hợp với Văn phòng HĐND và UBND khảo sát, lập dự "
        "toán sửa chữa đoạn đường sạt lở (kiến nghị tại điểm a khoản 2 mục II); trả lời công dân và báo cáo kết "
        "quả về Ủy ban nhân dân xã trước ngày 15 tháng 4 năm 2026.",
        "2. Giao Công an xã chủ trì kiểm tra, xử lý (phản ánh tại điểm a khoản 3 mục II); trả lời công dân và "
        "báo cáo kết quả về Ủy ban nhân dân xã trước ngày 20 tháng 3 năm 2026.",
        "3. Giao Công chức Văn hóa – Xã hội chủ trì xem xét, giải quyết kiến nghị của bà Đặng Thị Giang (tổ dân "
        "phố 3) về việc xem xét hộ cận nghèo cho gia đình (kiến nghị tại điểm a khoản 4 mục II); trả lời công "
        "dân và báo cáo kết quả về Ủy ban nhân dân xã trước ngày 30 tháng 3 năm 2026.",
    ]
    beyond = tb_texts[end + 1]
    assert beyond == (
        "1. Đối với kiến nghị của ông Hoàng Văn Em (thôn Nam) về việc nâng cấp quốc lộ đoạn qua xã: Ủy ban "
        "nhân dân xã tổng hợp, kiến nghị Sở Xây dựng tỉnh xem xét, giải quyết."
    )
    # Each assignment is stated once: II refers to III, it does not repeat it.
    joined = "\n".join(tb_texts)
    assert joined.count("khảo sát, lập dự toán sửa chữa đoạn đường sạt lở") == 1
    assert "Đã giải quyết" not in joined and "thu dọn" not in joined.split("PHỤ LỤC")[0]


def test_conclusion_notice_appendix_table(tmp_path: Path) -> None:
    path = render(build_conclusion_notice(sample_dialogue(), ISSUE), tmp_path / "tb.docx")
    document = docx.Document(str(path))
    assert document.sections[-1].orientation == WD_ORIENT.LANDSCAPE
    table = document.tables[-1]
    assert [c.text for c in table.rows[0].cells] == [
        "STT", "Người nêu, thôn", "Nội dung", "Lĩnh vực", "Trả lời tại hội nghị", "Đơn vị giải quyết",
        "Thời hạn", "Ghi chú",
    ]  # fmt: skip
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [r[0] for r in rows] == ["1", "2", "3", "4", "5"]
    assert [r[1] for r in rows] == [
        "Bà Phạm Thị Dung (thôn Tây)",
        "Ông Lê Văn Cường (thôn Đông)",
        "Ông Hoàng Văn Em (thôn Nam)",
        "Một công dân",
        "Bà Đặng Thị Giang (tổ dân phố 3)",
    ]
    assert rows[1][5] == "Công chức Địa chính – Xây dựng (phối hợp: Văn phòng HĐND và UBND)"
    assert rows[1][6] == "15/4/2026" and rows[2][5] == "Sở Xây dựng tỉnh"
    notes = _flat(docx_paragraphs(path))
    assert (
        "(Kèm theo Thông báo số 05/TB-UBND ngày 12 tháng 3 năm 2026 của Ủy ban nhân dân xã Lương Phong)"
        in notes
    )
    without = render(build_conclusion_notice(sample_dialogue(), ISSUE, appendix=False), tmp_path / "b.docx")
    assert len(docx.Document(str(without)).sections) == 1


def test_public_versions_leave_out_personal_data(tmp_path: Path) -> None:
    dialogue = sample_dialogue()
    tb = render(build_conclusion_notice(dialogue, ISSUE, public=True), tmp_path / "tb.docx")
    bc = render(build_report(ReportData(dialogue, TODAY), ISSUE, public=True), tmp_path / "bc.docx")
    for path in (tb, bc):
        package = _all_text(path)
        for p in dialogue.petitions:
            for personal in (p.petitioner_name, p.phone, p.address):
                if personal:
                    assert personal not in package, (path.name, personal)
        texts = _flat(docx_paragraphs(path))
        assert any("Một công dân thôn Đông" in t for t in texts)
        assert not any("Ông/bà" in t for t in texts)
    tb_texts = _flat(docx_paragraphs(tb))
    assert _index(tb_texts, "a) Một công dân thôn Tây hỏi về tiến độ")
    # Leaders answering in their office are not private persons and stay named.
    assert _index(tb_texts, "Đồng chí Nguyễn Văn Luận, Chủ tịch UBND xã:")


def test_three_hundred_petitions_all_listed(tmp_path: Path) -> None:
    dialogue = sample_dialogue(many_petitions(300))
    path = render(build_conclusion_notice(dialogue, ISSUE), tmp_path / "tb.docx")
    texts = _flat(docx_paragraphs(path))
    joined = "\n".join(texts)
    for n in range(1, 301):
        assert f"Kiến nghị số {n} về việc" in joined
    assert len(docx.Document(str(path)).tables[-1].rows) == 301


# --- Biên bản ------------------------------------------------------------------------------------


def test_minutes_content_in_order(tmp_path: Path) -> None:
    path = render(build_minutes(sample_dialogue()), tmp_path / "bb.docx")
    document = docx.Document(str(path))
    header = "\n".join(c.text for row in document.tables[0].rows for c in row.cells)
    assert "ngày" not in header and "Số:      /BB-UBND" in header
    texts = _flat(docx_paragraphs(path))
    order = [
        _index(texts, "BIÊN BẢN"),
        _index(texts, "Thời gian bắt đầu: 08 giờ 00 phút, ngày 05 tháng 3 năm 2026."),
        _index(texts, "Địa điểm: Hội trường Ủy ban nhân dân xã Lương Phong."),
        _index(texts, "Thành phần tham dự:"),
        _index(texts, "Chủ trì (chủ tọa): Đồng chí Nguyễn Văn Luận, Chủ tịch UBND xã"),
        _index(texts, "Thư ký (người ghi biên bản): Đỗ Thị Hà."),
        _index(texts, "Nội dung (theo diễn biến hội nghị):"),
        _index(texts, "08 giờ 00 – Khai mạc (Trần Thị Bình): Tuyên bố lý do"),
        _index(texts, "08 giờ 10 – Báo cáo (Nguyễn Văn Luận): Báo cáo tình hình"),
        _index(texts, "08 giờ 30 – Ông Lê Văn Cường (thôn Đông, lĩnh vực giao thông – thủy lợi) phát biểu: "
                      "Đề nghị sửa đường liên thôn."),
        _index(texts, "08 giờ 35 – Đồng chí Trần Thị Bình – Phó Chủ tịch UBND xã trả lời: Xã sẽ khảo sát"),
        _index(texts, "08 giờ 50 – Kết luận của chủ tọa (Nguyễn Văn Luận): Giao các ban, ngành giải quyết."),
        _index(texts, "Hội nghị kết thúc vào 11 giờ 30 phút, ngày 05 tháng 3 năm 2026./."),
    ]  # fmt: skip
    assert order == sorted(order)
    left, right = document.tables[-1].rows[0].cells
    assert [p.text for p in left.paragraphs] == ["THƯ KÝ", "Đỗ Thị Hà", "Nơi nhận:", "- Lưu: VT, Hồ sơ."]
    assert [p.text for p in right.paragraphs] == ["CHỦ TỌA", "Nguyễn Văn Luận"]


def test_minutes_speaker_labels_are_not_doubled(tmp_path: Path) -> None:
    entry = MinuteEntryData(
        MEETING, MinuteKind.SPEECH, "Nội dung", "Nguyễn Văn Thắng (Thôn Đông)", "Thôn Đông", "Đất đai"
    )
    texts = _flat(
        docx_paragraphs(render(build_minutes(sample_dialogue(entries=[entry])), tmp_path / "bb.docx"))
    )
    assert "08 giờ 00 – Ông Nguyễn Văn Thắng (thôn Đông, lĩnh vực đất đai) phát biểu: Nội dung." in texts


# --- Giấy mời, Thông báo tổ chức, Kế hoạch, Báo cáo --------------------------------------------------


def test_invitation(tmp_path: Path) -> None:
    path = render(build_invitation(sample_dialogue()), tmp_path / "gm.docx")
    texts = _flat(docx_paragraphs(path))
    assert "Số: /GM-UBND" in texts  # the gap, whitespace collapsed
    assert "GIẤY MỜI" in texts and "Dự Hội nghị đối thoại với Nhân dân năm 2026" in texts
    assert "Ủy ban nhân dân xã Lương Phong trân trọng kính mời:" in texts
    assert any(t.startswith("Ông (bà):") for t in texts)
    assert "Thời gian: 08 giờ 00 phút, ngày 05 tháng 3 năm 2026." in texts
    assert "Địa điểm: Hội trường Ủy ban nhân dân xã Lương Phong." in texts
    assert texts[_index(texts, "Rất mong")].endswith("./.")
    named = render(
        build_invitation(sample_dialogue(), invitee="Ông Lê Văn Cường, thôn Đông"), tmp_path / "n.docx"
    )
    assert "Ông Lê Văn Cường, thôn Đông" in _flat(docx_paragraphs(named))


def test_meeting_notice(tmp_path: Path) -> None:
    path = render(
        build_meeting_notice(sample_dialogue(), IssueData(3, date(2026, 2, 20))), tmp_path / "t.docx"
    )
    texts = _flat(docx_paragraphs(path))
    assert "Số: 03/TB-UBND" in texts and "Lương Phong, ngày 20 tháng 02 năm 2026" in texts
    assert "Về việc tổ chức Hội nghị đối thoại với Nhân dân năm 2026" in texts
    order = [
        _index(texts, "1. Thời gian: 08 giờ 00 phút, ngày 05 tháng 3 năm 2026."),
        _index(texts, "2. Địa điểm: Hội trường"),
        _index(texts, "3. Chủ trì: Đồng chí Nguyễn Văn Luận"),
        _index(texts, "4. Thành phần: Nhân dân các thôn, tổ dân phố."),
        _index(texts, "5. Nội dung: Đối thoại về đất đai"),
        _index(texts, "6. Cách thức tham dự, gửi ý kiến"),
        _index(texts, "trước ngày 25 tháng 02 năm 2026 để tổng hợp."),
    ]
    assert order == sorted(order)
    assert texts[_index(texts, "Đề nghị Ủy ban Mặt trận")].endswith("tham dự./.")


def _plan(**changes: object) -> PlanData:
    fields: dict[str, object] = {
        "organization": ORG,
        "year": 2026,
        "title": "Tổ chức Hội nghị đối thoại với nhân dân năm 2026",
        "bases": ["Căn cứ Luật Thực hiện dân chủ ở cơ sở;", "Căn cứ Luật Tổ chức chính quyền địa phương"],
        "purposes": ["Lắng nghe ý kiến của nhân dân."],
        "requirements": ["- Công khai, dân chủ.", "+ Đúng trọng tâm."],
        "audience": "Cử tri và Nhân dân các thôn.",
        "contents": ["Đất đai, giao thông."],
        "forms": ["Hội nghị trực tiếp."],
        "time_place": ["Quý I năm 2026, tại hội trường xã."],
        "steps": ["1. Khai mạc.", "Nghe ý kiến.", "3) Kết luận."],
        "tasks_intro": "Giao nhiệm vụ cụ thể như sau:",
        "tasks": [
            PlanTask("Văn phòng HĐND và UBND", ["Chuẩn bị hội trường."]),
            PlanTask("Công an xã", ["Bảo vệ."]),
        ],
        "number": 12,
        "issued_on": date(2026, 1, 5),
    }
    fields.update(changes)
    return PlanData(**fields)  # type: ignore[arg-type]


def test_plan_sections_in_order(tmp_path: Path) -> None:
    texts = _flat(docx_paragraphs(render(build_plan(_plan()), tmp_path / "kh.docx")))
    assert "Số: 12/KH-UBND" in texts and "Lương Phong, ngày 05 tháng 01 năm 2026" in texts
    assert "Tổ chức Hội nghị đối thoại với Nhân dân năm 2026" in texts
    expected = [
        "KẾ HOẠCH",
        "Căn cứ Luật Thực hiện dân chủ ở cơ sở;",
        "Căn cứ Luật Tổ chức chính quyền địa phương.",
        "Ủy ban nhân dân xã Lương Phong xây dựng Kế hoạch tổ chức Hội nghị đối thoại với Nhân dân năm 2026 như sau:",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "Lắng nghe ý kiến của Nhân dân.",
        "2. Yêu cầu",
        "- Công khai, dân chủ.",
        "+ Đúng trọng tâm.",
        "II. ĐỐI TƯỢNG, THÀNH PHẦN",
        "III. NỘI DUNG ĐỐI THOẠI",
        "IV. HÌNH THỨC ĐỐI THOẠI",
        "V. THỜI GIAN, ĐỊA ĐIỂM",
        "VI. CÁC BƯỚC TIẾN HÀNH",
        "1. Khai mạc.",
        "2. Nghe ý kiến.",
        "3. Kết luận.",
        "VII. TỔ CHỨC THỰC HIỆN",
        "Giao nhiệm vụ cụ thể như sau:",
        "1. Văn phòng HĐND và UBND",
        "Chuẩn bị hội trường.",
        "2. Công an xã",
        "Bảo vệ./.",
        "Nơi nhận:",
    ]
    positions = [texts.index(t) for t in expected]
    assert positions == sorted(positions)
    assert "TM. ỦY BAN NHÂN DÂN" in texts and "Nguyễn Văn Luận" in texts


def test_plan_defaults_come_from_templates() -> None:
    defaults = plan_defaults(2026, "Ủy ban nhân dân xã Lương Phong")
    assert defaults["opening"] == (
        "Ủy ban nhân dân xã Lương Phong xây dựng Kế hoạch tổ chức Hội nghị đối thoại với Nhân dân năm 2026 như sau:"
    )
    assert defaults["bases"] and all(isinstance(line, str) for line in defaults["bases"])
    assert defaults["recipients"][-1] == "Lưu: VT."


def test_report_figures_and_tables(tmp_path: Path) -> None:
    from app.export.data import DocumentRef

    report = ReportData(sample_dialogue(), TODAY, DocumentRef(5, "TB-UBND", date(2026, 3, 12)))
    path = render(build_report(report, IssueData(9, TODAY)), tmp_path / "bc.docx")
    texts = _flat(docx_paragraphs(path))
    assert texts[_index(texts, "Thực hiện Thông báo số 05/TB-UBND ngày 12 tháng 3 năm 2026")].endswith(
        "như sau:"
    )
    order = [
        _index(texts, "I. CÔNG TÁC TỔ CHỨC HỘI NGHỊ"),
        _index(texts, "II. KẾT QUẢ GIẢI QUYẾT Ý KIẾN, KIẾN NGHỊ"),
        _index(texts, "Tính đến ngày 20 tháng 5 năm 2026"),
        _index(texts, "- Tổng số ý kiến, kiến nghị: 5;"),
        _index(texts, "- Đã trả lời tại hội nghị: 1;"),
        _index(texts, "- Đã giải quyết đúng hạn: 0;"),
        _index(texts, "- Đã giải quyết nhưng quá hạn: 1;"),
        _index(texts, "- Đang giải quyết, còn trong hạn: 0;"),
        _index(texts, "- Quá hạn, chưa giải quyết: 2;"),
        _index(texts, "- Đã chuyển cấp có thẩm quyền: 1."),
        _index(texts, "III. KHÓ KHĂN, VƯỚNG MẮC"),
        _index(texts, "IV. ĐỀ XUẤT, KIẾN NGHỊ"),
    ]
    assert order == sorted(order)
    assert texts[_index(texts, "Trên đây là báo cáo")].endswith("./.")
    tables = docx.Document(str(path)).tables
    by_field = [[c.text for c in row.cells] for row in tables[1].rows]
    assert by_field[1] == ["Đất đai", "1", "1", "0", "0", "0", "0", "0"]
    assert by_field[2] == ["Giao thông – thủy lợi", "2", "0", "0", "0", "0", "1", "1"]
    assert by_field[-1] == ["Tổng cộng", "5", "1", "0", "1", "0", "2", "1"]
    by_hamlet = [row.cells[0].text for row in tables[2].rows[1:]]
    assert by_hamlet == ["Thôn Đông", "Thôn Nam", "Thôn Tây", "Tổ dân phố 3", "Không rõ thôn", "Tổng cộng"]
    items = [[c.text for c in row.cells] for row in tables[3].rows[1:]]
    assert len(items) == 5
    assert items[3][5] == "Đã thu dọn, lắp biển cấm" and items[3][6] == "Đã giải quyết quá hạn"
    assert items[1][6] == "Quá hạn chưa giải quyết"


# --- the figures ---------------------------------------------------------------------------------


def test_statistics_add_up_by_field_and_hamlet() -> None:
    petitions = [*sample_petitions(), PetitionData("trùng", status=PetitionStatus.DUPLICATE)]
    stats = resolution_statistics((p.facts() for p in petitions), TODAY)
    overall = stats.overall
    assert overall.total == 5  # the duplicate is counted with its original
    parts = (
        overall.answered + overall.resolved + overall.in_progress + overall.overdue + overall.forwarded
        + overall.out_of_competence + overall.pending + overall.withdrawn
    )  # fmt: skip
    assert parts == overall.total
    assert [name for name, _ in stats.by_field] == [
        "Đất đai", "Giao thông – thủy lợi", "Môi trường", "Chính sách xã hội – người có công – hộ nghèo",
    ]  # fmt: skip
    assert sum(c.total for _, c in stats.by_field) == sum(c.total for _, c in stats.by_hamlet) == 5
    earlier = resolution_statistics((p.facts() for p in petitions), date(2026, 3, 10)).overall
    assert earlier.overdue == 0 and earlier.in_progress == 2


# --- wording templates ---------------------------------------------------------------------------


def test_user_template_overrides_the_default(tmp_path: Path) -> None:
    templates.save_template("tb_ket_thuc", "Đề nghị {ten_co_quan} và các đơn vị thực hiện nghiêm túc.")
    assert templates.is_customised("tb_ket_thuc")
    texts = _flat(
        docx_paragraphs(render(build_conclusion_notice(sample_dialogue(), ISSUE), tmp_path / "t.docx"))
    )
    assert "Đề nghị Ủy ban nhân dân xã Lương Phong và các đơn vị thực hiện nghiêm túc./." in texts
    templates.reset_template("tb_ket_thuc")
    assert not templates.is_customised("tb_ket_thuc")
    assert templates.load_template("tb_ket_thuc") == templates.default_template("tb_ket_thuc")


def test_unknown_placeholder_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    with pytest.raises(TemplateError) as caught:
        templates.save_template("tb_mo_dau", "Ngày {ngay_hop}, …")
    assert caught.value.placeholder == "ngay_hop"
    assert "{ngay_hop}" in caught.value.user_message
    assert not templates.user_path("tb_mo_dau").exists()
    # A copy edited by hand outside the program is caught at export time.
    templates.user_path("tb_mo_dau").parent.mkdir(parents=True, exist_ok=True)
    templates.user_path("tb_mo_dau").write_text("\ufeffNgày {ngay_hop}", encoding="utf-8")
    out = tmp_path / "tb.docx"
    with pytest.raises(TemplateError, match="ngay_hop"):
        render(build_conclusion_notice(sample_dialogue(), ISSUE), out)
    assert not out.exists()


@pytest.mark.parametrize(
    "bad", ["Thiếu ngoặc {ten_co_quan", "Định dạng {nam:>5}", "Chuyển {nam!r}", "Trống {}"]
)
def test_malformed_templates_are_refused(bad: str) -> None:
    with pytest.raises(TemplateError):
        templates.validate_template("tb_ket_thuc", bad)


def test_template_listing_and_literal_braces() -> None:
    listed = templates.list_templates()
    assert {t.key for t in listed} == set(templates.SPECS)
    assert all(t.text and not t.customised for t in listed)
    templates.save_template("bc_ket_thuc", "Kết thúc {{có ngoặc}} của {ten_co_quan}.")
    assert (
        templates.render_template("bc_ket_thuc", {"ten_co_quan": "xã A"}) == "Kết thúc {có ngoặc} của xã A."
    )
    with pytest.raises(TemplateError):
        templates.load_template("khong_co")


def test_phrases() -> None:
    assert body_name_in_text("ỦY BAN NHÂN DÂN\nXÃ LƯƠNG PHONG") == "Ủy ban nhân dân xã Lương Phong"
    assert body_name_in_text("HỘI ĐỒNG NHÂN DÂN THÀNH PHỐ BẮC KẠN") == "Hội đồng nhân dân thành phố Bắc Kạn"
    assert body_name_in_text("ĐẢNG ỦY XÃ LƯƠNG PHONG") == "Đảng ủy xã Lương Phong"
    assert body_name_in_text("Ủy ban nhân dân phường Đông") == "Ủy ban nhân dân phường Đông"
    assert hamlet_phrase("Đông") == "thôn Đông" and hamlet_phrase("Thôn Tây") == "thôn Tây"
    assert hamlet_phrase("Tổ dân phố 3") == "tổ dân phố 3"


# --- the export service --------------------------------------------------------------------------


def _seed_db(db: Database) -> tuple[int, int]:
    """One commune with a plan and a held dialogue, rows made with the models."""
    with db.transaction() as s:
        org = Organization(
            name="ỦY BAN NHÂN DÂN\nXÃ LƯƠNG PHONG", place_name="Lương Phong", issuer_code="UBND",
            signing_authority="TM. ỦY BAN NHÂN DÂN", signer_title="Chủ tịch", signer_name="Nguyễn Văn Luận",
        )  # fmt: skip
        s.add(org)
        s.flush()
        units = {
            name: Unit(name=name) for name in ("Công chức Địa chính – Xây dựng", "Công an xã", "Văn phòng")
        }
        hamlets = {name: Hamlet(name=name) for name in ("Thôn Đông", "Thôn Tây")}
        fields = {
            name: Field(name=name, position=i) for i, name in enumerate(("Đất đai", "Giao thông – thủy lợi"))
        }
        s.add_all([*units.values(), *hamlets.values(), *fields.values()])
        chair = Leader(full_name="Nguyễn Văn Luận", title="Chủ tịch UBND xã", organization_id=org.id)
        vice = Leader(full_name="Trần Thị Bình", title="Phó Chủ tịch UBND xã", organization_id=org.id)
        s.add_all([chair, vice])
        plan = Plan(
            organization_id=org.id, year=2026, symbol="KH-UBND", title="Tổ chức Hội nghị đối thoại năm 2026",
            issued_on=date(2026, 1, 5), purposes=["Lắng nghe Nhân dân."], steps=["Khai mạc."],
            tasks=[{"unit": "Văn phòng", "tasks": ["Chuẩn bị."]}], recipients=["Lưu: VT."],
        )  # fmt: skip
        s.add(plan)
        s.flush()
        dialogue = Dialogue(
            plan_id=plan.id, organization_id=org.id, title="Hội nghị đối thoại với Nhân dân năm 2026",
            scheduled_at=MEETING, started_at=MEETING, ended_at=MEETING + timedelta(hours=3), place="Hội trường xã",
            chair=chair, co_chairs=[vice], secretary_name="Đỗ Thị Hà", citizens_count=80, leaders_count=4,
            assessment="Hội nghị thành công.",
        )  # fmt: skip
        s.add(dialogue)
        s.flush()
        p1 = Petition(
            dialogue_id=dialogue.id, position=1, petitioner_name="Lê Văn Cường", petitioner_phone="0912345678",
            hamlet=hamlets["Thôn Đông"], field=fields["Giao thông – thủy lợi"], content="Sửa đường liên thôn",
            status=PetitionStatus.IN_PROGRESS, raised_at_meeting=True,
        )  # fmt: skip
        p1.answers.append(Answer(leader=vice, content="Xã sẽ khảo sát."))
        p1.assignments.append(
            Assignment(lead_unit=units["Công chức Địa chính – Xây dựng"], supporting_units=[units["Công an xã"]],
                       task="khảo sát, sửa chữa", deadline=date(2026, 4, 15))
        )  # fmt: skip
        p2 = Petition(
            dialogue_id=dialogue.id, position=2, petitioner_name="Phạm Thị Dung", hamlet=hamlets["Thôn Tây"],
            field=fields["Đất đai"], content="Cấp giấy chứng nhận", status=PetitionStatus.RESOLVED,
        )  # fmt: skip
        p2.assignments.append(Assignment(lead_unit=units["Văn phòng"], deadline=date(2026, 3, 30)))
        p2.updates.append(
            ResolutionUpdate(on=date(2026, 3, 20), result="Đã cấp.", status_after=PetitionStatus.RESOLVED)
        )
        deleted = Petition(
            dialogue_id=dialogue.id, position=3, content="Đã xóa", deleted_at=datetime(2026, 3, 6)
        )
        s.add_all([p1, p2, deleted])
        s.flush()
        s.add_all(
            [
                MinuteEntry(dialogue_id=dialogue.id, position=1, at=MEETING, kind=MinuteKind.OPENING,
                            speaker="Trần Thị Bình", content="Khai mạc hội nghị"),
                MinuteEntry(dialogue_id=dialogue.id, position=2, at=MEETING + timedelta(minutes=20),
                            kind=MinuteKind.SPEECH, speaker="Lê Văn Cường", content="Sửa đường", petition_id=p1.id),
                MinuteEntry(dialogue_id=dialogue.id, position=3, at=MEETING + timedelta(minutes=25),
                            kind=MinuteKind.NOTE, content="Dòng đã xóa", deleted_at=datetime(2026, 3, 5, 9)),
                Conclusion(dialogue_id=dialogue.id, position=1, content="Các ngành khẩn trương thực hiện"),
            ]
        )  # fmt: skip
        return plan.id, dialogue.id


def test_export_every_kind_from_the_database(db: Database, tmp_path: Path) -> None:
    plan_id, dialogue_id = _seed_db(db)
    out = tmp_path / "out"
    out.mkdir()
    for kind in DocumentKind:
        ident = plan_id if kind is DocumentKind.PLAN else dialogue_id
        with db.reading() as session:
            name = suggested_file_name(session, kind, ident)
        path = export_document(db, kind, ident, out / name, today=TODAY)
        assert path.exists() and path.stat().st_size > 5000
    assert sorted(p.name for p in out.iterdir()) == [
        "BB-bien-ban-2026-03-05.docx",
        "BC-ket-qua-giai-quyet-2026-03-05.docx",
        "GM-giay-moi-2026-03-05.docx",
        "KH-ke-hoach-2026-01-05.docx",
        "TB-ket-luan-2026-03-05.docx",
        "TB-to-chuc-hoi-nghi-2026-03-05.docx",
    ]
    tb = _flat(docx_paragraphs(out / "TB-ket-luan-2026-03-05.docx"))
    assert "1. Lĩnh vực đất đai" in tb and "2. Lĩnh vực giao thông – thủy lợi" in tb
    assert any(
        t.startswith(
            "2. Giao Công chức Địa chính – Xây dựng chủ trì, phối hợp với Công an xã khảo sát, sửa chữa"
        )
        and "trước ngày 15 tháng 4 năm 2026" in t
        for t in tb
    )
    assert _index(tb, "Trả lời tại hội nghị: Đồng chí Trần Thị Bình, Phó Chủ tịch UBND xã: Xã sẽ khảo sát.")
    assert not any("Đã xóa" in t for t in tb)
    bb = _flat(docx_paragraphs(out / "BB-bien-ban-2026-03-05.docx"))
    assert _index(bb, "08 giờ 20 – Ông Lê Văn Cường (thôn Đông, lĩnh vực giao thông – thủy lợi) phát biểu")
    assert not any("Dòng đã xóa" in t for t in bb)
    assert "Số: /KH-UBND" in _flat(docx_paragraphs(out / "KH-ke-hoach-2026-01-05.docx"))


def test_numbers_are_recorded_and_unique(db: Database, tmp_path: Path) -> None:
    plan_id, dialogue_id = _seed_db(db)
    tb = export_document(db, "tb", dialogue_id, tmp_path / "tb.docx", number=5, issued_on=date(2026, 3, 12))
    assert "Số: 05/TB-UBND" in docx_paragraphs(tb)
    # The same document again (corrected, or its public version) keeps its số.
    export_document(
        db, "tb", dialogue_id, tmp_path / "tb-ck.docx", number=5, issued_on=date(2026, 3, 12), public=True
    )
    with db.reading() as session:
        rows = session.scalars(select(IssuedDocument)).all()
        assert [(r.kind, r.number, r.year, r.symbol, r.dialogue_id) for r in rows] == [
            (DocumentKind.CONCLUSION_NOTICE, 5, 2026, "TB-UBND", dialogue_id)
        ]
    # Another Thông báo of the same body and year may not take it.
    out = tmp_path / "tbtc.docx"
    with pytest.raises(DuplicateNumberError) as caught:
        export_document(db, "tbtc", dialogue_id, out, number=5, issued_on=date(2026, 2, 20))
    assert "Số 05/TB-UBND năm 2026" in caught.value.user_message
    assert not out.exists()
    # The Báo cáo cites the Thông báo by its number and date.
    bc = _flat(docx_paragraphs(export_document(db, "bc", dialogue_id, tmp_path / "bc.docx", today=TODAY)))
    assert _index(bc, "Thực hiện Thông báo số 05/TB-UBND ngày 12 tháng 3 năm 2026")
    # A plan's number is recorded with its export (the plan row is not changed) and printed again.
    export_document(db, DocumentKind.PLAN, plan_id, tmp_path / "kh.docx", number=3)
    with db.reading() as session:
        issued = session.scalars(select(IssuedDocument).where(IssuedDocument.plan_id == plan_id)).one()
        assert issued.number == 3
    assert "Số: 03/KH-UBND" in docx_paragraphs(tmp_path / "kh.docx")
    export_document(db, DocumentKind.PLAN, plan_id, tmp_path / "kh-again.docx")
    assert "Số: 03/KH-UBND" in docx_paragraphs(tmp_path / "kh-again.docx")


def test_broken_template_rolls_back_the_number(db: Database, tmp_path: Path) -> None:
    _plan_id, dialogue_id = _seed_db(db)
    path = templates.user_path("tb_cong_khai")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("Niêm yết tại {noi_niem_yet}.", encoding="utf-8")
    out = tmp_path / "tb.docx"
    with pytest.raises(TemplateError):
        export_document(db, "tb", dialogue_id, out, number=7)
    assert not out.exists()
    with db.reading() as session:
        assert session.scalars(select(IssuedDocument)).all() == []


def test_export_errors(db: Database, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        export_document(db, "tb", 999, tmp_path / "x.docx")
    with pytest.raises(NotFoundError):
        export_document(db, "kh", 999, tmp_path / "x.docx")
    assert not (tmp_path / "x.docx").exists()
    assert (
        default_file_name(DocumentKind.CONCLUSION_NOTICE, date(2026, 3, 5)) == "TB-ket-luan-2026-03-05.docx"
    )
    assert (
        default_file_name("bc", date(2026, 3, 5), public=True)
        == "BC-ket-qua-giai-quyet-2026-03-05-cong-khai.docx"
    )


def test_signer_override(db: Database, tmp_path: Path) -> None:
    _plan_id, dialogue_id = _seed_db(db)
    signer = SignerData("PHÓ CHỦ TỊCH", "Trần Thị Bình", "KT. CHỦ TỊCH")
    texts = docx_paragraphs(export_document(db, "tb", dialogue_id, tmp_path / "tb.docx", signer=signer))
    start = texts.index("KT. CHỦ TỊCH")
    assert texts[start : start + 3] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Thị Bình"]


def test_statistics_service_matches_the_document(db: Database) -> None:
    _plan_id, dialogue_id = _seed_db(db)
    with db.reading() as session:
        stats = stats_service.dialogue_statistics(session, dialogue_id, today=TODAY)
        period = stats_service.period_statistics(session, date(2026, 3, 1), date(2026, 3, 31), today=TODAY)
        empty = stats_service.period_statistics(session, date(2025, 1, 1), date(2025, 12, 31), today=TODAY)
    assert stats.overall.total == 2  # the deleted petition is not counted
    assert stats.overall.overdue == 1 and stats.overall.resolved_on_time == 1
    assert period.overall == stats.overall
    assert empty.overall.total == 0
    with db.reading() as session, pytest.raises(NotFoundError):
        stats_service.dialogue_statistics(session, 999)


def test_demo_data_exports(demo_db: Database, tmp_path: Path) -> None:
    with demo_db.reading() as session:
        plan_ids = session.scalars(select(Plan.id)).all()
        dialogues = session.execute(select(Dialogue.id, Dialogue.state, Dialogue.started_at)).all()
    for plan_id in plan_ids:
        export_document(demo_db, "kh", plan_id, tmp_path / f"kh{plan_id}.docx")
    held = 0
    for dialogue_id, state, started_at in dialogues:
        for kind in ("gm", "tbtc"):
            export_document(demo_db, kind, dialogue_id, tmp_path / f"{kind}{dialogue_id}.docx")
        if state is DialogueState.PLANNED and started_at is None:
            # Not held: no Thông báo kết luận, Biên bản or Báo cáo, only the form to fill by hand.
            for kind in ("bb", "tb", "bc"):
                with pytest.raises(DialogueNotHeldError) as caught:
                    export_document(demo_db, kind, dialogue_id, tmp_path / "refused.docx")
                assert "chưa được tổ chức" in caught.value.user_message
            export_document(demo_db, "bb", dialogue_id, tmp_path / f"bb{dialogue_id}.docx", handwritten=True)
            continue
        held += 1
        for kind in ("bb", "tb", "bc"):
            # A seed dialogue of earlier years was closed with nothing recorded: refused, and said so.
            with contextlib.suppress(DialogueNotHeldError):
                export_document(
                    demo_db, kind, dialogue_id, tmp_path / f"{kind}{dialogue_id}.docx", public=kind == "tb"
                )
    assert held and not (tmp_path / "refused.docx").exists()


def test_chair_signs_when_the_body_names_no_signer(tmp_path: Path) -> None:
    from dataclasses import replace

    org = replace(ORG, signer_name="", signer_title="")
    path = render(
        build_conclusion_notice(sample_dialogue(org=org), ISSUE, appendix=False), tmp_path / "tb.docx"
    )
    texts = docx_paragraphs(path)
    start = texts.index("TM. ỦY BAN NHÂN DÂN")
    assert texts[start : start + 3] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH UBND XÃ", "Nguyễn Văn Luận"]
