"""The one layout module: renders blocks to .docx following Nghị định 30/2020, Phụ lục I.

Every rule of the decree that concerns looks lives here: A4, margins, Times New Roman in all four
``w:rFonts`` slots, the two-column header, sizes and emphasis of each element, first-line indent,
spacing, page numbers from page 2, the signature block and Nơi nhận. Document kinds only say
what the text is (see :mod:`app.export.blocks`).

Paragraphs, runs and table rows are built as lxml elements cloned from cached prototypes rather
than through python-docx's property setters: a Thông báo with hundreds of opinions must export in
well under a second on an old office PC.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from copy import deepcopy
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import docx
from docx.document import Document as DocxDocument
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm

from app.domain import text
from app.export.blocks import (
    Addressee,
    Align,
    Bases,
    Block,
    Bullet,
    Closing,
    DocumentBlocks,
    Header,
    HeaderStyle,
    Inline,
    Item,
    LandscapeSection,
    PageBreak,
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

FONT = "Times New Roman"

# --- page geometry (twentieths of a point) ------------------------------------------------------

A4_WIDTH_MM, A4_HEIGHT_MM = 210, 297
MARGIN_TOP_MM = 20
MARGIN_BOTTOM_MM = 20
MARGIN_LEFT_MM = 30
MARGIN_RIGHT_MM = 15
HEADER_DISTANCE_MM = 10  # page number sits between the paper edge and the text


def twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


PORTRAIT_TEXT_WIDTH = twips(A4_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM)
LANDSCAPE_TEXT_WIDTH = twips(A4_HEIGHT_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM)

# --- type sizes (points) of the decree ----------------------------------------------------------

BODY_SIZE = 14
PARENT_BODY_SIZE = 13  # cơ quan chủ quản
ISSUER_SIZE = 13  # cơ quan ban hành
NUMBER_SIZE = 13  # Số, ký hiệu
NATIONAL_TITLE_SIZE = 12  # Quốc hiệu
MOTTO_SIZE = 13  # Tiêu ngữ
PLACE_DATE_SIZE = 14
SUBJECT_SIZE = 12  # trích yếu of a công văn ("V/v …"), under the số
KIND_SIZE = 14  # tên loại
SUMMARY_SIZE = 14  # trích yếu
SIGNATURE_SIZE = 14
RECIPIENTS_HEADING_SIZE = 12
RECIPIENTS_SIZE = 11
PAGE_NUMBER_SIZE = 14
PARTY_SIZE = 14  # Hướng dẫn 36-HD/VPTW: header lines 14 pt
PARTY_TITLE_SIZE = 15  # "ĐẢNG CỘNG SẢN VIỆT NAM"

FIRST_LINE_INDENT = twips(12.7)  # 1.27 cm
AFTER_BODY = 120  # 6 pt between paragraphs
BODY_LINE = 276  # 1.15 lines: inside the decree's single-to-1.5 range
SIGNATURE_GAP = 1700  # ≈ 3 cm for signature and seal

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PARTY_TITLE = "ĐẢNG CỘNG SẢN VIỆT NAM"
RECIPIENTS_HEADING = "Nơi nhận:"
END_MARK = "./."

# Header columns: the Quốc hiệu at 12 pt bold needs about 93 mm on one line.
HEADER_LEFT = twips(65)
# Party bodies: the issuer is 14 pt bold ("ĐẢNG ỦY XÃ …") and the right side shorter.
PARTY_HEADER_LEFT = twips(78)
HEADER_CELL_MARGIN = 57  # 1 mm
SIGNATURE_LEFT = twips(72)
SIGNATURE_RIGHT = PORTRAIT_TEXT_WIDTH - SIGNATURE_LEFT
TABLE_CELL_MARGIN = 85  # 1.5 mm
TABLE_KEEP_ROWS = 2  # data rows kept with the heading row


# --- text width estimates (for the short solid lines) --------------------------------------------

# Advance widths (1/1000 em) of the standard Times Roman and Times Bold metrics, which Times New
# Roman and Liberation Serif share. Vietnamese letters measure as their base letter.
_TIMES = dict(
    zip(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        [722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556,
         611, 722, 722, 944, 722, 722, 611, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278,
         778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444],
        strict=True,
    )
)  # fmt: skip
_TIMES_BOLD = dict(
    zip(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        [722, 667, 722, 722, 667, 611, 778, 778, 389, 500, 778, 667, 944, 722, 778, 611, 778, 722, 556,
         667, 722, 722, 1000, 722, 722, 667, 500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556, 278,
         833, 556, 500, 556, 556, 444, 389, 333, 556, 500, 722, 500, 500, 444],
        strict=True,
    )
)  # fmt: skip
_PUNCT = {" ": 250, ",": 250, ".": 250, "-": 333, ":": 300, ";": 300, "/": 278, "(": 333, ")": 333}


def text_width(value: str, size: float, *, bold: bool = False) -> int:
    """Estimated width in twips of ``value`` set in Times New Roman at ``size`` points."""
    table = _TIMES_BOLD if bold else _TIMES
    total = 0
    for ch in value:
        base = unicodedata.normalize("NFD", ch)[0]
        base = {"đ": "d", "Đ": "D"}.get(base, base)
        total += table.get(base) or _PUNCT.get(base, 500)
    return round(total * size * 20 / 1000)


# Words a typist breaks a trích yếu before: "… tại | Hội nghị …", "… với | Nhân dân …".
_BREAK_BEFORE = frozenset(["của", "tại", "về", "với", "trong", "và", "sau", "cho", "theo", "trên"])
# Two-syllable words of these titles that must stay on one line ("Ủy ban | nhân dân" is wrong).
_NO_BREAK = frozenset(
    tuple(pair.split())
    for pair in (
        "ủy ban", "ban nhân", "nhân dân", "hội nghị", "đối thoại", "hội đồng", "đồng nhân", "chủ tịch",
        "kiến nghị", "ý kiến", "giải quyết", "kết luận", "kết quả", "tiếp xúc", "trực tiếp", "thành phố",
        "tổ chức", "đặc khu", "thị trấn", "phụ nữ", "nông dân", "thanh niên", "chiến binh", "mặt trận",
        "kinh doanh", "hộ kinh", "dịch vụ", "doanh dịch", "lãnh đạo", "tiếp công", "công dân", "người đứng",
        "đứng đầu", "cấp ủy", "chính quyền", "địa phương", "xã hội", "kinh tế", "thực hiện", "dân chủ",
    )
)  # fmt: skip


def balance_lines(value: str, size: float, *, bold: bool, width: int) -> list[str]:
    """``value`` cut into lines of about equal length when it does not fit in ``width``.

    A trích yếu that Word wraps on its own leaves one word alone on the last line; the typist
    would break it near the middle, before a word such as "tại" or "của", and so does the layout.
    """
    total = text_width(value, size, bold=bold)
    words = value.split()
    if total <= width or len(words) < 2:
        return [value]
    first_count = -(-total // width)
    for count in range(first_count, first_count + 3):
        lines = _cut_into(words, count, size, bold, width)
        if all(text_width(line, size, bold=bold) <= width for line in lines):
            return lines
    return [value]  # let Word wrap rather than overflow


def _cut_into(words: list[str], count: int, size: float, bold: bool, width: int) -> list[str]:
    """``words`` in ``count`` lines of about equal width, preferring natural break points."""
    lines: list[str] = []
    rest = words
    for remaining in range(count, 1, -1):
        if len(rest) < 2:
            break
        target = text_width(" ".join(rest), size, bold=bold) / remaining
        best, best_cost = 1, float("inf")
        for cut in range(1, len(rest)):
            head = text_width(" ".join(rest[:cut]), size, bold=bold)
            if head > width:
                break
            if text_width(" ".join(rest[cut:]), size, bold=bold) > width * (remaining - 1):
                continue  # the rest would not fit in the lines left
            cost = abs(head - target)
            if rest[cut].lower() in _BREAK_BEFORE:
                cost -= 0.3 * target
            elif rest[cut - 1].endswith(","):
                cost -= 0.2 * target
            if rest[cut][:1].isupper() and rest[cut - 1][:1].isupper():
                cost += 0.3 * target  # inside a name: "Bắc | Kạn"
            if (rest[cut - 1].lower(), rest[cut].lower()) in _NO_BREAK or rest[cut].isdigit():
                cost += 0.6 * target
            if cost < best_cost:
                best, best_cost = cut, cost
        lines.append(" ".join(rest[:best]))
        rest = rest[best:]
    lines.append(" ".join(rest))
    return lines


_LEVEL_WORDS = ("XÃ", "PHƯỜNG", "THỊ TRẤN", "ĐẶC KHU", "TỈNH", "THÀNH PHỐ", "HUYỆN", "QUẬN", "THỊ XÃ")


def split_body_name(line: str, size: float, *, bold: bool, width: int) -> list[str]:
    """A body's name on the lines the decree's samples use: ``ỦY BAN NHÂN DÂN`` / ``XÃ LƯƠNG PHONG``.

    Names typed on one line are cut before the administrative level when they do not fit.
    """
    if text_width(line, size, bold=bold) <= width:
        return [line]
    words = line.split()
    for i in range(1, len(words)):
        if words[i] in _LEVEL_WORDS or " ".join(words[i : i + 2]) in _LEVEL_WORDS:
            head, tail = " ".join(words[:i]), " ".join(words[i:])
            if text_width(head, size, bold=bold) <= width and text_width(tail, size, bold=bold) <= width:
                return [head, tail]
            break
    return balance_lines(line, size, bold=bold, width=width)


# --- XML prototypes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fmt:
    """Paragraph properties; a frozen key so each combination is built once and cloned."""

    align: str = "both"
    first_line: int = 0
    left: int = 0
    right: int = 0
    before: int = 0
    after: int = 0
    line: int = 240
    line_rule: str = "auto"
    keep_next: bool = False
    keep_lines: bool = False
    bottom_border: bool = False
    leader_tab: int = 0
    mark_size: float = 0
    page_break_before: bool = False


BODY = _Fmt(first_line=FIRST_LINE_INDENT, after=AFTER_BODY, line=BODY_LINE)
BODY_KEEP = _Fmt(first_line=FIRST_LINE_INDENT, after=AFTER_BODY, line=BODY_LINE, keep_next=True)
CENTER = _Fmt(align="center")
CELL_LEFT = _Fmt(align="left", before=30, after=30)
CELL_CENTER = _Fmt(align="center", before=30, after=30)
CELL_JUSTIFY = _Fmt(align="both", before=30, after=30)
LEFT = _Fmt(align="left")
_ALIGN_CELL = {
    Align.LEFT: CELL_LEFT,
    Align.CENTER: CELL_CENTER,
    Align.RIGHT: _Fmt(align="right", before=30, after=30),
    Align.JUSTIFY: CELL_JUSTIFY,
}


def _rfonts_xml() -> str:
    return f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" w:eastAsia="{FONT}"/>'


def _rpr_xml(size: float, bold: bool, italic: bool, underline: bool = False) -> str:
    half_points = round(size * 2)
    parts = [_rfonts_xml()]
    if bold:
        parts.append("<w:b/><w:bCs/>")
    if italic:
        parts.append("<w:i/><w:iCs/>")
    parts.append(f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>')
    if underline:
        parts.append('<w:u w:val="single"/>')  # after w:szCs: the schema's order
    return "<w:rPr>" + "".join(parts) + "</w:rPr>"


@lru_cache(maxsize=64)
def _run_proto(size: float, bold: bool, italic: bool, underline: bool = False) -> Any:
    return parse_xml(
        f'<w:r {nsdecls("w")}>{_rpr_xml(size, bold, italic, underline)}<w:t xml:space="preserve"></w:t></w:r>'
    )


@lru_cache(maxsize=128)
def _ppr_proto(fmt: _Fmt) -> Any:
    parts: list[str] = []
    if fmt.keep_next:
        parts.append("<w:keepNext/>")
    if fmt.keep_lines:
        parts.append("<w:keepLines/>")
    if fmt.page_break_before:
        parts.append("<w:pageBreakBefore/>")
    if fmt.bottom_border:
        parts.append('<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>')
    if fmt.leader_tab:
        parts.append(f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{fmt.leader_tab}"/></w:tabs>')
    parts.append(
        f'<w:spacing w:before="{fmt.before}" w:after="{fmt.after}" w:line="{fmt.line}" w:lineRule="{fmt.line_rule}"/>'
    )
    if fmt.first_line or fmt.left or fmt.right:
        parts.append(f'<w:ind w:left="{fmt.left}" w:right="{fmt.right}" w:firstLine="{fmt.first_line}"/>')
    parts.append(f'<w:jc w:val="{fmt.align}"/>')
    if fmt.mark_size:
        half_points = round(fmt.mark_size * 2)
        parts.append(
            f'<w:rPr>{_rfonts_xml()}<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>'
        )
    return parse_xml(f"<w:pPr {nsdecls('w')}>" + "".join(parts) + "</w:pPr>")


_P_PROTO = parse_xml(f"<w:p {nsdecls('w')}/>")
_BR_PROTO = parse_xml(f"<w:br {nsdecls('w')}/>")
_TAB_PROTO = parse_xml(f"<w:tab {nsdecls('w')}/>")
_T_PROTO = parse_xml(f'<w:t {nsdecls("w")} xml:space="preserve"/>')
_TEXT_TAG = qn("w:t")
_KEEP_NEXT_PROTO = parse_xml(f"<w:keepNext {nsdecls('w')}/>")


@dataclass(frozen=True)
class _Run:
    text: str
    size: float = BODY_SIZE
    bold: bool = False
    italic: bool = False
    underline: bool = False


def _make_run(run: _Run) -> Any:
    r = deepcopy(_run_proto(run.size, run.bold, run.italic, run.underline))
    value = text.word_safe(run.text)
    t = r[-1]
    if "\n" not in value and "\t" not in value:
        t.text = value
        return r
    r.remove(t)
    for line_no, line in enumerate(value.split("\n")):
        if line_no:
            r.append(deepcopy(_BR_PROTO))
        for piece_no, piece in enumerate(line.split("\t")):
            if piece_no:
                r.append(deepcopy(_TAB_PROTO))
            if piece:
                new_t = deepcopy(_T_PROTO)
                new_t.text = piece
                r.append(new_t)
    return r


def _make_p(fmt: _Fmt, runs: Iterable[_Run] = ()) -> Any:
    p = deepcopy(_P_PROTO)
    p.append(deepcopy(_ppr_proto(fmt)))
    for run in runs:
        if run.text:
            p.append(_make_run(run))
    return p


def _line_p(width: int, available: int, *, after: int = 0) -> Any:
    """A short solid line centred in ``available`` twips: an empty paragraph's bottom border.

    A real border, never underscores typed as text, so it stays one line whatever the font.
    """
    width = max(min(width, available), 300)
    side = max((available - width) // 2, 0)
    fmt = _Fmt(
        align="center",
        left=side,
        right=side,
        after=after,
        line=40,
        line_rule="exact",
        bottom_border=True,
        mark_size=2,
    )
    return _make_p(fmt)


# --- text shaping --------------------------------------------------------------------------------


def _spans(value: Inline, *, bold: bool = False, italic: bool = False, body: bool = True) -> list[Span]:
    """The spans of an inline value; body text gets ``Nhân dân`` / ``Nhà nước`` capitalised."""
    if isinstance(value, str):
        spans = [Span(value, bold, italic)]
    else:
        spans = [Span(s.text, s.bold or bold, s.italic or italic) for s in value]
    if body:
        spans = [Span(text.capitalise_fixed_terms(text.word_safe(s.text)), s.bold, s.italic) for s in spans]
    return spans


def _split_lines(spans: Sequence[Span]) -> list[list[Span]]:
    """Spans cut at each newline into lines; blank lines are dropped."""
    if not any("\n" in s.text for s in spans):
        return [list(spans)]
    lines: list[list[Span]] = [[]]
    for span in spans:
        for piece_no, piece in enumerate(span.text.split("\n")):
            if piece_no:
                lines.append([])
            if piece:
                lines[-1].append(Span(piece, span.bold, span.italic))
    return [line for line in lines if any(s.text.strip() for s in line)] or [[]]


def _runs(spans: Iterable[Span], size: float = BODY_SIZE) -> list[_Run]:
    return [_Run(s.text, size, s.bold, s.italic) for s in spans]


def _strip_marker(line: str) -> str:
    """A list line without a typed dash or bullet and without its end punctuation."""
    cleaned = text.word_safe(line).strip()
    cleaned = cleaned.lstrip("-–—•+*·").strip()
    return cleaned.rstrip(";.,").rstrip()


def _punctuated(lines: Sequence[str], last: str) -> list[str]:
    """Each line ends with ``;`` and the last with ``last`` (``.`` for căn cứ and Nơi nhận)."""
    kept = [line for line in (_strip_marker(x) for x in lines) if line]
    return [f"{line}{last if i == len(kept) - 1 else ';'}" for i, line in enumerate(kept)]


def with_end_mark(value: str) -> str:
    """``… hội nghị./.``: the body's last sentence gets the decree's end mark."""
    stripped = value.rstrip()
    if stripped.endswith(END_MARK):
        return stripped
    return stripped.rstrip(".;:,") + END_MARK


def _no_lone_last_word(value: str) -> str:
    """A heading's last two words joined by a no-break space: never one word alone on a line."""
    head, space, tail = value.rstrip().rpartition(" ")
    return f"{head}\u00a0{tail}" if space and head and len(tail) < 12 else value


