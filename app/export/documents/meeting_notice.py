"""Thông báo tổ chức hội nghị: time, place, chair, participants, content and how to attend."""

from __future__ import annotations

from app.domain import text
from app.domain.rules import DocumentKind
from app.export.blocks import Block, Closing, DocumentBlocks, Item, Paragraph, Span
from app.export.data import DialogueData, IssueData
from app.export.documents.common import dialogue_opening, dialogue_values, list_blocks, signature
from app.export.templates import render_lines


def _labelled_item(number: int, label: str, value: str) -> Item:
    return Item(number, [Span(f"{label}: ", bold=True), Span(value)])


def build_meeting_notice(dialogue: DialogueData, issue: IssueData | None = None) -> DocumentBlocks:
    issue = issue or IssueData()
    org = dialogue.organization
    values = dialogue_values(dialogue)
    blocks: list[Block] = [
        *dialogue_opening(dialogue, issue, DocumentKind.MEETING_NOTICE, "THÔNG BÁO", values),
    ]
    blocks.extend(list_blocks(render_lines("tbtc_mo_dau", values)))
    items: list[tuple[str, str]] = [
        ("Thời gian", f"{values['gio_hoi_nghi']}, {values['ngay_hoi_nghi']}."),
        ("Địa điểm", f"{values['dia_diem']}."),
    ]
    if dialogue.chair is not None:
        items.append(("Chủ trì", f"{text.upper_first(str(values['chu_tri']))}{values['dong_chu_tri']}."))
    participants = text.clean(dialogue.participants) or text.clean(dialogue.audience)
    if participants:
        items.append(("Thành phần", participants.rstrip(".") + "."))
    items.append(("Nội dung", text.upper_first(str(values["noi_dung"])) + "."))
    number = 0
    for number, (label, value) in enumerate(items, 1):
        blocks.append(_labelled_item(number, label, value))
    blocks.append(Item(number + 1, "Cách thức tham dự, gửi ý kiến", heading=True))
    blocks.extend(list_blocks(render_lines("tbtc_cach_thuc", values)))
    blocks.extend(Paragraph(line) for line in render_lines("tbtc_cong_khai", values))
    blocks.append(Closing())
    blocks.append(signature(org, issue, "noi_nhan_tbtc", values, dialogue.chair))
    return DocumentBlocks(f"Thông báo tổ chức {dialogue.display_title}", blocks, org.name_in_text)
