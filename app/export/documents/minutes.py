"""Biên bản hội nghị (Mẫu 1.9): no date in the header; what happened, in order; two signatures."""

from __future__ import annotations

import re
from dataclasses import replace

from app.domain import text
from app.domain.rules import DocumentKind, MinuteKind
from app.export import phrases
from app.export.blocks import (
    Block,
    Bullet,
    Closing,
    DocumentBlocks,
    Paragraph,
    Recipients,
    SignatureBlock,
    Signer,
    Span,
)
from app.export.data import DialogueData, IssueData, MinuteEntryData
from app.export.documents.common import (
    dialogue_opening,
    dialogue_values,
    labelled,
    leader_phrase,
    list_blocks,
    sentence,
)
from app.export.documents.conclusion_notice import require_held
from app.export.templates import render_lines

_HONORIFIC = re.compile(r"^(ông|bà|anh|chị|đồng chí|đ/c|cô|chú|bác|em)\b", re.IGNORECASE)
_KIND_LEAD = {
    MinuteKind.OPENING: "Khai mạc",
    MinuteKind.REPORT: "Báo cáo",
    MinuteKind.CONCLUSION: "Kết luận của chủ tọa",
}


_TRAILING_GROUP = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")


def _without_hamlet(speaker: str, hamlet: str) -> str:
    """``Nguyễn Văn A`` from ``Nguyễn Văn A (Thôn Đông)`` when the thôn is printed anyway."""
    match = _TRAILING_GROUP.match(speaker)
    if (
        match
        and hamlet
        and text.search_key(match.group(2))
        in {
            text.search_key(hamlet),
            text.search_key(phrases.hamlet_phrase(hamlet)),
        }
    ):
        return match.group(1)
    return speaker


def _speaker(entry: MinuteEntryData) -> str:
    speaker = _without_hamlet(text.clean(entry.speaker), entry.hamlet)
    if not speaker:
        return ""
    if entry.kind is MinuteKind.SPEECH:
        form = entry.address_form or text.suggest_address_form(speaker)
        prefix = "" if _HONORIFIC.match(speaker) or not form.label else form.label + " "
        details = [d for d in (phrases.hamlet_phrase(entry.hamlet), _field_phrase(entry.field)) if d]
        return prefix + speaker + (f" ({', '.join(details)})" if details else "")
    if entry.kind is MinuteKind.ANSWER:
        return speaker if _HONORIFIC.match(speaker) else f"Đồng chí {speaker}"
    return speaker


def _field_phrase(field: str) -> str:
    field = text.clean(field)
    return f"lĩnh vực {phrases.lower_first(field)}" if field else ""


def entry_paragraph(entry: MinuteEntryData) -> Paragraph:
    """``08 giờ 15 – Ông Nguyễn Văn A (thôn Đông, lĩnh vực đất đai) phát biểu: …``."""
    spans: list[Span] = []
    clock = phrases.clock(entry.at)
    if clock:
        spans.append(Span(f"{clock} – ", bold=True))
    lead = _KIND_LEAD.get(entry.kind)
    speaker = _speaker(entry)
    verb = {MinuteKind.SPEECH: " phát biểu", MinuteKind.ANSWER: " trả lời"}.get(entry.kind, "")
    if lead and speaker:
        spans.append(Span(f"{lead} ({speaker})", bold=True))
    elif lead:
        spans.append(Span(lead, bold=True))
    elif speaker:
        spans.append(Span(speaker, bold=True))
    if speaker and verb:
        spans.append(Span(verb))
    content = sentence(entry.content)
    if content:
        spans.append(Span(f": {content}" if spans and not (len(spans) == 1 and clock) else content))
    return Paragraph(spans)


def _conclusion_lead(entry: MinuteEntryData) -> Paragraph:
    """``10 giờ 30 – Kết luận của chủ tọa (đồng chí …):`` before the items, one bullet each."""
    lead = entry_paragraph(replace(entry, content="")).text
    spans = [Span(lead)] if isinstance(lead, str) else list(lead)
    return Paragraph([*spans, Span(":")], keep_with_next=True)


