"""Thông báo kết luận of a hội nghị đối thoại (DOMAIN.md §3 "Content of the Thông báo kết luận").

Opening (when, where, chair, attendance, the plan), I. Đánh giá chung, II. opinions and answers
grouped by field, III. Giao nhiệm vụ, IV. matters beyond competence, publication, closing,
signature, and an optional landscape appendix table of every opinion.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from app.domain import text
from app.domain.rules import AnswerOutcome, DocumentKind, PetitionStatus
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
    kind_noun,
    listed_petitions,
    opinion_summary,
    person_phrase,
    raised_phrase,
    sentence,
    signature,
    without_speech_verb,
)
from app.export.errors import DialogueNotHeldError, IssueDateError
from app.export.privacy import public_dialogue
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
    """Petitions under their field's heading; an unfiled one joins a field named "Khác"."""
    groups: dict[str, tuple[str, list[PetitionData]]] = {}
    for p in sorted(petitions, key=petition_order):
        heading = field_heading(p.field)
        groups.setdefault(text.search_key(heading), (heading, []))[1].append(p)
    return list(groups.values())


def support_phrase(units: Sequence[str]) -> str:
    kept = [text.clean(u) for u in units if text.clean(u)]
    return f", phối hợp với {phrases.join_list(kept)}" if kept else ""


class Outcome(enum.Enum):
    """What the meeting decided about one opinion (not what the follow-up did later)."""

    ANSWERED = "answered"
    ASSIGNED = "assigned"
    BEYOND = "beyond"
    NOTED = "noted"


def meeting_outcome(p: PetitionData) -> Outcome:
    if p.status in BEYOND_COMPETENCE or any(a.outcome is AnswerOutcome.FORWARDED for a in p.answers):
        return Outcome.BEYOND
    if p.assignments:
        return Outcome.ASSIGNED
    if p.status is PetitionStatus.ANSWERED or any(a.outcome is AnswerOutcome.ANSWERED for a in p.answers):
        return Outcome.ANSWERED
    return Outcome.NOTED


_OUTCOME_NOTE = {
    Outcome.ANSWERED: "Đã trả lời tại hội nghị",
    Outcome.ASSIGNED: "Giao giải quyết",
    Outcome.BEYOND: "Kiến nghị cấp có thẩm quyền",
    Outcome.NOTED: "Tiếp thu, trả lời bằng văn bản",
}


@dataclass(frozen=True)
class _Place:
    """Where an opinion sits in section II: ``điểm b khoản 1``."""

    item: int
    sub: int

    def phrase(self, section: int) -> str:
        return f"điểm {text.sub_item_label(self.sub)[:-1]} khoản {self.item} mục {text.roman(section)}"


def _year(values: dict[str, object]) -> int | None:
    year = values.get("nam")
    return year if isinstance(year, int) else None


def assignment_sentence(
    a: AssignmentData,
    p: PetitionData,
    values: dict[str, object],
    *,
    public: bool,
    place: str = "",
) -> str:
    """``Giao <đơn vị> chủ trì, phối hợp với <đơn vị> …; trả lời công dân và báo cáo kết quả …``."""
    who = phrases.lower_first(person_phrase(p, public=public))
    about = without_speech_verb(opinion_summary(p))
    task = clause(a.task)
    if not task:
        task = f"xem xét, giải quyết {kind_noun(p.kind)} của {who} về việc {about}"
    if place:
        task += f" ({kind_noun(p.kind)} tại {place})"
    return render_template(
        "tb_giao_nhiem_vu",
        {
            **values,
            "don_vi_chu_tri": text.clean(a.lead_unit),
            "phoi_hop": support_phrase(a.supporting_units),
            "nhiem_vu": task,
            "thoi_han": text.date_phrase(a.deadline, year=_year(values)),
        },
    )


def conclusion_phrase(p: PetitionData, task_numbers: Sequence[int], sections: dict[str, int]) -> str:
    """The chair's conclusion on one opinion, as decided at the meeting; tasks are in III."""
    outcome = meeting_outcome(p)
    if outcome is Outcome.ANSWERED:
        return "Nội dung đã được trả lời tại hội nghị."
    if outcome is Outcome.BEYOND:
        authority = text.clean(p.forwarded_to) or DEFAULT_AUTHORITY
        return f"Tổng hợp, kiến nghị {authority} xem xét, giải quyết (mục {text.roman(sections['beyond'])})."
    if outcome is Outcome.ASSIGNED:
        leads = phrases.join_list([a.lead_unit for a in p.assignments])
        numbers = phrases.join_list([str(n) for n in task_numbers])
        where = f"nhiệm vụ {numbers} mục {text.roman(sections['tasks'])}"
        return f"Giao {leads} chủ trì giải quyết ({where})."
    return "Tiếp thu, giao cơ quan chuyên môn nghiên cứu, trả lời công dân bằng văn bản."


