"""Thông báo kết luận of a hội nghị đối thoại (DOMAIN.md §3 "Content of the Thông báo kết luận").

Opening (when, where, chair, attendance, the plan), I. Đánh giá chung, II. opinions and answers
grouped by field, III. Giao nhiệm vụ, IV. matters beyond competence, publication, closing,
signature, and an optional landscape appendix table of every opinion.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from app.domain import text
from app.domain.rules import DocumentKind, PetitionStatus
from app.export import phrases
from app.export.blocks import (
    Align,
    Block,
    Bullet,
    Closing,
    Column,
    DocumentBlocks,
    Item,
    LandscapeSection,
    Paragraph,
    Section,
    Span,
    SubItem,
    Table,
    Title,
)
from app.export.data import AssignmentData, DialogueData, IssueData, PetitionData
from app.export.documents.common import (
    answerer_phrase,
    clause,
    dialogue_opening,
    dialogue_values,
    kind_verb,
    listed_petitions,
    person_phrase,
    sentence,
    signature,
)
from app.export.templates import render_lines, render_template

BEYOND_COMPETENCE = (PetitionStatus.FORWARDED, PetitionStatus.OUT_OF_COMPETENCE)
DEFAULT_AUTHORITY = "cấp có thẩm quyền"
NO_FIELD = "Lĩnh vực khác"


def field_heading(field: str) -> str:
    """``Lĩnh vực đất đai`` from ``Đất đai``."""
    field = text.clean(field)
    if not field:
        return NO_FIELD
    if text.search_key(field).startswith("linh vuc"):
        return text.upper_first(field)
    return f"Lĩnh vực {phrases.lower_first(field)}"


def petition_order(p: PetitionData) -> tuple[int, int, tuple[object, ...], int, int]:
    """Field order first (unfiled last), then the order raised."""
    has_field = 0 if text.clean(p.field) else 1
    return (has_field, p.field_position, text.sort_key(p.field), p.position, p.ident or 0)


def grouped_by_field(petitions: Sequence[PetitionData]) -> list[tuple[str, list[PetitionData]]]:
    ordered = sorted(petitions, key=petition_order)
    return [
        (field_heading(field), list(group))
        for field, group in groupby(ordered, key=lambda p: text.clean(p.field))
    ]


def support_phrase(units: Sequence[str]) -> str:
    kept = [text.clean(u) for u in units if text.clean(u)]
    return f", phối hợp với {phrases.join_list(kept)}" if kept else ""


def assignment_sentence(
    a: AssignmentData, p: PetitionData, values: dict[str, object], *, public: bool
) -> str:
    """``Giao <đơn vị> chủ trì, phối hợp với <đơn vị> …; báo cáo kết quả … trước ngày …``."""
    task = clause(a.task) or (
        f"xem xét, giải quyết {kind_verb(p.kind)} của {phrases.lower_first(person_phrase(p, public=public))}"
    )
    year = values.get("nam")
    return render_template(
        "tb_giao_nhiem_vu",
        {
            **values,
            "don_vi_chu_tri": text.clean(a.lead_unit),
            "phoi_hop": support_phrase(a.supporting_units),
            "nhiem_vu": task,
            "thoi_han": text.date_phrase(a.deadline, year=year if isinstance(year, int) else None),
        },
    )


def conclusion_phrase(p: PetitionData, values: dict[str, object]) -> str:
    """The chair's conclusion on one petition, from what the meeting decided."""
    if p.status is PetitionStatus.ANSWERED:
        return "Đã trả lời xong tại hội nghị."
    if p.status in BEYOND_COMPETENCE:
        authority = text.clean(p.forwarded_to) or DEFAULT_AUTHORITY
        return f"Tổng hợp, kiến nghị {authority} xem xét, giải quyết."
    if p.status is PetitionStatus.RESOLVED:
        result = clause(p.latest_result)
        return f"Đã giải quyết: {result}." if result else "Đã giải quyết."
    if p.assignments:
        leads = phrases.join_list([a.lead_unit for a in p.assignments])
        year = values.get("nam")
        deadline = p.deadline
        when = f", báo cáo kết quả trước {text.date_phrase(deadline, year=year if isinstance(year, int) else None)}"
        return f"Giao {leads} chủ trì giải quyết{when if deadline else ''}."
    return "Tiếp thu, giao cơ quan chuyên môn nghiên cứu, trả lời bằng văn bản."


def opinion_blocks(index: int, p: PetitionData, values: dict[str, object], *, public: bool) -> list[Block]:
    blocks: list[Block] = [
        SubItem(
            index,
            [
                Span(person_phrase(p, public=public), bold=True),
                Span(f" {kind_verb(p.kind)}: "),
                Span(sentence(p.content)),
            ],
        )
    ]
    for answer in p.answers:
        if text.clean(answer.content):
            blocks.append(
                Bullet(
                    [
                        Span("Trả lời tại hội nghị: ", italic=True),
                        Span(f"{answerer_phrase(answer.name, answer.title)}: {sentence(answer.content)}"),
                    ]
                )
            )
    blocks.append(Bullet([Span("Kết luận: ", italic=True), Span(conclusion_phrase(p, values))]))
    return blocks


