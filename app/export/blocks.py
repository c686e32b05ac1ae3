"""The plain blocks a document kind is made of; :mod:`app.export.layout` renders them.

A document kind (KH, GM, TB, BB, BC) is a function from plain data to a list of these blocks.
Blocks say *what* a piece of text is (a section heading, a căn cứ, a sub-item); the Nghị định
30/2020 rules for how each one looks live only in the layout module. Text is given as typed;
the layout makes it Word-safe, numbers sections and items, and adds the end mark ``./.``.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date


class HeaderStyle(enum.StrEnum):
    """State bodies (Quốc hiệu, tiêu ngữ) or Party bodies (Hướng dẫn 36-HD/VPTW)."""

    STATE = "state"
    PARTY = "party"


class Align(enum.StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"
    JUSTIFY = "both"


@dataclass(frozen=True)
class Span:
    """A piece of a paragraph with its own emphasis (a bold lead such as the speaker's name)."""

    text: str
    bold: bool = False
    italic: bool = False


Inline = str | Sequence[Span]


@dataclass(frozen=True)
class Header:
    """The two-column header: issuing body, số and ký hiệu on the left; Quốc hiệu and date right.

    ``symbol`` is the ký hiệu without the number: ``TB-UBND`` for the state style, ``TB/ĐU`` for
    the Party style. ``issuer`` may hold a line break ("ỦY BAN NHÂN DÂN\\nXÃ LƯƠNG PHONG").
    """

    issuer: str
    symbol: str
    place: str = ""
    number: int | None = None
    issued_on: date | None = None
    year: int | None = None
    parent: str = ""
    show_date: bool = True  # a Biên bản has no place and date in its header
    style: HeaderStyle = HeaderStyle.STATE
    subject: str = ""  # a công văn's trích yếu ("V/v …"), under the số; a công văn has no tên loại


@dataclass(frozen=True)
class Title:
    """Tên loại (``THÔNG BÁO``) with the trích yếu under it and an optional italic note.

    The note is for appendices: ``(Kèm theo Thông báo số …)``.
    """

    kind_name: str
    summary: str = ""
    note: str = ""


@dataclass(frozen=True)
class Addressee:
    """``Kính gửi: …`` of a công văn or a phiếu: one recipient on the line, several as dash lines."""

    recipients: Sequence[str]


@dataclass(frozen=True)
class Bases:
    """Căn cứ lines; the layout ends each with ``;`` and the last with ``.``."""

    lines: Sequence[str]


@dataclass(frozen=True)
class Section:
    """A section heading: ``I. ĐÁNH GIÁ CHUNG`` (the layout writes it upper case)."""

    number: int
    text: str


@dataclass(frozen=True)
class Item:
    """A numbered item ``1. …``; a heading item is bold and kept with what follows."""

    number: int
    text: Inline
    heading: bool = False


@dataclass(frozen=True)
class SubItem:
    """A sub-item ``a) …`` in Vietnamese letter order (``index`` counts from 0)."""

    index: int
    text: Inline
    heading: bool = False


@dataclass(frozen=True)
class Bullet:
    """A dash line ``- …`` (level 1) or ``+ …`` (level 2)."""

    text: Inline
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph: justified, first-line indent, unless told otherwise.

    ``leader`` fills the rest of the last line with dots: a blank to write in by hand.
    """

    text: Inline
    bold: bool = False
    italic: bool = False
    align: Align = Align.JUSTIFY
    indent: bool = True
    leader: bool = False
    keep_with_next: bool = False


@dataclass(frozen=True)
class Column:
    title: str
    width_mm: float
    align: Align = Align.LEFT


@dataclass(frozen=True)
class Table:
    """A bordered table; the heading row repeats on every page."""

    columns: Sequence[Column]
    rows: Sequence[Sequence[str]]
    font_size: float = 12
    bold_last_row: bool = False  # a "Tổng cộng" row


@dataclass(frozen=True)
class Closing:
    """The end of the body: the layout appends ``./.`` to the last paragraph."""


@dataclass(frozen=True)
class Signer:
    """Quyền hạn (``TM. ỦY BAN NHÂN DÂN``, ``KT. CHỦ TỊCH``), chức vụ and full name."""

    title: str
    name: str = ""
    authority: str = ""


@dataclass(frozen=True)
class Recipients:
    """Nơi nhận as typed; the layout adds the dashes, ``;`` and the final ``.``."""

    lines: Sequence[str] = field(default_factory=tuple)


@dataclass(frozen=True)
class SignatureBlock:
    """Signer on the right; Nơi nhận on the left, or a second signer (Biên bản: THƯ KÝ).

    With a ``left_signer``, Nơi nhận goes under both signatures.
    """

    signer: Signer
    recipients: Recipients | None = None
    left_signer: Signer | None = None


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class LandscapeSection:
    """Starts a landscape section on a new page, for a wide appendix table only."""


Block = (
    Header
    | Title
    | Addressee
    | Bases
    | Section
    | Item
    | SubItem
    | Bullet
    | Paragraph
    | Table
    | Closing
    | SignatureBlock
    | PageBreak
    | LandscapeSection
)


@dataclass(frozen=True)
class DocumentBlocks:
    """What a document kind produces: its blocks and a title for the file's properties."""

    title: str
    blocks: Sequence[Block]
    author: str = ""
    subject: str = ""