def _upper(value: str) -> str:
    return text.word_safe(value).upper()


def _lines(value: str) -> list[str]:
    return [line.strip() for line in text.word_safe(value).split("\n") if line.strip()]


def party_number_line(number: int | None, symbol: str) -> str:
    """``Số 05-TB/ĐU`` (Party style: no colon, number joined by a hyphen)."""
    return f"Số {text.document_number(number)}-{text.clean(symbol)}"


# --- the writer ------------------------------------------------------------------------------------


class _Writer:
    """Appends blocks to the body of one document."""

    def __init__(self, document: DocxDocument) -> None:
        self.document = document
        self.body = document.element.body
        self.sentinel = self.body.get_or_add_sectPr()
        self.text_width = PORTRAIT_TEXT_WIDTH
        self.last_text: Any = None  # w:t of the body's last paragraph, where ./. goes
        self.header_year: int | None = None

    # plumbing
    def _append(self, element: Any) -> Any:
        self.sentinel.addprevious(element)
        return element

    def _body_p(self, fmt: _Fmt, spans: Sequence[Span], size: float = BODY_SIZE) -> None:
        """Body paragraphs; a line break typed in the text starts a new paragraph.

        A manual break inside a justified paragraph would stretch the line before it across the
        page, so each typed line becomes its own paragraph with the same format.
        """
        for line_spans in _split_lines(spans):
            p = self._append(_make_p(fmt, _runs(line_spans, size)))
            texts = p.findall(".//" + _TEXT_TAG)
            if texts:
                self.last_text = texts[-1]

    def add(self, block: Block) -> None:
        handler = getattr(self, "_add_" + type(block).__name__, None)
        if handler is None:  # pragma: no cover - a new block type without a renderer
            raise TypeError(f"no renderer for {type(block).__name__}")
        handler(block)

    # header
    def _add_Header(self, block: Header) -> None:
        self.header_year = block.year or (block.issued_on.year if block.issued_on else None)
        left_width = PARTY_HEADER_LEFT if block.style is HeaderStyle.PARTY else HEADER_LEFT
        widths = [left_width, PORTRAIT_TEXT_WIDTH - left_width]
        left_inner = widths[0] - 2 * HEADER_CELL_MARGIN
        right_inner = widths[1] - 2 * HEADER_CELL_MARGIN
        top_left: list[Any] = []
        top_right: list[Any] = []
        date_line = ""
        if block.show_date:
            date_line = text.place_date_line(block.place, block.issued_on, year=block.year)
        if block.style is HeaderStyle.PARTY:
            for line in self._name_lines(block.parent, PARTY_SIZE, False, left_inner):
                top_left.append(_make_p(CENTER, [_Run(line, PARTY_SIZE)]))
            for line in self._name_lines(block.issuer, PARTY_SIZE, True, left_inner):
                top_left.append(_make_p(CENTER, [_Run(line, PARTY_SIZE, bold=True)]))
            top_left.append(_make_p(CENTER, [_Run("*", PARTY_SIZE)]))
            number_line = party_number_line(block.number, block.symbol)
            number_size: float = PARTY_SIZE
            # Hướng dẫn 36-HD/VPTW: the title underlined, no Quốc hiệu and no tiêu ngữ.
            top_right.append(
                _make_p(CENTER, [_Run(PARTY_TITLE, PARTY_TITLE_SIZE, bold=True, underline=True)])
            )
        else:
            for line in self._name_lines(block.parent, PARENT_BODY_SIZE, False, left_inner):
                top_left.append(_make_p(CENTER, [_Run(line, PARENT_BODY_SIZE)]))
            issuer_lines = self._name_lines(block.issuer, ISSUER_SIZE, True, left_inner)
            for line in issuer_lines:
                top_left.append(_make_p(CENTER, [_Run(line, ISSUER_SIZE, bold=True)]))
            longest = max((text_width(line, ISSUER_SIZE, bold=True) for line in issuer_lines), default=0)
            top_left.append(_line_p(max(int(longest * 0.4), twips(15)), left_inner))
            number_line = text.number_line(block.number, block.symbol)
            number_size = NUMBER_SIZE
            top_right.append(_make_p(CENTER, [_Run(NATIONAL_TITLE, NATIONAL_TITLE_SIZE, bold=True)]))
            top_right.append(_make_p(CENTER, [_Run(MOTTO, MOTTO_SIZE, bold=True)]))
            top_right.append(_line_p(text_width(MOTTO, MOTTO_SIZE, bold=True), right_inner))
        below = _Fmt(align="center", before=120)
        number_p = _make_p(below, [_Run(number_line, number_size)])
        date_p = _make_p(below, [_Run(date_line, PLACE_DATE_SIZE, italic=True)])
        bottom_left = [number_p]
        subject = [
            part
            for line in _lines(block.subject)
            for part in balance_lines(line, SUBJECT_SIZE, bold=False, width=left_inner)
        ]
        if subject:
            bottom_left.append(
                _make_p(_Fmt(align="center", before=60), [_Run("\n".join(subject), SUBJECT_SIZE)])
            )
        table = _borderless_table(widths, HEADER_CELL_MARGIN)
        _add_row(table, widths, [top_left, top_right])
        _add_row(table, widths, [bottom_left, [date_p]])
        self._append(table)

    @staticmethod
    def _name_lines(name: str, size: float, bold: bool, width: int) -> list[str]:
        return [
            part
            for line in _lines(name)
            for part in split_body_name(_upper(line), size, bold=bold, width=width)
        ]

    # title and căn cứ
    def _add_Title(self, block: Title) -> None:
        self._append(
            _make_p(
                _Fmt(align="center", before=360, keep_next=True),
                [_Run(_upper(block.kind_name), KIND_SIZE, bold=True)],
            )
        )
        available = int(self.text_width * 0.92)
        summary = [
            part
            for line in _lines(block.summary)
            for part in balance_lines(
                text.capitalise_fixed_terms(line), SUMMARY_SIZE, bold=True, width=available
            )
        ]
        if summary:
            runs = [_Run("\n".join(summary), SUMMARY_SIZE, bold=True)]
            self._append(_make_p(_Fmt(align="center", keep_next=True), runs))
            longest = max(text_width(line, SUMMARY_SIZE, bold=True) for line in summary)
            width = min(max(int(longest * 0.4), twips(25)), self.text_width // 2)
            self._append(_line_p(width, self.text_width, after=0 if block.note else 240))
        if block.note:
            self._append(
                _make_p(
                    _Fmt(align="center", before=60, after=240), [_Run(block.note, BODY_SIZE, italic=True)]
                )
            )

    def _add_Addressee(self, block: Addressee) -> None:
        names = [line for name in block.recipients for line in _lines(name)]
        lead = "Kính gửi:"
        if len(names) <= 1:
            value = f"{lead} {names[0]}" if names else lead
            self._append(_make_p(_Fmt(align="center", before=240, after=240), [_Run(value, BODY_SIZE)]))
            return
        # Several recipients: "Kính gửi:" then one dash line each, the list ending with ".".
        indent = self.text_width // 4
        self._append(_make_p(_Fmt(align="left", left=indent, before=240), [_Run(lead, BODY_SIZE)]))
        lines = _punctuated(names, ".")
        for n, line in enumerate(lines):
            fmt = _Fmt(align="left", left=indent + twips(20), after=240 if n == len(lines) - 1 else 0)
            self._append(_make_p(fmt, [_Run(f"- {line}", BODY_SIZE)]))

    def _add_Bases(self, block: Bases) -> None:
        for line in _punctuated(block.lines, "."):
            self._body_p(BODY, _spans(line, italic=True))

    # body
    def _add_Section(self, block: Section) -> None:
        label = f"{text.roman(block.number)}. {_upper(block.text)}"
        self._body_p(BODY_KEEP, [Span(_no_lone_last_word(label), bold=True)])

    def _add_Item(self, block: Item) -> None:
        value = (
            _no_lone_last_word(block.text) if block.heading and isinstance(block.text, str) else block.text
        )
        spans = [Span(f"{block.number}. ", bold=block.heading), *_spans(value, bold=block.heading)]
        self._body_p(BODY_KEEP if block.heading else BODY, spans)

    def _add_SubItem(self, block: SubItem) -> None:
        label = text.sub_item_label(block.index)
        spans = [Span(f"{label} ", italic=block.heading), *_spans(block.text, italic=block.heading)]
        self._body_p(BODY_KEEP if block.heading else BODY, spans)

    def _add_Bullet(self, block: Bullet) -> None:
        marker = "-" if block.level <= 1 else "+"
        self._body_p(BODY, [Span(f"{marker} "), *_spans(block.text)])

    def _add_Paragraph(self, block: Paragraph) -> None:
        fmt = _Fmt(
            align=block.align.value,
            first_line=FIRST_LINE_INDENT if block.indent else 0,
            after=AFTER_BODY,
            line=BODY_LINE,
            keep_next=block.keep_with_next,
            leader_tab=self.text_width if block.leader else 0,
        )
        spans = _spans(block.text, bold=block.bold, italic=block.italic)
        if block.leader:
            spans.append(Span("\t"))
        self._body_p(fmt, spans)

    def _add_Closing(self, _block: Closing) -> None:
        if self.last_text is None:
            self._body_p(BODY, [Span(END_MARK)])
        else:
            self.last_text.text = with_end_mark(self.last_text.text or "")

    def _add_PageBreak(self, _block: PageBreak) -> None:
        self._append(_make_p(_Fmt(page_break_before=True, mark_size=2, line=40, line_rule="exact")))

    def _add_LandscapeSection(self, _block: LandscapeSection) -> None:
        # The portrait section keeps the current sectPr (and its page-number header); the rest of
        # the document becomes a landscape section that inherits the header and numbers page 1.
        break_p = _make_p(_Fmt(mark_size=2, line=40, line_rule="exact"))
        ppr = break_p[0]
        ppr.append(deepcopy(self.sentinel))
        self._append(break_p)
        for ref in self.sentinel.findall(qn("w:headerReference")) + self.sentinel.findall(
            qn("w:footerReference")
        ):
            self.sentinel.remove(ref)
        for title_pg in self.sentinel.findall(qn("w:titlePg")):
            self.sentinel.remove(title_pg)
        pg_sz = self.sentinel.find(qn("w:pgSz"))
        pg_sz.set(qn("w:w"), str(twips(A4_HEIGHT_MM)))
        pg_sz.set(qn("w:h"), str(twips(A4_WIDTH_MM)))
        pg_sz.set(qn("w:orient"), "landscape")
        self.text_width = LANDSCAPE_TEXT_WIDTH
        self.last_text = None

    # tables
    def _add_Table(self, block: Table) -> None:
        total_mm = sum(c.width_mm for c in block.columns) or 1
        widths = [int(self.text_width * c.width_mm / total_mm) for c in block.columns]
        widths[-1] = self.text_width - sum(widths[:-1])
        table = _bordered_table(widths)
        size = block.font_size
        header_tr = _tr(header=True)
        head_fmt = replace(CELL_CENTER, keep_next=True)
        for column, width in zip(block.columns, widths, strict=True):
            header_tr.append(_tc(width, _make_p(head_fmt, [_Run(column.title, size, bold=True)])))
        table.append(header_tr)
        cell_protos = [
            _tc(width, _make_p(_ALIGN_CELL[c.align])) for c, width in zip(block.columns, widths, strict=True)
        ]
        # The heading row and the first rows keep together (a table never starts with one row at
        # the foot of a page); no row is split across two pages.
        kept_protos = [
            _tc(width, _make_p(replace(_ALIGN_CELL[c.align], keep_next=True)))
            for c, width in zip(block.columns, widths, strict=True)
        ]
        tr_proto = _tr(cant_split=True)
        last = len(block.rows) - 1
        for row_no, row in enumerate(block.rows):
            bold = block.bold_last_row and row_no == last
            tr = deepcopy(tr_proto)
            protos = kept_protos if row_no < min(TABLE_KEEP_ROWS, last) else cell_protos
            for proto, value in zip(protos, row, strict=False):
                tc = deepcopy(proto)
                if value:
                    tc[-1].append(_make_run(_Run(text.capitalise_fixed_terms(value), size, bold=bold)))
                tr.append(tc)
            for proto in protos[len(row) :]:
                tr.append(deepcopy(proto))
            table.append(tr)
        self._append(table)
        # A paragraph after a table keeps the next block (or the end of the document) apart.
        self._append(_make_p(_Fmt(after=AFTER_BODY, mark_size=6, line=120, line_rule="exact")))

    # signature and Nơi nhận
    def _add_SignatureBlock(self, block: SignatureBlock) -> None:
        # The last lines of the body go with the signature: a signature alone on a page is not
        # accepted at the văn thư's desk.
        self._keep_last_with_next()
        right = _signer_paragraphs(block.signer)
        if block.left_signer is not None:
            # Biên bản: THƯ KÝ left, CHỦ TỌA right, Nơi nhận under the left signature.
            left = _signer_paragraphs(block.left_signer)
            if block.recipients is not None:
                left.extend(_recipient_paragraphs(block.recipients, first_before=360))
            half = self.text_width // 2
            widths = [half, self.text_width - half]
        else:
            left = (
                _recipient_paragraphs(block.recipients) if block.recipients is not None else [_make_p(LEFT)]
            )
            widths = [SIGNATURE_LEFT, self.text_width - SIGNATURE_LEFT]
        table = _borderless_table(widths, HEADER_CELL_MARGIN)
        _add_row(table, widths, [left, right], cant_split=True)
        self._append(table)

    def _keep_last_with_next(self) -> None:
        if self.last_text is None:
            return
        paragraph = self.last_text.getparent().getparent()
        ppr = paragraph.find(qn("w:pPr"))
        if ppr is not None and ppr.find(qn("w:keepNext")) is None:
            ppr.insert(0, deepcopy(_KEEP_NEXT_PROTO))

    def finish(self) -> None:
        last = self.sentinel.getprevious()
        if last is not None and last.tag == qn("w:tbl"):
            # Word wants a paragraph between a final table and the end of the document.
            self._append(_make_p(_Fmt(mark_size=2, line=40, line_rule="exact")))


def _signer_paragraphs(signer: Signer) -> list[Any]:
    paragraphs = []
    first = True
    for line in [*_lines(signer.authority), *_lines(signer.title)]:
        fmt = _Fmt(align="center", before=120 if first else 0)
        paragraphs.append(_make_p(fmt, [_Run(_upper(line), SIGNATURE_SIZE, bold=True)]))
        first = False
    name = text.word_safe(signer.name).strip()
    paragraphs.append(
        _make_p(_Fmt(align="center", before=SIGNATURE_GAP), [_Run(name, SIGNATURE_SIZE, bold=True)])
    )
    return paragraphs


def _recipient_paragraphs(recipients: Recipients, *, first_before: int = 120) -> list[Any]:
    lines = list(recipients.lines)
    if not any(_strip_marker(line).startswith("Lưu") for line in lines):
        lines.append("Lưu: VT")
    paragraphs = [
        _make_p(
            _Fmt(align="left", before=first_before),
            [_Run(RECIPIENTS_HEADING, RECIPIENTS_HEADING_SIZE, bold=True, italic=True)],
        )
    ]
    for line in _punctuated(lines, "."):
        paragraphs.append(_make_p(LEFT, [_Run(f"- {line}", RECIPIENTS_SIZE)]))
    return paragraphs


# --- tables -------------------------------------------------------------------------------------

_NIL_BORDERS = "".join(
    f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV")
)
_SINGLE_BORDERS = "".join(
    f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    for side in ("top", "left", "bottom", "right", "insideH", "insideV")
)


def _table_xml(widths: Sequence[int], borders: str, cell_margin: int) -> Any:
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return parse_xml(
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        f"<w:tblBorders>{borders}</w:tblBorders>"
        '<w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="{cell_margin}" w:type="dxa"/>'
        f'<w:bottom w:w="0" w:type="dxa"/><w:right w:w="{cell_margin}" w:type="dxa"/></w:tblCellMar>'
        # Only w:val: the firstRow/lastRow/… attributes are Word 2010's and break Office 2007.
        '<w:tblLook w:val="0000"/>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid></w:tbl>"
    )


def _borderless_table(widths: Sequence[int], cell_margin: int) -> Any:
    return _table_xml(widths, _NIL_BORDERS, cell_margin)


def _bordered_table(widths: Sequence[int]) -> Any:
    return _table_xml(widths, _SINGLE_BORDERS, TABLE_CELL_MARGIN)


def _tr(*, header: bool = False, cant_split: bool = False) -> Any:
    props = ""
    if header:
        props = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
    elif cant_split:
        props = "<w:trPr><w:cantSplit/></w:trPr>"
    return parse_xml(f"<w:tr {nsdecls('w')}>{props}</w:tr>")


def _tc(width: int, *paragraphs: Any) -> Any:
    tc = parse_xml(f'<w:tc {nsdecls("w")}><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr></w:tc>')
    for p in paragraphs or (_make_p(LEFT),):
        tc.append(p)
    return tc


def _add_row(
    table: Any, widths: Sequence[int], cells: Sequence[Sequence[Any]], *, cant_split: bool = False
) -> None:
    tr = _tr(cant_split=cant_split)
    for width, paragraphs in zip(widths, cells, strict=True):
        tr.append(_tc(width, *paragraphs))
    table.append(tr)


# --- document set-up ------------------------------------------------------------------------------

_STYLE_RPR_FOLLOWERS = frozenset(qn(f"w:{name}") for name in ("tblPr", "trPr", "tcPr", "tblStylePr"))
_THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")


def _set_rfonts(rfonts: Any) -> None:
    for attr in _THEME_ATTRS:
        rfonts.attrib.pop(qn(f"w:{attr}"), None)
    for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
        rfonts.set(qn(f"w:{slot}"), FONT)


def _ensure_rpr_fonts(parent: Any, rpr_index: int | None = None) -> Any:
    rpr = parent.find(qn("w:rPr"))
    if rpr is None:
        rpr = parse_xml(f"<w:rPr {nsdecls('w')}/>")
        if rpr_index is None:
            parent.append(rpr)
        else:
            parent.insert(rpr_index, rpr)
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        rstyle = rpr.find(qn("w:rStyle"))
        rpr.insert(1 if rstyle is not None else 0, rfonts)
    _set_rfonts(rfonts)
    return rpr


def _set_size(rpr: Any, size: float) -> None:
    for tag in ("w:sz", "w:szCs"):
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
    half_points = str(round(size * 2))
    for tag in ("w:sz", "w:szCs"):
        el = parse_xml(f'<{tag} {nsdecls("w")} w:val="{half_points}"/>')
        lang = rpr.find(qn("w:lang"))
        if lang is not None:
            lang.addprevious(el)
        else:
            rpr.append(el)


def _prepare_styles(styles: Any) -> None:
    """Times New Roman in the four slots on the defaults and on every style; 14 pt Normal.

    Theme font attributes are removed: Word prefers ``w:asciiTheme`` over ``w:ascii``.
    """
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr = _ensure_rpr_fonts(rpr_default)
    _set_size(rpr, BODY_SIZE)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = parse_xml(f"<w:lang {nsdecls('w')}/>")
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")
    lang.set(qn("w:eastAsia"), "en-US")
    ppr_default = defaults.find(qn("w:pPrDefault"))
    if ppr_default is not None:
        for spacing in ppr_default.iter(qn("w:spacing")):
            spacing.set(qn("w:after"), "0")
            spacing.set(qn("w:line"), "240")
            spacing.set(qn("w:lineRule"), "auto")
    for style in styles.findall(qn("w:style")):
        index = None
        for pos, child in enumerate(style):
            if child.tag in _STYLE_RPR_FOLLOWERS:
                index = pos
                break
        rpr = _ensure_rpr_fonts(style, index)
        if style.get(qn("w:styleId")) == "Normal":
            _set_size(rpr, BODY_SIZE)
    for rfonts in styles.iter(qn("w:rFonts")):
        _set_rfonts(rfonts)


def _prepare_section(document: DocxDocument) -> None:
    section = document.sections[0]
    section.page_width = Mm(A4_WIDTH_MM)
    section.page_height = Mm(A4_HEIGHT_MM)
    section.top_margin = Mm(MARGIN_TOP_MM)
    section.bottom_margin = Mm(MARGIN_BOTTOM_MM)
    section.left_margin = Mm(MARGIN_LEFT_MM)
    section.right_margin = Mm(MARGIN_RIGHT_MM)
    section.header_distance = Mm(HEADER_DISTANCE_MM)
    section.footer_distance = Mm(HEADER_DISTANCE_MM)
    section.gutter = Mm(0)
    # Page numbers from page 2: an empty first-page header, the PAGE field on the others.
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    section.header.is_linked_to_previous = False
    header_p = section.header.paragraphs[0]._p
    for child in list(header_p):
        header_p.remove(child)
    header_p.append(deepcopy(_ppr_proto(CENTER)))
    rpr = _rpr_xml(PAGE_NUMBER_SIZE, False, False)
    for run_xml in (
        f'<w:r {nsdecls("w")}>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r {nsdecls("w")}>{rpr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>',
        f'<w:r {nsdecls("w")}>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>',
        f"<w:r {nsdecls('w')}>{rpr}<w:t>2</w:t></w:r>",
        f'<w:r {nsdecls("w")}>{rpr}<w:fldChar w:fldCharType="end"/></w:r>',
    ):
        header_p.append(parse_xml(run_xml))
    for part_header in (section.first_page_header,):
        for p in part_header.paragraphs:
            ppr = p._p.get_or_add_pPr()
            _ensure_rpr_fonts(ppr)


_REL_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_REL_THUMBNAIL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"
_REL_THEME = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
_REL_APP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
_THEME_FONT = re.compile(rb'(<a:(?:major|minor)Font>\s*<a:latin typeface=")[^"]*(")')
CORE_TITLE_LIMIT = 255  # python-docx and Word refuse a longer dc:title


def _drop_rels(rels: Any, reltype: str) -> None:
    for rel_id, rel in list(rels.items()):
        if rel.reltype == reltype:
            del rels[rel_id]


def _prepare_package(document: DocxDocument) -> None:
    """The parts python-docx's template carries that a văn thư's Word would complain about.

    ``stylesWithEffects.xml`` (Word 2010) disagrees with the styles we rewrite, the thumbnail is a
    blank page, and the theme names Calibri/Cambria: drop the first two, set the theme to Times
    New Roman.
    """
    _drop_rels(document.part.rels, _REL_STYLES_WITH_EFFECTS)
    _drop_rels(document.part.package.rels, _REL_THUMBNAIL)
    for rel in document.part.rels.values():
        if rel.reltype == _REL_THEME:
            part = rel.target_part
            part._blob = _THEME_FONT.sub(rb"\g<1>" + FONT.encode() + rb"\g<2>", part.blob)


def _app_properties(company: str) -> bytes:
    """``docProps/app.xml``: this program as the Application, the issuing body as the Company."""
    from xml.sax.saxutils import escape

    from app import APP_NAME, __version__

    major, _, minor = __version__.partition(".")
    app_version = f"{int(major or 0):02d}.{int(minor.split('.')[0] or 0):04d}"
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"<Template>Normal.dotm</Template><TotalTime>0</TotalTime>"
        f"<Application>{escape(APP_NAME)}</Application><DocSecurity>0</DocSecurity>"
        f"<ScaleCrop>false</ScaleCrop><Company>{escape(company)}</Company>"
        "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
        f"<HyperlinksChanged>false</HyperlinksChanged><AppVersion>{app_version}</AppVersion>"
        "</Properties>"
    ).encode()


