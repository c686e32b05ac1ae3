"""Pieces every document kind shares: header, signature, wording values, people, list lines."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date

from app.domain import text
from app.domain.rules import DocumentKind, PetitionKind, PetitionStatus
from app.domain.standing import meeting_moment
from app.export import phrases
from app.export.blocks import (
    Block,
    Bullet,
    Header,
    Paragraph,
    Recipients,
    SignatureBlock,
    Signer,
    Span,
    Title,
)
from app.export.data import (
    DialogueData,
    DocumentRef,
    IssueData,
    LeaderData,
    OrganizationData,
    PetitionData,
    SignerData,
)
from app.export.privacy import public_person
from app.export.templates import render_lines, render_template

_DASH = re.compile(r"^\s*[-–—•]\s*")
_PLUS = re.compile(r"^\s*\+\s*")


def header(
    org: OrganizationData,
    code: str,
    *,
    number: int | None,
    issued_on: date | None,
    year: int,
    symbol: str = "",
    show_date: bool = True,
) -> Header:
    return Header(
        issuer=org.name,
        symbol=symbol or org.symbol(code),
        place=org.place_name,
        number=number,
        issued_on=issued_on,
        year=issued_on.year if issued_on else year,
        parent=org.parent_name,
        show_date=show_date,
        style=org.header_style,
    )


def dialogue_opening(
    dialogue: DialogueData,
    issue: IssueData,
    kind: DocumentKind,
    type_name: str,
    values: Mapping[str, object],
    *,
    show_date: bool = True,
) -> list[Block]:
    """Header and tên loại + trích yếu of a document about one dialogue (GM, TB, BB, BC)."""
    return [
        header(
            dialogue.organization,
            kind.code,
            number=issue.number,
            issued_on=issue.issued_on,
            year=dialogue.year,
            show_date=show_date,
        ),
        Title(type_name, render_template(f"trich_yeu_{kind.value}", values)),
    ]


def signer_block(signer: SignerData) -> Signer:
    return Signer(title=signer.title, name=signer.name, authority=signer.authority)


def default_signer(org: OrganizationData, chair: LeaderData | None = None) -> SignerData:
    """The body's signer; when the body names none, the chair of the meeting signs."""
    if text.clean(org.signer_name) or chair is None:
        return org.signer()
    if org.is_party:
        return replace(org.signer(), name=chair.name)
    return SignerData(title=org.signer_title or chair.title, name=chair.name, authority=org.signing_authority)


_SELF_RECIPIENTS = {
    "HĐND": ("thuong truc hdnd", "thuong truc hoi dong nhan dan"),
    "ĐU": ("thuong truc dang uy", "ban thuong vu dang uy"),
}
_PAIR_LINE = re.compile(r"^(?P<lead>Thường trực )(?P<a>Đảng ủy|HĐND), (?P<b>Đảng ủy|HĐND)(?P<rest>.*)$")


def without_self(lines: Sequence[str], org: OrganizationData) -> list[str]:
    """Nơi nhận without the issuing body itself: a Thông báo of the HĐND is not sent to the HĐND."""
    code = "ĐU" if org.is_party else text.clean(org.issuer_code).upper()
    own = _SELF_RECIPIENTS.get(code, ())
    own_word = {"ĐU": "Đảng ủy", "HĐND": "HĐND"}.get(code)
    kept = []
    for line in lines:
        pair = _PAIR_LINE.match(text.clean(line))
        if pair and own_word in (pair["a"], pair["b"]):
            # "Thường trực Đảng ủy, HĐND xã" names two bodies: keep the other one.
            other = pair["b"] if pair["a"] == own_word else pair["a"]
            kept.append(f"{pair['lead']}{other}{pair['rest']}")
            continue
        key = text.search_key(line).lstrip("- ")
        if not any(key.startswith(prefix) for prefix in own):
            kept.append(line)
    return kept


def signature(
    org: OrganizationData,
    issue: IssueData,
    recipients_key: str,
    values: Mapping[str, object],
    chair: LeaderData | None = None,
) -> SignatureBlock:
    if issue.recipients is not None:
        recipients = list(issue.recipients)
    else:
        recipients = without_self(render_lines(recipients_key, values), org)
    return SignatureBlock(
        signer_block(issue.signer or default_signer(org, chair)), Recipients(tuple(recipients))
    )


def common_values(org: OrganizationData, year: int) -> dict[str, object]:
    return {
        "ten_co_quan": org.name_in_text,
        "co_quan": phrases.short_body_in_text(org.name_in_text),
        "cap": org.level_name,
        "dia_danh": org.place_name,
        "nam": year,
    }


def leader_phrase(name: str, title: str) -> str:
    """``đồng chí Nguyễn Văn A, Chủ tịch UBND xã`` (either part may be missing)."""
    name, title = text.clean(name), text.clean(title)
    if name and title:
        return f"đồng chí {name}, {title}"
    if name:
        return f"đồng chí {name}"
    return title