def opinion_blocks(
    index: int,
    p: PetitionData,
    *,
    public: bool,
    task_numbers: Sequence[int],
    sections: dict[str, int],
) -> list[Block]:
    blocks: list[Block] = [SubItem(index, raised_phrase(p, public=public))]
    for answer in p.answers:
        if text.clean(answer.content):
            who = answerer_phrase(answer.name, answer.title)
            blocks.append(
                Bullet(
                    [
                        Span("Trả lời tại hội nghị: ", italic=True),
                        Span(f"{who}: {sentence(answer.content)}" if who else sentence(answer.content)),
                    ]
                )
            )
    if meeting_outcome(p) is Outcome.ANSWERED and len(blocks) > 1:
        return blocks  # the answer given is the conclusion; saying so again costs a line each
    blocks.append(
        Bullet([Span("Kết luận: ", italic=True), Span(conclusion_phrase(p, task_numbers, sections))])
    )
    return blocks


APPENDIX_COLUMNS = (
    Column("STT", 12, Align.CENTER),
    Column("Người nêu, thôn", 30),
    Column("Nội dung", 56),
    Column("Lĩnh vực", 26),
    Column("Trả lời tại hội nghị", 55),
    Column("Đơn vị giải quyết", 28),
    Column("Thời hạn", 23, Align.CENTER),  # "26/10/2026" on one line at 11 pt
    Column("Ghi chú", 22),
)


def appendix_rows(ordered: Sequence[PetitionData], *, public: bool) -> list[list[str]]:
    rows = []
    for n, p in enumerate(ordered, 1):
        answers = "\n".join(
            f"{who}: {text.clean(a.content)}"
            if (who := answerer_phrase(a.name, a.title))
            else text.clean(a.content)
            for a in p.answers
            if text.clean(a.content)
        )
        outcome = meeting_outcome(p)
        if outcome is Outcome.BEYOND:
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
                sentence(opinion_summary(p)),
                text.upper_first(text.clean(p.field)),
                answers,
                units,
                text.short_date(p.deadline),
                _OUTCOME_NOTE[outcome],
            ]
        )
    return rows


def require_held(dialogue: DialogueData, kind_label: str) -> None:
    """A Thông báo kết luận, Biên bản or Báo cáo exists only for a meeting that took place."""
    if not dialogue.held:
        raise DialogueNotHeldError(
            f"{kind_label} of a dialogue not held yet",
            f"Chưa thể lập {kind_label}: hội nghị «{dialogue.display_title}» chưa được tổ chức. "
            "Hãy bắt đầu hội nghị và ghi diễn biến trước."
            + (
                " Cần biên bản in sẵn để ghi tay thì chọn «Biên bản để ghi tay»."
                if kind_label == "biên bản"
                else ""
            ),
        )
    if not dialogue.entries and not dialogue.petitions:
        raise DialogueNotHeldError(
            f"{kind_label} of a dialogue with no entries",
            f"Chưa thể lập {kind_label}: hội nghị «{dialogue.display_title}» chưa có diễn biến và chưa có ý kiến, "
            "kiến nghị nào được ghi. Hãy ghi biên bản hội nghị trước."
            + (
                " Cần biên bản in sẵn để ghi tay thì chọn «Biên bản để ghi tay»."
                if kind_label == "biên bản"
                else ""
            ),
        )


def check_issue_date(dialogue: DialogueData, issued_on: date | None) -> None:
    """Refuse a Thông báo kết luận dated before the meeting it concludes."""
    day = dialogue.meeting_day
    if issued_on is not None and day is not None and issued_on < day:
        raise IssueDateError(
            f"conclusion notice dated {issued_on} before the meeting of {day}",
            f"Ngày ban hành Thông báo kết luận ({text.short_date(issued_on)}) không thể trước ngày hội nghị "
            f"({text.short_date(day)}). Hãy chọn ngày từ {text.short_date(day)} trở đi.",
        )


NOTICE_DAYS = 10  # Luật Tổ chức chính quyền địa phương 2025, Điều 43: results announced within 10 days


