"""Báo cáo kết quả giải quyết ý kiến, kiến nghị after a dialogue (DOMAIN.md §3).

The figures come from :func:`app.domain.statistics.resolution_statistics`, the same function
the follow-up screen and the .xlsx export use, so the three never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.domain import text
from app.domain.rules import DocumentKind, PetitionStatus
from app.domain.standing import petition_standing
from app.domain.statistics import ResolutionStatistics, StandingCounts, resolution_statistics
from app.export import phrases
from app.export.blocks import (
    Align,
    Block,
    Bullet,
    Closing,
    Column,
    DocumentBlocks,
    Item,
    Paragraph,
    Section,
    Table,
)
from app.export.data import IssueData, PetitionData, ReportData
from app.export.documents.common import (
    dialogue_opening,
    dialogue_values,
    lines_or_default,
    listed_petitions,
    person_phrase,
    signature,
)
from app.export.documents.conclusion_notice import (
    BEYOND_COMPETENCE,
    DEFAULT_AUTHORITY,
    petition_order,
    require_held,
)
from app.export.privacy import public_dialogue
from app.export.templates import render_lines


def count_lines(counts: StandingCounts) -> list[str]:
    """The overall figures as dash lines; rare standings only when they occur."""
    lines = [
        f"Tổng số ý kiến, kiến nghị: {counts.total}",
        f"Đã trả lời tại hội nghị: {counts.answered}",
        f"Đã giải quyết đúng hạn: {counts.resolved_on_time}",
        f"Đã giải quyết nhưng quá hạn: {counts.resolved_late}",
        f"Đang giải quyết, còn trong hạn: {counts.in_progress}",
        f"Quá hạn, chưa giải quyết: {counts.overdue}",
        f"Đã chuyển cấp có thẩm quyền: {counts.forwarded}",
    ]
    if counts.out_of_competence:
        lines.append(f"Không thuộc thẩm quyền: {counts.out_of_competence}")
    if counts.pending:
        lines.append(f"Chưa phân loại, xử lý: {counts.pending}")
    if counts.withdrawn:
        lines.append(f"Công dân rút ý kiến: {counts.withdrawn}")
    return [f"{line};" for line in lines[:-1]] + [f"{lines[-1]}."]


def _count_columns(first: str) -> tuple[Column, ...]:
    return (
        Column(first, 52),  # "Chính sách xã hội – người có công – hộ nghèo" in two lines
        Column("Tổng số", 14, Align.CENTER),
        Column("Trả lời tại hội nghị", 17, Align.CENTER),
        Column("Giải quyết đúng hạn", 17, Align.CENTER),
        Column("Giải quyết quá hạn", 17, Align.CENTER),
        Column("Đang giải quyết", 16, Align.CENTER),
        Column("Quá hạn", 14, Align.CENTER),
        Column("Chuyển cấp, khác", 18, Align.CENTER),
    )


def _count_row(name: str, c: StandingCounts) -> list[str]:
    others = c.forwarded + c.out_of_competence + c.withdrawn
    values = [
        c.total,
        c.answered,
        c.resolved_on_time,
        c.resolved_late,
        c.in_progress + c.pending,
        c.overdue,
        others,
    ]
    return [name, *(str(v) for v in values)]


def count_table(first: str, groups: Sequence[tuple[str, StandingCounts]], overall: StandingCounts) -> Table:
    rows = [_count_row(name, counts) for name, counts in groups]
    rows.append(_count_row("Tổng cộng", overall))
    return Table(_count_columns(first), rows, font_size=11, bold_last_row=True)


ITEM_COLUMNS = (
    Column("STT", 11, Align.CENTER),
    Column("Người nêu, thôn", 26),
    Column("Nội dung", 36),
    Column("Đơn vị giải quyết", 25),
    Column("Thời hạn", 23, Align.CENTER),
    Column("Kết quả giải quyết", 26),
    Column("Tình trạng", 18),
)


def item_rows(
    petitions: Sequence[PetitionData], stats: ResolutionStatistics, *, public: bool, near_due_days: int
) -> list[list[str]]:
    rows = []
    for n, p in enumerate(sorted(petitions, key=petition_order), 1):
        if p.status in BEYOND_COMPETENCE:
            unit = text.clean(p.forwarded_to) or DEFAULT_AUTHORITY
        else:
            unit = phrases.join_list([a.lead_unit for a in p.assignments])
        result = text.clean(p.latest_result)
        if not result and p.status is PetitionStatus.ANSWERED:
            result = "Đã trả lời tại hội nghị"
        value = petition_standing(p.facts(), stats.today, near_due_days).standing
        rows.append(
            [
                str(n),
                person_phrase(p, public=public),
                text.clean(p.content),
                unit,
                text.short_date(p.deadline),
                result,
                text.upper_first(value.label if value else p.status.label),
            ]
        )
    return rows


def build_report(
    report: ReportData, issue: IssueData | None = None, *, public: bool = False
) -> DocumentBlocks:
    issue = issue or IssueData()
    dialogue = report.dialogue
    require_held(dialogue, "báo cáo")
    if public:
        dialogue, _replacements = public_dialogue(dialogue)
    org = dialogue.organization
    values = dialogue_values(dialogue)
    notice = report.notice
    if notice is not None:
        values["thong_bao"] = phrases.document_reference(
            "Thông báo", notice.number, notice.symbol, notice.issued_on
        )
    else:
        values["thong_bao"] = "Thông báo kết luận"
    petitions = listed_petitions(dialogue)
    stats = resolution_statistics((p.facts() for p in dialogue.petitions), report.today, report.near_due_days)

    blocks: list[Block] = [
        *dialogue_opening(dialogue, issue, DocumentKind.REPORT, "BÁO CÁO", values),
    ]
    blocks.extend(Paragraph(line) for line in render_lines("bc_mo_dau", values))
    blocks.append(Section(1, "Công tác tổ chức hội nghị"))
    blocks.extend(Paragraph(line) for line in render_lines("bc_to_chuc", values))
    blocks.append(Section(2, "Kết quả giải quyết ý kiến, kiến nghị"))
    blocks.append(Paragraph(f"Tính đến {text.date_phrase(report.today)}, kết quả cụ thể như sau:"))
    blocks.append(Item(1, "Tổng hợp chung", heading=True))
    blocks.extend(Bullet(line) for line in count_lines(stats.overall))
    blocks.append(Item(2, "Theo lĩnh vực", heading=True))
    blocks.append(count_table("Lĩnh vực", stats.by_field, stats.overall))
    blocks.append(Item(3, "Theo thôn, tổ dân phố", heading=True))
    blocks.append(count_table("Thôn, tổ dân phố", stats.by_hamlet, stats.overall))
    if petitions:
        blocks.append(Item(4, "Kết quả giải quyết từng ý kiến, kiến nghị", heading=True))
        blocks.append(
            Table(
                ITEM_COLUMNS,
                item_rows(petitions, stats, public=public, near_due_days=report.near_due_days),
                font_size=11,
            )
        )
    blocks.append(Section(3, "Khó khăn, vướng mắc"))
    blocks.extend(Paragraph(line) for line in lines_or_default(report.difficulties, "bc_kho_khan", values))
    blocks.append(Section(4, "Đề xuất, kiến nghị"))
    blocks.extend(Paragraph(line) for line in lines_or_default(report.proposals, "bc_de_xuat", values))
    blocks.extend(Paragraph(line) for line in render_lines("bc_ket_thuc", values))
    blocks.append(Closing())
    blocks.append(signature(org, issue, "noi_nhan_bc", values, dialogue.chair))
    suffix = " (bản công khai)" if public else ""
    return DocumentBlocks(
        f"Báo cáo kết quả giải quyết kiến nghị {dialogue.display_title}{suffix}", blocks, org.name_in_text
    )
