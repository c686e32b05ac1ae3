"""Phiếu giao việc: the list of petitions one unit is to resolve, sent with its results sheet.

A văn bản có tên loại (Nghị định 30, Mẫu 1.4): header, ``PHIẾU GIAO VIỆC`` and its trích yếu,
``Kính gửi``, the items as a table, what to send back and by when, signature and Nơi nhận.
"""

from __future__ import annotations

from dataclasses import replace

from app.domain import text
from app.export.blocks import (
    Addressee,
    Align,
    Block,
    Closing,
    Column,
    DocumentBlocks,
    Paragraph,
    SignatureBlock,
    Table,
    Title,
)
from app.export.documents.common import header, signature
from app.export.unit_data import UnitDocumentData, UnitItemData

CODE = "PGV"  # ký hiệu of the kind: Số …/PGV-UBND

COLUMNS = (
    Column("STT", 12, Align.CENTER),
    Column("Người nêu, thôn; hội nghị", 38),
    Column("Nội dung ý kiến, kiến nghị", 56),
    Column("Nhiệm vụ; đơn vị phối hợp", 33),
    Column("Thời hạn", 26, Align.CENTER),
)


def _task_cell(item: UnitItemData) -> str:
    parts = [text.upper_first(text.clean(item.task))] if text.clean(item.task) else []
    if item.supporting:
        parts.append("Phối hợp: " + ", ".join(text.clean(u) for u in item.supporting))
    return "\n".join(parts)


def item_rows(items: list[UnitItemData]) -> list[list[str]]:
    return [
        [
            str(n),
            "\n".join(x for x in (item.petitioner, item.dialogue) if x),
            text.clean(item.content),
            _task_cell(item),
            text.short_date(item.deadline),
        ]
        for n, item in enumerate(items, 1)
    ]


def unit_signature(data: UnitDocumentData) -> SignatureBlock:
    """The body's signer; Nơi nhận: the unit (Như trên), the leaders, the office that follows up."""
    org = data.organization
    issue = data.issue
    if issue.recipients is None:
        leaders = f"Chủ tịch, các Phó Chủ tịch {text.short_body_name(org.name.replace(chr(10), ' '))}"
        issue = replace(issue, recipients=("Như trên", leaders, f"Lưu: VT, {data.office_code}"))
    return signature(org, issue, "", {})


def build_assignment_slip(data: UnitDocumentData) -> DocumentBlocks:
    org = data.organization
    issue = data.issue
    unit = text.clean(data.unit)
    items = list(data.items)
    blocks: list[Block] = [
        header(
            org,
            CODE,
            number=issue.number,
            issued_on=issue.issued_on,
            year=(issue.issued_on or data.today).year,
        ),
        Title("PHIẾU GIAO VIỆC", "Giải quyết ý kiến, kiến nghị của Nhân dân tại Hội nghị đối thoại"),
        Addressee([unit]),
        Paragraph(
            f"Thực hiện kết luận tại Hội nghị đối thoại với Nhân dân, {org.name_in_text} giao {unit} "
            f"chủ trì giải quyết {len(items)} ý kiến, kiến nghị của Nhân dân sau đây:"
        ),
        Table(COLUMNS, item_rows(items), font_size=12),
        Paragraph(
            f"Đề nghị {unit} khẩn trương tổ chức thực hiện; ghi kết quả vào tệp danh sách kèm theo "
            "(các cột Kết quả, Số/ngày văn bản trả lời, Ngày hoàn thành, không sửa các cột khác) và gửi "
            f"lại {org.name_in_text} (qua {text.clean(data.office)}) cùng văn bản trả lời trong thời hạn "
            "của từng nội dung."
        ),
        Paragraph(
            "Trường hợp không thể giải quyết đúng thời hạn, đề nghị báo cáo rõ lý do và đề xuất "
            "gia hạn trước khi hết hạn."
        ),
        Closing(),
        unit_signature(data),
    ]
    return DocumentBlocks(f"Phiếu giao việc: {unit}", blocks, org.name_in_text)
