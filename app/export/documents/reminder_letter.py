"""Công văn đôn đốc: remind one unit of the petitions it has let pass, or nearly pass, their deadline.

A công văn (Nghị định 30, Mẫu 1.5): no tên loại; its trích yếu ``V/v …`` stands under the số in
the header; ``Kính gửi``; the items with their deadlines; signature and Nơi nhận.
"""

from __future__ import annotations

from datetime import timedelta

from app.domain import text
from app.export.blocks import (
    Addressee,
    Align,
    Block,
    Closing,
    Column,
    DocumentBlocks,
    Header,
    HeaderStyle,
    Paragraph,
    Table,
)
from app.export.documents.assignment_slip import unit_signature
from app.export.unit_data import UnitDocumentData, UnitItemData

SUBJECT = "V/v đôn đốc giải quyết kiến nghị của Nhân dân sau Hội nghị đối thoại"
REPLY_WITHIN_DAYS = 5  # the unit reports back this many days after the letter

COLUMNS = (
    Column("STT", 12, Align.CENTER),
    Column("Người nêu, thôn; hội nghị", 38),
    Column("Nội dung ý kiến, kiến nghị", 60),
    Column("Thời hạn", 23, Align.CENTER),
    Column("Tình trạng", 32, Align.CENTER),
)


def standing_text(item: UnitItemData) -> str:
    """``Quá hạn 12 ngày`` / ``Còn 3 ngày`` / ``Đến hạn hôm nay``."""
    if item.days_left is None:
        return ""
    return text.upper_first(text.days_phrase(item.days_left))


def item_rows(items: list[UnitItemData]) -> list[list[str]]:
    return [
        [
            str(n),
            "\n".join(x for x in (item.petitioner, item.dialogue) if x),
            text.clean(item.content),
            text.short_date(item.deadline),
            standing_text(item),
        ]
        for n, item in enumerate(items, 1)
    ]


def build_reminder_letter(data: UnitDocumentData) -> DocumentBlocks:
    org = data.organization
    issue = data.issue
    unit = text.clean(data.unit)
    items = list(data.items)
    overdue = sum(1 for i in items if i.days_left is not None and i.days_left < 0)
    due_soon = len(items) - overdue
    day = issue.issued_on or data.today
    counts = []
    if overdue:
        counts.append(f"{overdue} nội dung đã quá hạn")
    if due_soon:
        counts.append(f"{due_soon} nội dung sắp đến hạn")
    reply_by = day + timedelta(days=REPLY_WITHIN_DAYS)
    blocks: list[Block] = [
        Header(
            issuer=org.name,
            # A công văn's ký hiệu: issuing body and drafting unit (UBND-VP); Party bodies write CV/ĐU.
            symbol=org.symbol("CV")
            if org.header_style is HeaderStyle.PARTY
            else f"{org.issuer_code}-{data.office_code}",
            place=org.place_name,
            number=issue.number,
            issued_on=issue.issued_on,
            year=day.year,
            parent=org.parent_name,
            style=org.header_style,
            subject=SUBJECT,
        ),
        Addressee([unit]),
        Paragraph(
            f"Thực hiện kết luận tại Hội nghị đối thoại với Nhân dân, {org.name_in_text} đã giao {unit} "
            f"chủ trì giải quyết các ý kiến, kiến nghị của Nhân dân. Đến {text.date_phrase(data.today)}, "
            f"còn {len(items)} nội dung chưa có kết quả giải quyết ({' và '.join(counts)}), cụ thể như sau:"
        ),
        Table(COLUMNS, item_rows(items), font_size=12),
        Paragraph(
            f"Để bảo đảm quyền lợi hợp pháp của Nhân dân và thực hiện nghiêm kết luận của hội nghị, "
            f"{org.name_in_text} đề nghị {unit} khẩn trương giải quyết dứt điểm các nội dung nêu trên; "
            f"báo cáo kết quả bằng văn bản về {org.name_in_text} (qua {text.clean(data.office)}) trước "
            f"{text.date_phrase(reply_by)}. Nội dung nào không thể hoàn thành đúng hạn, đề nghị báo cáo "
            "rõ lý do, khó khăn, vướng mắc và đề xuất thời hạn hoàn thành."
        ),
        Paragraph(f"{org.name_in_text} đề nghị {unit} quan tâm, thực hiện."),
        Closing(),
        unit_signature(data),
    ]
    return DocumentBlocks(f"Công văn đôn đốc giải quyết kiến nghị: {unit}", blocks, org.name_in_text)