def _set_app_properties(document: DocxDocument, company: str) -> None:
    for rel in document.part.package.rels.values():
        if rel.reltype == _REL_APP:
            rel.target_part._blob = _app_properties(company)


@lru_cache(maxsize=1)
def _template_bytes() -> bytes:
    """python-docx's template with the decree's fonts, page and header, prepared once per process.

    Loading these bytes is as fast as python-docx's own blank document; preparing the 160 styles
    and the header parts for every export would double the time of a short document.
    """
    document = docx.Document()
    _prepare_styles(document.styles.element)
    _prepare_section(document)
    _prepare_package(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def new_document() -> DocxDocument:
    """An empty A4 document with the decree's page set-up, fonts and page-number header."""
    return docx.Document(io.BytesIO(_template_bytes()))


def build(content: DocumentBlocks) -> DocxDocument:
    """The python-docx document for ``content`` (not yet saved)."""
    document = new_document()
    writer = _Writer(document)
    for block in content.blocks:
        writer.add(block)
    writer.finish()
    props = document.core_properties
    author = text.clean(text.word_safe(content.author).replace("\n", " "))
    # Only the property is cut: the trích yếu on the page is never shortened.
    props.title = " ".join(text.word_safe(content.title).split())[:CORE_TITLE_LIMIT]
    props.subject = " ".join(text.word_safe(content.subject).split())[:CORE_TITLE_LIMIT]
    props.author = author
    props.last_modified_by = author
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.revision = 1
    now = datetime.now().replace(microsecond=0)
    props.created = now
    props.modified = now
    _set_app_properties(document, author)
    return document


def save_atomic(document: Any, target: Path, *, opened_in: str = "Word") -> Path:
    """Write ``document`` (anything with ``save(path)``: a .docx, an openpyxl workbook) to a
    temporary name in the same folder, then replace: never a half-written file. ``opened_in``
    names the program that may be holding the file open, for the message."""
    target = Path(target)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        document.save(str(tmp))
        os.replace(tmp, target)
    except PermissionError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise ExportError(
            f"cannot write {target}: {exc}",
            f"Không ghi được tệp «{target.name}». Nếu tệp đang mở trong {opened_in}, hãy đóng lại rồi xuất lại.",
        ) from exc
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise ExportError(
            f"cannot write {target}: {exc}",
            f"Không ghi được tệp «{target.name}» vào thư mục «{target.parent}». "
            "Hãy kiểm tra thư mục còn chỗ trống và cho phép ghi.",
        ) from exc
    return target


def render(content: DocumentBlocks, target: Path) -> Path:
    """Render ``content`` to the .docx file ``target`` (atomically) and return its path."""
    return save_atomic(build(content), target)