def attendance_phrase(d: DialogueData) -> str:
    """``5 đồng chí lãnh đạo, 8 đại diện các ban, ngành, đoàn thể … và 120 công dân``."""
    parts = []
    if d.leaders_count:
        parts.append(f"{d.leaders_count} đồng chí lãnh đạo")
    if d.units_count:
        parts.append(f"{d.units_count} đại diện các ban, ngành, đoàn thể")
    if d.hamlet_heads_count:
        parts.append(f"{d.hamlet_heads_count} trưởng thôn, tổ trưởng tổ dân phố")
    if d.citizens_count:
        parts.append(f"{d.citizens_count} công dân")
    if parts:
        total = d.leaders_count + d.units_count + d.hamlet_heads_count + d.citizens_count
        phrase = phrases.join_list(parts)
        return f"{phrase} (tổng số {total} người)" if len(parts) > 1 else phrase
    return phrases.lower_first(d.participants) or "đại diện lãnh đạo, các ban, ngành, đoàn thể và Nhân dân"


def listed_petitions(d: DialogueData) -> list[PetitionData]:
    """Petitions a Thông báo or Báo cáo lists: no duplicates, no withdrawn ones."""
    return [p for p in d.petitions if p.status not in (PetitionStatus.DUPLICATE, PetitionStatus.WITHDRAWN)]


def plan_reference(plan: DocumentRef) -> str:
    """``Kế hoạch số 12/KH-UBND ngày …`` (a plan not numbered yet is cited by its date)."""
    return phrases.document_reference("Kế hoạch", plan.number, plan.symbol, plan.issued_on)


def dialogue_values(d: DialogueData) -> dict[str, object]:
    """The placeholders of the dialogue templates (see :data:`app.export.templates.DIALOGUE`)."""
    org = d.organization
    chair = d.chair
    listed = listed_petitions(d)
    at_meeting = sum(1 for p in listed if p.raised_at_meeting)
    co_chairs = [leader_phrase(c.name, c.title) for c in d.co_chairs]
    plan = d.plan
    values = common_values(org, d.year)
    before = len(listed) - at_meeting
    if before and at_meeting:
        detail = f" ({at_meeting} ý kiến nêu tại hội nghị, {before} ý kiến gửi trước hội nghị)"
    elif before:
        detail = " (gửi trước hội nghị)"
    else:
        detail = ""  # "0 ý kiến gửi trước hội nghị" is not written
    values.update(
        {
            "ten_hoi_nghi": d.display_title,
            "ten_hoi_nghi_trong_cau": phrases.in_sentence_title(d.display_title),
            "chi_tiet_y_kien": detail,
            "ngay_hoi_nghi": text.date_phrase(d.meeting_day, year=d.year),
            "gio_hoi_nghi": phrases.time_phrase(meeting_moment(d.started_at, d.scheduled_at)),
            "dia_diem": text.clean(d.place) or "……",
            "chu_tri": leader_phrase(chair.name, chair.title) if chair else f"lãnh đạo {org.name_in_text}",
            "chuc_vu_chu_tri": text.clean(chair.title) if chair and chair.title else "Chủ trì hội nghị",
            "dong_chu_tri": f", {phrases.join_list(co_chairs)} đồng chủ trì" if co_chairs else "",
            "thanh_phan": attendance_phrase(d),
            "so_y_kien": len(listed),
            "so_y_kien_tai_hoi_nghi": at_meeting,
            "so_y_kien_truoc_hoi_nghi": len(listed) - at_meeting,
            "noi_dung": text.clean(d.content).rstrip(".")
            or "đối thoại, giải đáp ý kiến, kiến nghị của Nhân dân",
            "thuc_hien_ke_hoach": (
                "Thực hiện " + plan_reference(plan) + f" của {org.name_in_text}; " if plan else ""
            ),
            "han_gui_y_kien": (
                text.date_phrase(d.collect_deadline) if d.collect_deadline else "ngày tổ chức hội nghị"
            ),
        }
    )
    return values


def person_phrase(p: PetitionData, *, public: bool) -> str:
    """Who raised a petition, as printed: ``Ông Lê Văn Hùng (thôn Đông)``, ``Bà …``.

    The form of address is the petitioner's own (chosen, or suggested by the name); a group, an
    organisation or an anonymous person is named without one, never "Ông/bà". Public versions
    name nobody (:func:`app.export.privacy.public_person`).
    """
    if public:
        return public_person(p)
    hamlet = phrases.hamlet_phrase(p.hamlet)
    name = text.without_typed_title(p.petitioner_name)
    if p.is_anonymous or not name:
        who = "Một nhóm công dân" if p.is_group else "Một công dân"
        return f"{who} {hamlet}" if hamlet else who
    details = [x for x in (text.clean(p.petitioner_org), hamlet) if x]
    if details and text.search_key(name).endswith(text.search_key(details[-1])):
        details.pop()  # "Nhóm hộ kinh doanh chợ thôn Đông (thôn Đông)"
    suffix = f" ({', '.join(details)})" if details else ""
    label = p.form.label
    return f"{label} {name}{suffix}" if label else f"{name}{suffix}"