def issue_date_warning(dialogue: DialogueData, issued_on: date | None) -> str:
    """A warning (not a refusal) when the Thông báo comes later than the law allows; else ""."""
    day = dialogue.meeting_day
    if issued_on is None or day is None:
        return ""
    late = (issued_on - day).days - NOTICE_DAYS
    if late > 0:
        return (
            f"Thông báo kết luận ban hành ngày {text.short_date(issued_on)}, quá {late} ngày so với thời hạn "
            f"{NOTICE_DAYS} ngày sau hội nghị (Luật Tổ chức chính quyền địa phương năm 2025, Điều 43)."
        )
    return ""


def build_conclusion_notice(
    dialogue: DialogueData, issue: IssueData | None = None, *, public: bool = False, appendix: bool = True
) -> DocumentBlocks:
    issue = issue or IssueData()
    require_held(dialogue, "thông báo kết luận")
    check_issue_date(dialogue, issue.issued_on)
    if public:
        dialogue, _replacements = public_dialogue(dialogue)
    org = dialogue.organization
    values = dialogue_values(dialogue)
    petitions = listed_petitions(dialogue)
    groups = grouped_by_field(petitions)
    ordered = [p for _field, group in groups for p in group]

    # Section numbers first: II refers to the tasks of III and the matters of IV.
    sections = {"general": 1}
    if groups:
        sections["opinions"] = len(sections) + 1
    tasked = [p for p in ordered if meeting_outcome(p) is Outcome.ASSIGNED]
    if tasked:
        sections["tasks"] = len(sections) + 1
    sections["beyond"] = len(sections) + 1

    places: dict[int, _Place] = {}
    for number, (_heading, group) in enumerate(groups, 1):
        for index, p in enumerate(group):
            places[id(p)] = _Place(number, index)
    tasks: list[Block] = []
    task_numbers: dict[int, list[int]] = {}
    for p in tasked:
        place = places[id(p)].phrase(sections["opinions"])
        for a in p.assignments:
            number = len(tasks) + 1
            task_numbers.setdefault(id(p), []).append(number)
            tasks.append(Item(number, assignment_sentence(a, p, values, public=public, place=place)))

    blocks: list[Block] = [
        *dialogue_opening(dialogue, issue, DocumentKind.CONCLUSION_NOTICE, "THÔNG BÁO", values),
    ]
    blocks.extend(Paragraph(line) for line in render_lines("tb_mo_dau", values))

    body: list[tuple[str, list[Block]]] = []
    assessment = [line for line in text.word_safe(dialogue.assessment).split("\n") if line.strip()]
    general: list[Block] = [
        Paragraph(line) for line in assessment or render_lines("tb_danh_gia_chung", values)
    ]
    general.extend(Bullet(sentence(c)) for c in dialogue.conclusions if text.clean(c))
    body.append(("Đánh giá chung", general))

    if groups:
        opinions: list[Block] = []
        for number, (heading, group) in enumerate(groups, 1):
            opinions.append(Item(number, heading, heading=True))
            for index, p in enumerate(group):
                opinions.extend(
                    opinion_blocks(
                        index, p, public=public, task_numbers=task_numbers.get(id(p), ()), sections=sections
                    )
                )
        body.append(("Ý kiến, kiến nghị của Nhân dân và kết luận", opinions))
    if tasks:
        body.append(("Giao nhiệm vụ", tasks))

    beyond: list[Block] = []
    for p in ordered:
        if meeting_outcome(p) is not Outcome.BEYOND:
            continue
        who = phrases.lower_first(person_phrase(p, public=public))
        opinion = f"{kind_noun(p.kind)} của {who} về việc {without_speech_verb(opinion_summary(p))}"
        line = render_template(
            "tb_vuot_tham_quyen",
            {
                **values,
                "y_kien": opinion,
                "cap_co_tham_quyen": text.clean(p.forwarded_to) or DEFAULT_AUTHORITY,
            },
        )
        beyond.append(Item(len(beyond) + 1, line))
    if not beyond:
        beyond = [Paragraph(line) for line in render_lines("tb_khong_vuot_tham_quyen", values)]
    body.append(("Các nội dung vượt thẩm quyền", beyond))

    for number, (heading, section_body) in enumerate(body, 1):
        blocks.append(Section(number, heading))
        blocks.extend(section_body)
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
    return DocumentBlocks(
        f"Thông báo kết luận {dialogue.display_title}{suffix}",
        blocks,
        org.name_in_text,
        subject=render_template("trich_yeu_tb", values),
    )