def _labelled_or_blank(label: str, value: str) -> Paragraph:
    """``Thư ký: Đỗ Thị Hà.``; nobody recorded: a dotted line to write the name, never ``Thư ký: .``"""
    if value:
        return labelled(label, f"{value}.")
    return Paragraph([Span(f"{label}: ", bold=True)], leader=True)


def build_minutes(
    dialogue: DialogueData, issue: IssueData | None = None, *, handwritten: bool = False
) -> DocumentBlocks:
    """The Biên bản of a held meeting; ``handwritten`` prints the form to fill in by hand."""
    if handwritten:
        return build_minutes_form(dialogue, issue)
    require_held(dialogue, "biên bản")
    issue = issue or IssueData()
    org = dialogue.organization
    values = dialogue_values(dialogue)
    blocks: list[Block] = [
        *dialogue_opening(dialogue, issue, DocumentKind.MINUTES, "BIÊN BẢN", values, show_date=False),
        labelled("Thời gian bắt đầu", f"{values['gio_hoi_nghi']}, {values['ngay_hoi_nghi']}."),
        labelled("Địa điểm", f"{values['dia_diem']}."),
        Paragraph([Span("Thành phần tham dự:", bold=True)], keep_with_next=True),
    ]
    attendees = [leader_phrase(a.name, a.title) for a in dialogue.attendees if not a.absent]
    blocks.extend(Bullet(text.upper_first(a) + ";") for a in attendees if a)
    if text.clean(dialogue.participants):
        blocks.extend(list_blocks([dialogue.participants]))
    blocks.append(Bullet(f"Tổng số: {text.upper_first(str(values['thanh_phan']))}."))
    absent = [a for a in dialogue.attendees if a.absent and text.clean(a.name)]
    if absent:
        blocks.append(Paragraph([Span("Vắng mặt:", bold=True)], keep_with_next=True))
        blocks.extend(
            Bullet(
                text.upper_first(leader_phrase(a.name, a.title))
                + (f" (lý do: {text.clean(a.reason)})" if text.clean(a.reason) else "")
                + ";"
            )
            for a in absent
        )
    chair = dialogue.chair
    chair_text = text.upper_first(leader_phrase(chair.name, chair.title)) if chair else ""
    blocks.append(
        _labelled_or_blank("Chủ trì (chủ tọa)", f"{chair_text}{values['dong_chu_tri']}" if chair_text else "")
    )
    blocks.append(_labelled_or_blank("Thư ký (người ghi biên bản)", text.clean(dialogue.secretary_name)))
    blocks.append(Paragraph([Span("Nội dung (theo diễn biến hội nghị):", bold=True)], keep_with_next=True))
    entries = sorted(dialogue.entries, key=lambda e: e.at)
    previous: MinuteEntryData | None = None
    for entry in entries:
        if (
            entry.kind is MinuteKind.CONCLUSION
            and previous is not None
            and previous.kind is MinuteKind.CONCLUSION
            and previous.speaker == entry.speaker
        ):
            # The chair's conclusion items stay separate: one lead line, then one item each.
            if not isinstance(blocks[-1], Bullet):
                blocks[-1] = _conclusion_lead(previous)
                blocks.append(Bullet(sentence(previous.content)))
            blocks.append(Bullet(sentence(entry.content)))
        else:
            blocks.append(entry_paragraph(entry))
        previous = entry
    has_conclusion = any(e.kind is MinuteKind.CONCLUSION for e in entries)
    conclusions = [c for c in dialogue.conclusions if text.clean(c)]
    if conclusions and not has_conclusion:
        blocks.append(Paragraph([Span("Kết luận của chủ tọa:", bold=True)], keep_with_next=True))
        blocks.extend(Bullet(sentence(c)) for c in conclusions)
    end = dialogue.ended_at
    # Not closed in the program: the day is the meeting's, the hour left to write by hand.
    end_day = end.date() if end else dialogue.meeting_day
    end_values = {
        **values,
        "gio_ket_thuc": phrases.time_phrase(end),
        "ngay_ket_thuc": text.date_phrase(end_day, year=dialogue.year),
    }
    blocks.extend(Paragraph(line) for line in render_lines("bb_ket_thuc", end_values))
    blocks.append(Closing())
    recipients = issue.recipients if issue.recipients is not None else render_lines("noi_nhan_bb", values)
    blocks.append(
        SignatureBlock(
            signer=Signer("CHỦ TỌA", chair.name if chair else ""),
            left_signer=Signer("THƯ KÝ", dialogue.secretary_name),
            recipients=Recipients(tuple(recipients)),
        )
    )
    return DocumentBlocks(f"Biên bản {dialogue.display_title}", blocks, org.name_in_text)