_KIND_VERB = {
    PetitionKind.OPINION: "nêu ý kiến",
    PetitionKind.PROPOSAL: "kiến nghị",
    PetitionKind.REPORT: "phản ánh",
    PetitionKind.COMPLAINT: "khiếu nại",
    PetitionKind.DENUNCIATION: "tố cáo",
}


_KIND_NOUN = {
    PetitionKind.OPINION: "ý kiến",
    PetitionKind.PROPOSAL: "kiến nghị",
    PetitionKind.REPORT: "phản ánh",
    PetitionKind.COMPLAINT: "nội dung khiếu nại",
    PetitionKind.DENUNCIATION: "nội dung tố cáo",
}
# Words a citizen's text starts with that already say what kind of matter it is.
_SPEECH_VERB = re.compile(
    r"^(đề nghị|kiến nghị|phản ánh|hỏi|đề xuất|xin|mong|tố cáo|khiếu nại|nêu ý kiến|cho biết|"
    r"thắc mắc|yêu cầu)\b",
    re.IGNORECASE,
)


def kind_verb(kind: PetitionKind) -> str:
    return _KIND_VERB.get(kind, "kiến nghị")


def kind_noun(kind: PetitionKind) -> str:
    """``kiến nghị``, ``phản ánh``, ``nội dung tố cáo``: the matter as a noun ("Đối với …")."""
    return _KIND_NOUN.get(kind, "kiến nghị")


def starts_with_speech_verb(value: str) -> bool:
    return bool(_SPEECH_VERB.match(text.clean(value)))


def without_speech_verb(value: str) -> str:
    """``nâng cấp quốc lộ`` from ``Kiến nghị nâng cấp quốc lộ`` (after "về việc")."""
    cleaned = clause(value)
    match = _SPEECH_VERB.match(cleaned)
    if not match:
        return cleaned
    rest = cleaned[match.end() :].lstrip(" :,")
    for lead in ("về việc ", "về ", "việc "):
        if rest.lower().startswith(lead):
            rest = rest[len(lead) :]
            break
    return rest or cleaned


def opinion_summary(p: PetitionData) -> str:
    """The opinion in brief and in the third person: the stored summary, else proposed."""
    return text.clean(p.summary) or propose_summary(p.content, p.form, is_group=p.is_group)


def propose_summary(content: str, form: text.AddressForm, *, is_group: bool = False) -> str:
    """A first proposal of the Thông báo's summary: the citizen's words in the third person."""
    pronoun = form.pronoun or ("nhóm" if is_group else "công dân")
    return text.third_person(content, pronoun)


def raised_phrase(p: PetitionData, *, public: bool) -> list[Span]:
    """``Ông A (thôn Đông) phản ánh …`` / ``Bà B (thôn Tây) kiến nghị: …``.

    When the text already starts with its verb ("Phản ánh …"), the verb is not said twice
    ("tố cáo: Phản ánh …" was printed before).
    """
    who = person_phrase(p, public=public)
    summary = sentence(opinion_summary(p))
    if starts_with_speech_verb(summary):
        return [Span(who, bold=True), Span(" " + phrases.lower_first(summary))]
    return [Span(who, bold=True), Span(f" {kind_verb(p.kind)}: "), Span(summary)]


def answerer_phrase(name: str, title: str) -> str:
    """``Đồng chí Trần Văn B, Phó Chủ tịch UBND xã``; empty when nobody is named."""
    return text.upper_first(leader_phrase(name, title))


def sentence(value: str) -> str:
    """Text ending with a full stop (petition contents are typed with or without one)."""
    value = text.clean(value)
    if not value:
        return value
    return value if value[-1] in ".!?…:" else value + "."


def clause(value: str) -> str:
    """Text to continue a sentence with: trailing full stop dropped, first letter lower case."""
    return phrases.lower_first(text.clean(value).rstrip(".;"))


def list_blocks(entries: Iterable[str]) -> list[Block]:
    """List entries as typed: ``- …`` and ``– …`` are dash lines, ``+ …`` second-level lines."""
    blocks: list[Block] = []
    for entry in entries:
        for line in text.word_safe(entry).split("\n"):
            if not line.strip():
                continue
            if _PLUS.match(line):
                blocks.append(Bullet(_PLUS.sub("", line).strip(), level=2))
            elif _DASH.match(line):
                blocks.append(Bullet(_DASH.sub("", line).strip()))
            else:
                blocks.append(Paragraph(line.strip()))
    return blocks


def paragraphs(value: str) -> list[Block]:
    return list_blocks([value])


def labelled(label: str, value: str) -> Paragraph:
    """``Địa điểm: Hội trường …`` with the label in bold."""
    return Paragraph([Span(f"{label}: ", bold=True), Span(text.clean(value))])


def lines_or_default(lines: Sequence[str], key: str, values: Mapping[str, object]) -> list[str]:
    kept = [line for line in lines if text.clean(line)]
    return kept or render_lines(key, values)


def rendered(key: str, values: Mapping[str, object]) -> str:
    return render_template(key, values)
