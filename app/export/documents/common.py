"""Pieces every document kind shares: header, signature, wording values, people, list lines."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
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
from app.export.data import DialogueData, IssueData, LeaderData, OrganizationData, PetitionData, SignerData
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
    return SignerData(title=org.signer_title or chair.title, name=chair.name, authority=org.signing_authority)


def signature(
    org: OrganizationData,
    issue: IssueData,
    recipients_key: str,
    values: Mapping[str, object],
    chair: LeaderData | None = None,
) -> SignatureBlock:
    recipients = issue.recipients if issue.recipients is not None else render_lines(recipients_key, values)
    return SignatureBlock(
        signer_block(issue.signer or default_signer(org, chair)), Recipients(tuple(recipients))
    )


def common_values(org: OrganizationData, year: int) -> dict[str, object]:
    return {"ten_co_quan": org.name_in_text, "dia_danh": org.place_name, "nam": year}


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


def dialogue_values(d: DialogueData) -> dict[str, object]:
    """The placeholders of the dialogue templates (see :data:`app.export.templates.DIALOGUE`)."""
    org = d.organization
    chair = d.chair
    listed = listed_petitions(d)
    at_meeting = sum(1 for p in listed if p.raised_at_meeting)
    co_chairs = [leader_phrase(c.name, c.title) for c in d.co_chairs]
    plan = d.plan
    values = common_values(org, d.year)
    values.update(
        {
            "ten_hoi_nghi": d.display_title,
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
                "Thực hiện "
                + phrases.document_reference("Kế hoạch", plan.number, plan.symbol, plan.issued_on)
                + f" của {org.name_in_text}, "
                if plan
                else ""
            ),
            "han_gui_y_kien": (
                text.date_phrase(d.collect_deadline) if d.collect_deadline else "ngày tổ chức hội nghị"
            ),
        }
    )
    return values


def person_phrase(p: PetitionData, *, public: bool) -> str:
    """Who raised a petition, as printed.

    Public versions never show a citizen's name (Nghị định 13/2023): ``Ông/bà ở thôn Đông``, or
    ``Một công dân`` when the thôn is unknown.
    """
    hamlet = phrases.hamlet_phrase(p.hamlet)
    name = text.clean(p.petitioner_name)
    if p.is_group:
        if public or not name:
            return f"Nhóm công dân ở {hamlet}" if hamlet else "Một nhóm công dân"
        return f"{name} ({hamlet})" if hamlet else name
    if public or p.is_anonymous or not name:
        if public and hamlet:
            return f"Ông/bà ở {hamlet}"
        return f"Một công dân ở {hamlet}" if hamlet else "Một công dân"
    details = [x for x in (text.clean(p.petitioner_org), hamlet) if x]
    suffix = f" ({', '.join(details)})" if details else ""
    return f"Ông/bà {name}{suffix}"


_KIND_VERB = {
    PetitionKind.OPINION: "nêu ý kiến",
    PetitionKind.PROPOSAL: "kiến nghị",
    PetitionKind.REPORT: "phản ánh",
    PetitionKind.COMPLAINT: "khiếu nại",
    PetitionKind.DENUNCIATION: "tố cáo",
}


def kind_verb(kind: PetitionKind) -> str:
    return _KIND_VERB.get(kind, "kiến nghị")


def answerer_phrase(name: str, title: str) -> str:
    """``Đồng chí Trần Văn B, Phó Chủ tịch UBND xã``."""
    return text.upper_first(leader_phrase(name, title)) or "Lãnh đạo"


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
