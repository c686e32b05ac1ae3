"""The layout module against Nghị định 30/2020 Phụ lục I: read the .docx back and check each rule."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.shared import Mm

from app.export.blocks import (
    Align,
    Bases,
    Bullet,
    Closing,
    Column,
    DocumentBlocks,
    Header,
    HeaderStyle,
    Item,
    LandscapeSection,
    Paragraph,
    Recipients,
    Section,
    SignatureBlock,
    Signer,
    Span,
    SubItem,
    Table,
    Title,
)
from app.export.errors import ExportError
from app.export.layout import (
    FIRST_LINE_INDENT,
    balance_lines,
    render,
    split_body_name,
    text_width,
    twips,
    with_end_mark,
)
from tests.app.doc_samples import W, docx_paragraphs, paragraph_text

FONT = "Times New Roman"
SLOTS = ("ascii", "hAnsi", "cs", "eastAsia")


def _blocks(header: Header | None = None) -> list:
    return [
        header
        or Header(
            issuer="ỦY BAN NHÂN DÂN\nXÃ LƯƠNG PHONG",
            symbol="TB-UBND",
            place="Lương Phong",
            number=5,
            issued_on=date(2026, 3, 5),
            parent="ỦY BAN NHÂN DÂN TỈNH BẮC NINH",
        ),
        Title(
            "Thông báo",
            "Kết luận của Chủ tịch Ủy ban nhân dân xã tại Hội nghị đối thoại với nhân dân năm 2026",
        ),
        Bases(["Căn cứ Luật Tổ chức chính quyền địa phương.", "- Căn cứ Kế hoạch số 12/KH-UBND;"]),
        Paragraph("Ngày 05 tháng 3 năm 2026, Ủy ban nhân dân xã tổ chức hội nghị với nhân dân như sau:"),
        Section(1, "Đánh giá chung"),
        Paragraph("Hội nghị diễn ra nghiêm túc."),
        Section(2, "Ý kiến của Nhân dân"),
        Item(1, "Lĩnh vực đất đai", heading=True),
        *[SubItem(i, [Span(f"Người {i}", bold=True), Span(" kiến nghị.")]) for i in range(6)],
        Bullet("Trả lời tại hội nghị."),
        Bullet("Chi tiết.", level=2),
        Paragraph("Câu cuối cùng của thân văn bản."),
        Closing(),
        SignatureBlock(
            Signer("CHỦ TỊCH", "Nguyễn Văn Luận", "TM. ỦY BAN NHÂN DÂN"),
            Recipients(["- Thường trực Đảng ủy;", "UBND tỉnh.", "Lưu: VT, VP"]),
        ),
    ]


def _render(tmp_path: Path, blocks: list, name: str = "t.docx") -> Path:
    return render(DocumentBlocks("Thử", blocks, "Ủy ban nhân dân xã Lương Phong"), tmp_path / name)


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return _render(tmp_path, _blocks())


def _close(length: int | None, mm: float) -> bool:
    """A python-docx length within 0.1 mm of ``mm``."""
    assert length is not None
    return abs(length - Mm(mm)) < Mm(0.1)


def _runs(paragraph) -> list:
    return paragraph.findall(f"{W}r")


def _size(run) -> float:
    sz = run.find(f"{W}rPr/{W}sz")
    return int(sz.get(f"{W}val")) / 2


def _flag(run, tag: str) -> bool:
    return run.find(f"{W}rPr/{W}{tag}") is not None


def _paragraph(document, starts: str):
    for p in document.element.body.iter(f"{W}p"):
        if paragraph_text(p).startswith(starts):
            return p
    raise AssertionError(f"no paragraph starting with {starts!r}")


def _text_runs(document):
    for p in document.element.body.iter(f"{W}p"):
        for r in _runs(p):
            if r.find(f"{W}t") is not None:
                yield p, r


# --- page ---------------------------------------------------------------------------------------


def test_page_is_a4_portrait_with_the_decree_margins(sample: Path) -> None:
    section = docx.Document(str(sample)).sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert _close(section.page_width, 210)
    assert _close(section.page_height, 297)
    assert _close(section.top_margin, 20)
    assert _close(section.bottom_margin, 20)
    assert _close(section.left_margin, 30)
    assert _close(section.right_margin, 15)


def test_times_new_roman_in_all_four_slots_on_styles_and_runs(sample: Path) -> None:
    document = docx.Document(str(sample))
    styles = document.styles.element
    default_fonts = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert all(default_fonts.get(f"{W}{slot}") == FONT for slot in SLOTS)
    normal = document.styles["Normal"].element.find(f"{W}rPr/{W}rFonts")
    assert all(normal.get(f"{W}{slot}") == FONT for slot in SLOTS)
    assert document.styles["Normal"].font.size.pt == 14
    for style in styles.findall(f"{W}style"):
        fonts = style.find(f"{W}rPr/{W}rFonts")
        assert fonts is not None, style.get(f"{W}styleId")
        assert all(fonts.get(f"{W}{slot}") == FONT for slot in SLOTS)
    # Theme fonts would win over the explicit ones in Word.
    assert not any(
        "Theme" in attr or attr.endswith("cstheme") for el in styles.iter(f"{W}rFonts") for attr in el.attrib
    )
    count = 0
    for _p, run in _text_runs(document):
        fonts = run.find(f"{W}rPr/{W}rFonts")
        assert fonts is not None and all(fonts.get(f"{W}{slot}") == FONT for slot in SLOTS)
        count += 1
    assert count > 20
    header_runs = document.sections[0].header._element.iter(f"{W}r")
    assert all(r.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == FONT for r in header_runs)


def test_page_number_in_the_header_from_page_two(sample: Path) -> None:
    section = docx.Document(str(sample)).sections[0]
    assert section.different_first_page_header_footer is True
    header = section.header._element
    instructions = [t.text for t in header.iter(f"{W}instrText")]
    assert [i.strip() for i in instructions] == ["PAGE"]
    p = header.find(f"{W}p")
    assert p.find(f"{W}pPr/{W}jc").get(f"{W}val") == "center"
    assert {_size(r) for r in p.findall(f"{W}r")} == {14}
    first = section.first_page_header
    assert not first.is_linked_to_previous
    assert not list(first._element.iter(f"{W}instrText"))


# --- header -------------------------------------------------------------------------------------


def test_header_is_a_borderless_two_column_table(sample: Path) -> None:
    document = docx.Document(str(sample))
    table = document.tables[0]
    assert len(table.columns) == 2
    borders = table._tbl.find(f"{W}tblPr/{W}tblBorders")
    assert {b.get(f"{W}val") for b in borders} == {"nil"}
    left = [paragraph_text(p) for p in table._tbl.findall(f"{W}tr")[0].findall(f"{W}tc")[0].iter(f"{W}p")]
    assert left[:4] == ["ỦY BAN NHÂN DÂN", "TỈNH BẮC NINH", "ỦY BAN NHÂN DÂN", "XÃ LƯƠNG PHONG"]
    right = [paragraph_text(p) for p in table._tbl.findall(f"{W}tr")[0].findall(f"{W}tc")[1].iter(f"{W}p")]
    assert right[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    # Nothing looks like a line typed with underscores.
    assert not any("__" in text for text in docx_paragraphs(sample))


@pytest.mark.parametrize(
    ("starts", "size", "bold", "italic"),
    [
        ("ỦY BAN NHÂN DÂN", 13, False, False),  # cơ quan chủ quản (first line)
        ("XÃ LƯƠNG PHONG", 13, True, False),
        ("Số: 05/TB-UBND", 13, False, False),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, True, False),
        ("Độc lập - Tự do - Hạnh phúc", 13, True, False),
        ("Lương Phong, ngày 05 tháng 3 năm 2026", 14, False, True),
        ("THÔNG BÁO", 14, True, False),
        ("Kết luận của Chủ tịch", 14, True, False),
    ],
)
def test_header_and_title_sizes_and_emphasis(
    sample: Path, starts: str, size: float, bold: bool, italic: bool
) -> None:
    document = docx.Document(str(sample))
    p = _paragraph(document, starts)
    runs = [r for r in _runs(p) if r.find(f"{W}t") is not None]
    assert runs
    for run in runs:
        assert _size(run) == size
        assert _flag(run, "b") is bold
        assert _flag(run, "i") is italic


def test_solid_lines_under_issuer_motto_and_summary(sample: Path) -> None:
    document = docx.Document(str(sample))
    bordered = [
        p for p in document.element.body.iter(f"{W}p") if p.find(f"{W}pPr/{W}pBdr/{W}bottom") is not None
    ]
    assert len(bordered) == 3  # under the issuer, under the tiêu ngữ, under the trích yếu
    for p in bordered:
        assert paragraph_text(p) == ""
        assert p.find(f"{W}pPr/{W}pBdr/{W}bottom").get(f"{W}val") == "single"
    # The line under the tiêu ngữ is about as long as the tiêu ngữ itself.
    motto_line = bordered[1]
    ind = motto_line.find(f"{W}pPr/{W}ind")
    cell_width = int(motto_line.getparent().find(f"{W}tcPr/{W}tcW").get(f"{W}w")) - 2 * 57
    line_width = cell_width - int(ind.get(f"{W}left")) - int(ind.get(f"{W}right"))
    motto = text_width("Độc lập - Tự do - Hạnh phúc", 13, bold=True)
    assert abs(line_width - motto) <= 2
    # The line under the issuer is between 1/3 and 1/2 of the name.
    issuer_line = bordered[0]
    ind = issuer_line.find(f"{W}pPr/{W}ind")
    cell_width = int(issuer_line.getparent().find(f"{W}tcPr/{W}tcW").get(f"{W}w")) - 2 * 57
    line_width = cell_width - int(ind.get(f"{W}left")) - int(ind.get(f"{W}right"))
    name = text_width("ỦY BAN NHÂN DÂN", 13, bold=True)
    assert name / 3 - 20 <= line_width <= name / 2 + 20


def test_number_gap_before_the_van_thu_numbers_it(tmp_path: Path) -> None:
    header = Header("ỦY BAN NHÂN DÂN\nXÃ LƯƠNG PHONG", "TB-UBND", "Lương Phong", None, None, 2026)
    texts = docx_paragraphs(_render(tmp_path, [header, Paragraph("x")]))
    assert "Số:      /TB-UBND" in texts
    assert "Lương Phong, ngày    tháng    năm 2026" in texts


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
        (date(2024, 3, 18), "ngày 18 tháng 3 năm 2024"),
        (date(2025, 2, 9), "ngày 09 tháng 02 năm 2025"),
        (date(2025, 12, 25), "ngày 25 tháng 12 năm 2025"),
    ],
)
def test_date_line_follows_the_decree(tmp_path: Path, day: date, expected: str) -> None:
    header = Header("ỦY BAN NHÂN DÂN XÃ LƯƠNG PHONG", "TB-UBND", "Lương Phong", 1, day)
    texts = docx_paragraphs(_render(tmp_path, [header]))
    assert f"Lương Phong, {expected}" in texts
    assert "Số: 01/TB-UBND" in texts
    # A one-line name is set on the two lines of the decree's samples.
    assert "ỦY BAN NHÂN DÂN" in texts and "XÃ LƯƠNG PHONG" in texts


def test_minutes_header_has_no_date(tmp_path: Path) -> None:
    header = Header(
        "ỦY BAN NHÂN DÂN\nXÃ LƯƠNG PHONG", "BB-UBND", "Lương Phong", None, date(2026, 3, 5), show_date=False
    )
    document = docx.Document(str(_render(tmp_path, [header])))
    text = "\n".join(paragraph_text(p) for p in document.tables[0]._tbl.iter(f"{W}p"))
    assert "ngày" not in text and "Lương Phong," not in text
    assert "Số:      /BB-UBND" in text


def test_party_header_style(tmp_path: Path) -> None:
    header = Header(
        "ĐẢNG ỦY XÃ LƯƠNG PHONG", "TB/ĐU", "Lương Phong", 5, date(2026, 3, 5),
        parent="Đảng bộ tỉnh Bắc Ninh", style=HeaderStyle.PARTY,
    )  # fmt: skip
    document = docx.Document(str(_render(tmp_path, [header])))
    texts = [paragraph_text(p) for p in document.tables[0]._tbl.iter(f"{W}p")]
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in texts
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in texts
    assert "Độc lập - Tự do - Hạnh phúc" not in texts
    assert "Số 05-TB/ĐU" in texts
    assert "ĐẢNG BỘ TỈNH BẮC NINH" in texts and "ĐẢNG ỦY XÃ LƯƠNG PHONG" in texts
    assert "Lương Phong, ngày 05 tháng 3 năm 2026" in texts
    party = _paragraph(document, "ĐẢNG CỘNG SẢN VIỆT NAM")
    assert all(_flag(r, "b") for r in _runs(party))


# --- body ---------------------------------------------------------------------------------------


def test_bases_are_italic_one_per_line_with_the_decree_punctuation(sample: Path) -> None:
    document = docx.Document(str(sample))
    texts = docx_paragraphs(sample)
    assert "Căn cứ Luật Tổ chức chính quyền địa phương;" in texts
    assert "Căn cứ Kế hoạch số 12/KH-UBND." in texts
    for starts in ("Căn cứ Luật", "Căn cứ Kế hoạch"):
        assert all(_flag(r, "i") for r in _runs(_paragraph(document, starts)))


def test_body_paragraph_format(sample: Path) -> None:
    document = docx.Document(str(sample))
    p = _paragraph(document, "Hội nghị diễn ra")
    ppr = p.find(f"{W}pPr")
    assert ppr.find(f"{W}jc").get(f"{W}val") == "both"
    first_line = int(ppr.find(f"{W}ind").get(f"{W}firstLine"))
    assert first_line == FIRST_LINE_INDENT and twips(10) <= first_line <= twips(12.7) + 1
    spacing = ppr.find(f"{W}spacing")
    assert int(spacing.get(f"{W}after")) >= 120  # ≥ 6 pt between paragraphs
    assert spacing.get(f"{W}lineRule") == "auto" and 240 <= int(spacing.get(f"{W}line")) <= 360
    assert all(_size(r) == 14 for r in _runs(p))


def test_sections_items_and_sub_items(sample: Path) -> None:
    document = docx.Document(str(sample))
    texts = docx_paragraphs(sample)
    # A heading's last two words hold together: no word alone on the last line.
    assert "I. ĐÁNH GIÁ\u00a0CHUNG" in texts and "II. Ý KIẾN CỦA NHÂN\u00a0DÂN" in texts
    texts = [" ".join(t.split()) for t in texts]
    assert all(_flag(r, "b") for r in _runs(_paragraph(document, "II. Ý KIẾN")))
    assert "1. Lĩnh vực đất đai" in texts
    labels = [t.split()[0] for t in texts if t.startswith(tuple("abcdđe")) and ")" in t.split()[0]]
    assert labels == ["a)", "b)", "c)", "d)", "đ)", "e)"]
    assert "- Trả lời tại hội nghị." in texts and "+ Chi tiết." in texts
    sub = _paragraph(document, "a) Người 0")
    assert [(_flag(r, "b"), paragraph_text(r)) for r in _runs(sub)][1] == (True, "Người 0")


def test_nhan_dan_is_capitalised_in_body_but_not_in_body_names(sample: Path) -> None:
    text = "\n".join(docx_paragraphs(sample))
    assert "hội nghị với Nhân dân như sau:" in text
    assert "Ủy ban nhân dân xã tổ chức" in text
    assert "Hội nghị đối thoại với Nhân dân năm 2026" in text


def test_body_ends_with_the_end_mark(sample: Path) -> None:
    texts = docx_paragraphs(sample)
    assert "Câu cuối cùng của thân văn bản./." in texts
    assert sum(t.endswith("./.") for t in texts) == 1
    assert with_end_mark("phục vụ hội nghị./.") == "phục vụ hội nghị./."
    assert with_end_mark("thực hiện;") == "thực hiện./."


def test_signature_and_recipients(sample: Path) -> None:
    document = docx.Document(str(sample))
    table = document.tables[-1]
    assert len(table.columns) == 2
    assert {b.get(f"{W}val") for b in table._tbl.find(f"{W}tblPr/{W}tblBorders")} == {"nil"}
    left, right = table._tbl.find(f"{W}tr").findall(f"{W}tc")
    left_texts = [paragraph_text(p) for p in left.iter(f"{W}p")]
    assert left_texts == ["Nơi nhận:", "- Thường trực Đảng ủy;", "- UBND tỉnh;", "- Lưu: VT, VP."]
    heading = left.find(f"{W}p")
    assert all(_size(r) == 12 and _flag(r, "b") and _flag(r, "i") for r in _runs(heading))
    assert all(_size(r) == 11 for p in list(left.iter(f"{W}p"))[1:] for r in _runs(p))
    right_texts = [paragraph_text(p) for p in right.iter(f"{W}p")]
    assert right_texts == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn Luận"]
    for p in right.iter(f"{W}p"):
        assert all(_size(r) == 14 and _flag(r, "b") for r in _runs(p))
    # Space for signature and seal above the name; Nơi nhận level with the chức vụ (both first).
    name_spacing = int(list(right.iter(f"{W}p"))[-1].find(f"{W}pPr/{W}spacing").get(f"{W}before"))
    assert name_spacing >= 1200
    # The body's last paragraph stays on the signature's page.
    last = _paragraph(document, "Câu cuối cùng")
    assert last.find(f"{W}pPr/{W}keepNext") is not None


def test_minutes_signatures_secretary_left_chair_right(tmp_path: Path) -> None:
    block = SignatureBlock(
        Signer("CHỦ TỌA", "Nguyễn Văn Luận"), Recipients(["Lưu: VT, Hồ sơ"]), Signer("THƯ KÝ", "Đỗ Thị Hà")
    )
    document = docx.Document(str(_render(tmp_path, [Paragraph("x"), Closing(), block])))
    left, right = document.tables[-1]._tbl.find(f"{W}tr").findall(f"{W}tc")
    assert [paragraph_text(p) for p in left.iter(f"{W}p")] == [
        "THƯ KÝ",
        "Đỗ Thị Hà",
        "Nơi nhận:",
        "- Lưu: VT, Hồ sơ.",
    ]
    assert [paragraph_text(p) for p in right.iter(f"{W}p")] == ["CHỦ TỌA", "Nguyễn Văn Luận"]


def test_recipients_always_end_with_luu(tmp_path: Path) -> None:
    block = SignatureBlock(Signer("CHỦ TỊCH", "A"), Recipients(["Như trên"]))
    texts = docx_paragraphs(_render(tmp_path, [block]))
    start = texts.index("Nơi nhận:")
    assert texts[start : start + 3] == ["Nơi nhận:", "- Như trên;", "- Lưu: VT."]


# --- tables and sections ------------------------------------------------------------------------


def test_landscape_appendix_with_bordered_table(tmp_path: Path) -> None:
    rows = [[str(i), f"Nội dung {i}", "x"] for i in range(1, 51)]
    blocks = [
        *_blocks(),
        LandscapeSection(),
        Title("Phụ lục", "Tổng hợp", note="(Kèm theo Thông báo số 05/TB-UBND)"),
        Table([Column("STT", 12, Align.CENTER), Column("Nội dung", 100), Column("Ghi chú", 30)], rows),
    ]
    document = docx.Document(str(_render(tmp_path, blocks)))
    first, appendix = document.sections
    assert first.orientation == WD_ORIENT.PORTRAIT and first.different_first_page_header_footer
    assert appendix.orientation == WD_ORIENT.LANDSCAPE
    assert _close(appendix.page_width, 297) and _close(appendix.page_height, 210)
    # The appendix continues the numbering and shows it on its first page.
    assert appendix.header.is_linked_to_previous and not appendix.different_first_page_header_footer
    assert list(first.header._element.iter(f"{W}instrText"))
    table = next(t for t in document.tables if len(t.columns) == 3)
    assert len(table.rows) == 51
    assert {b.get(f"{W}val") for b in table._tbl.find(f"{W}tblPr/{W}tblBorders")} == {"single"}
    assert table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    assert [c.text for c in table.rows[0].cells] == ["STT", "Nội dung", "Ghi chú"]
    assert [c.text for c in table.rows[50].cells] == ["50", "Nội dung 50", "x"]
    # Column widths fill the landscape text width (297 − 30 − 15 mm).
    widths = [int(g.get(f"{W}w")) for g in table._tbl.find(f"{W}tblGrid")]
    assert abs(sum(widths) - twips(252)) <= 2


# --- robustness ---------------------------------------------------------------------------------


def test_control_characters_never_crash(tmp_path: Path) -> None:
    nasty = "A\x00B\x0bC\x1fD\ud800E\x0cF\ufffe"
    blocks = [
        Header(nasty, "TB-UBND", nasty, 1, date(2026, 1, 1)),
        Title(nasty, nasty),
        Bases([nasty]),
        Paragraph(nasty),
        Item(1, nasty),
        SubItem(0, [Span(nasty, bold=True)]),
        Bullet(nasty),
        Table([Column(nasty, 10), Column("b", 10)], [[nasty, nasty]]),
        Closing(),
        SignatureBlock(Signer(nasty, nasty, nasty), Recipients([nasty])),
    ]
    path = _render(tmp_path, blocks)
    xml = docx.Document(str(path)).element.xml
    for bad in ("\x00", "\x0b", "\x1f", "\x0c"):
        assert bad not in xml
    texts = docx_paragraphs(path)
    # The vertical tab of a copy-paste splits a body paragraph rather than vanishing.
    assert "A B" in texts and any(t.startswith("C") for t in texts)


def test_write_is_atomic(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    path = _render(out, _blocks())
    path = _render(out, _blocks())  # replacing an existing file
    assert sorted(p.name for p in out.iterdir()) == ["t.docx"]
    with pytest.raises(ExportError) as caught:
        render(DocumentBlocks("x", _blocks()), tmp_path / "missing" / "t.docx")
    assert "Không ghi được" in caught.value.user_message
    assert not (tmp_path / "missing").exists()
    assert path.stat().st_size > 0


def test_long_content_flows_as_separate_paragraphs(tmp_path: Path) -> None:
    blocks = [*_blocks()[:4], *[Paragraph(f"Đoạn {i} " + "nội dung " * 60) for i in range(200)], Closing()]
    texts = docx_paragraphs(_render(tmp_path, blocks))
    assert sum(t.startswith("Đoạn ") for t in texts) == 200
    document = docx.Document(str(tmp_path / "t.docx"))
    # Nothing keeps the whole body together: only headings keep with the next paragraph.
    keeps = [p for p in document.element.body.iter(f"{W}p") if p.find(f"{W}pPr/{W}keepNext") is not None]
    assert len(keeps) < 10


def test_text_helpers() -> None:
    assert text_width("Độc lập", 13, bold=True) == text_width("Doc lap", 13, bold=True)
    assert split_body_name("ỦY BAN NHÂN DÂN XÃ LƯƠNG PHONG", 13, bold=True, width=twips(63)) == [
        "ỦY BAN NHÂN DÂN",
        "XÃ LƯƠNG PHONG",
    ]
    lines = balance_lines(
        "Kết luận của Chủ tịch Ủy ban nhân dân xã tại Hội nghị đối thoại với Nhân dân năm 2026",
        14,
        bold=True,
        width=twips(150),
    )
    assert lines == [
        "Kết luận của Chủ tịch Ủy ban nhân dân xã",
        "tại Hội nghị đối thoại với Nhân dân năm 2026",
    ]
    assert balance_lines("Ngắn", 14, bold=True, width=twips(150)) == ["Ngắn"]