APPENDIX_COLUMNS = (
    Column("STT", 12, Align.CENTER),
    Column("Người nêu, thôn", 30),
    Column("Nội dung", 54),
    Column("Lĩnh vực", 22),
    Column("Trả lời tại hội nghị", 56),
    Column("Đơn vị giải quyết", 28),
    Column("Thời hạn", 25, Align.CENTER),
    Column("Ghi chú", 25),
)


def appendix_rows(ordered: Sequence[PetitionData], *, public: bool) -> list[list[str]]:
    rows = []
    for n, p in enumerate(ordered, 1):
        answers = "\n".join(
            f"{answerer_phrase(a.name, a.title)}: {text.clean(a.content)}"
            for a in p.answers
            if text.clean(a.content)
        )
        if p.status in BEYOND_COMPETENCE:
            units = text.clean(p.forwarded_to) or DEFAULT_AUTHORITY
        else:
            units = "\n".join(
                text.clean(a.lead_unit)
                + (f" (phối hợp: {', '.join(a.supporting_units)})" if a.supporting_units else "")
                for a in p.assignments
            )
        rows.append(
            [
                str(n),
                person_phrase(p, public=public),
                text.clean(p.content),
                text.clean(p.field),
                answers,
                units,
                text.short_date(p.deadline),
                p.status.label,
            ]
        )
    return rows


def build_conclusion_notice(
    dialogue: DialogueData, issue: IssueData | None = None, *, public: bool = False, appendix: bool = True
) -> DocumentBlocks:
    issue = issue or IssueData()
    org = dialogue.organization
    values = dialogue_values(dialogue)
    petitions = listed_petitions(dialogue)
    groups = grouped_by_field(petitions)
    ordered = [p for _field, group in groups for p in group]

    blocks: list[Block] = [
        *dialogue_opening(dialogue, issue, DocumentKind.CONCLUSION_NOTICE, "THÔNG BÁO", values),
    ]
    blocks.extend(Paragraph(line) for line in render_lines("tb_mo_dau", values))

    sections: list[tuple[str, list[Block]]] = []
    assessment = [line for line in text.word_safe(dialogue.assessment).split("\n") if line.strip()]
    general: list[Block] = [
        Paragraph(line) for line in assessment or render_lines("tb_danh_gia_chung", values)
    ]
    general.extend(Bullet(sentence(c)) for c in dialogue.conclusions if text.clean(c))
    sections.append(("Đánh giá chung", general))

    if groups:
        opinions: list[Block] = []
        for number, (heading, group) in enumerate(groups, 1):
            opinions.append(Item(number, heading, heading=True))
            for index, p in enumerate(group):
                opinions.extend(opinion_blocks(index, p, values, public=public))
        sections.append(("Ý kiến, kiến nghị của Nhân dân và kết luận", opinions))

    tasks: list[Block] = []
    for p in ordered:
        if p.status in BEYOND_COMPETENCE or p.status is PetitionStatus.ANSWERED:
            continue
        for a in p.assignments:
            tasks.append(Item(len(tasks) + 1, assignment_sentence(a, p, values, public=public)))
    if tasks:
        sections.append(("Giao nhiệm vụ", tasks))

    beyond: list[Block] = []
    for p in ordered:
        if p.status not in BEYOND_COMPETENCE:
            continue
        opinion = f"{kind_verb(p.kind)} của {phrases.lower_first(person_phrase(p, public=public))} về {clause(p.content)}"
        line = render_template(
            "tb_vuot_tham_quyen",
            {
                **values,
                "y_kien": opinion,
                "cap_co_tham_quyen": text.clean(p.forwarded_to) or DEFAULT_AUTHORITY,
            },
        )
        beyond.append(Item(len(beyond) + 1, line))
    if beyond:
        sections.append(("Các nội dung vượt thẩm quyền", beyond))

    for number, (heading, body) in enumerate(sections, 1):
        blocks.append(Section(number, heading))
        blocks.extend(body)
    blocks.extend(Paragraph(line) for line in render_lines("tb_cong_khai", values))
    blocks.extend(Paragraph(line) for line in render_lines("tb_ket_thuc", values))
    blocks.append(Closing())
    blocks.append(signature(org, issue, "noi_nhan_tb", values, dialogue.chair))

    if appendix and ordered:
        symbol = org.symbol(DocumentKind.CONCLUSION_NOTICE.code)
        reference = phrases.document_reference("Thông báo", issue.number, symbol, issue.issued_on)
        if issue.number is None:
            reference = f"Thông báo số {text.document_number(None)}/{symbol}"
            if issue.issued_on is not None:
                reference += f" {text.date_phrase(issue.issued_on)}"
        blocks.append(LandscapeSection())
        blocks.append(
            Title(
                "PHỤ LỤC",
                "Tổng hợp ý kiến, kiến nghị của Nhân dân và kết quả trả lời tại hội nghị",
                note=f"(Kèm theo {reference} của {org.name_in_text})",
            )
        )
        blocks.append(Table(APPENDIX_COLUMNS, appendix_rows(ordered, public=public), font_size=11))
    suffix = " (bản công khai)" if public else ""
    return DocumentBlocks(f"Thông báo kết luận {dialogue.display_title}{suffix}", blocks, org.name_in_text)
