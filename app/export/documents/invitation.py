"""Giấy mời (Mẫu 1.7) to a hội nghị đối thoại."""

from __future__ import annotations

from app.domain import text
from app.domain.rules import DocumentKind
from app.export.blocks import Block, Closing, DocumentBlocks, Paragraph
from app.export.data import DialogueData, IssueData
from app.export.documents.common import dialogue_opening, dialogue_values, list_blocks, signature
from app.export.templates import render_lines


def build_invitation(
    dialogue: DialogueData, issue: IssueData | None = None, *, invitee: str = ""
) -> DocumentBlocks:
    """A Giấy mời; without ``invitee`` a dotted line is left to write the name by hand."""
    issue = issue or IssueData()
    org = dialogue.organization
    values = dialogue_values(dialogue)
    blocks: list[Block] = [
        *dialogue_opening(dialogue, issue, DocumentKind.INVITATION, "GIẤY MỜI", values),
    ]
    blocks.extend(list_blocks(render_lines("gm_loi_moi", values)))
    if text.clean(invitee):
        blocks.append(Paragraph(text.clean(invitee), bold=True))
    else:
        blocks.append(Paragraph("Ông (bà):", leader=True))
    blocks.extend(list_blocks(render_lines("gm_noi_dung", values)))
    blocks.append(Closing())
    blocks.append(signature(org, issue, "noi_nhan_gm", values, dialogue.chair))
    return DocumentBlocks(f"Giấy mời {dialogue.display_title}", blocks, org.name_in_text)