_DOTS = "……"
FORM_CONTENT_LINES = 26  # about one page of dotted lines for the speakers, answers and conclusion


def build_minutes_form(dialogue: DialogueData, issue: IssueData | None = None) -> DocumentBlocks:
    """Biên bản để ghi tay: the Mẫu 1.9 form with dotted lines, for when the PC or the power fails.

    What is already known (place, chair, secretary) is printed; everything else is a dotted line.
    """
    issue = issue or IssueData()
    org = dialogue.organization
    values = dialogue_values(dialogue)
    chair = dialogue.chair
    chair_text = text.upper_first(leader_phrase(chair.name, chair.title)) if chair else ""
    blocks: list[Block] = [
        *dialogue_opening(dialogue, issue, DocumentKind.MINUTES, "BIÊN BẢN", values, show_date=False),
        Paragraph(
            [
                Span("Thời gian bắt đầu: ", bold=True),
                Span(f"{_DOTS} giờ {_DOTS} phút, ngày {_DOTS} tháng {_DOTS} năm {dialogue.year}"),
            ],
        ),
        Paragraph([Span("Địa điểm: ", bold=True), Span(text.clean(dialogue.place))], leader=True),
        Paragraph([Span("Thành phần tham dự:", bold=True)], leader=True, keep_with_next=True),
    ]
    blocks.extend(Paragraph("", leader=True, indent=False) for _ in range(3))
    blocks.append(Paragraph([Span("Chủ trì (chủ tọa): ", bold=True), Span(chair_text)], leader=True))
    blocks.append(
        Paragraph(
            [Span("Thư ký (người ghi biên bản): ", bold=True), Span(text.clean(dialogue.secretary_name))],
            leader=True,
        )
    )
    blocks.append(Paragraph([Span("Nội dung (theo diễn biến hội nghị):", bold=True)], keep_with_next=True))
    blocks.extend(Paragraph("", leader=True, indent=False) for _ in range(FORM_CONTENT_LINES))
    blocks.append(Paragraph([Span("Kết luận của chủ tọa:", bold=True)], leader=True, keep_with_next=True))
    blocks.extend(Paragraph("", leader=True, indent=False) for _ in range(6))
    blocks.append(
        Paragraph(
            f"Hội nghị kết thúc vào {_DOTS} giờ {_DOTS} phút, ngày {_DOTS} tháng {_DOTS} năm {dialogue.year}."
        )
    )
    blocks.append(Closing())
    recipients = issue.recipients if issue.recipients is not None else render_lines("noi_nhan_bb", values)
    blocks.append(
        SignatureBlock(
            signer=Signer("CHỦ TỌA", chair.name if chair else ""),
            left_signer=Signer("THƯ KÝ", dialogue.secretary_name),
            recipients=Recipients(tuple(recipients)),
        )
    )
    return DocumentBlocks(f"Biên bản để ghi tay {dialogue.display_title}", blocks, org.name_in_text)
