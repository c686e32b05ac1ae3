"""Kế hoạch (Mẫu 1.4): căn cứ, mục đích, yêu cầu, … phân công tổ chức thực hiện."""

from __future__ import annotations

import re

from app.domain import text
from app.domain.rules import DocumentKind
from app.export.blocks import (
    Bases,
    Block,
    Closing,
    DocumentBlocks,
    Item,
    Recipients,
    Section,
    SignatureBlock,
    Title,
)
from app.export.data import PlanData
from app.export.documents.common import common_values, header, list_blocks, signer_block
from app.export.templates import render_lines, render_template

_TYPED_NUMBER = re.compile(r"^\s*\d+\s*[.)]\s*")


def build_plan(plan: PlanData) -> DocumentBlocks:
    org = plan.organization
    values = common_values(org, plan.year)
    blocks: list[Block] = [
        header(
            org,
            DocumentKind.PLAN.code,
            number=plan.number,
            issued_on=plan.issued_on,
            year=plan.year,
            symbol=plan.symbol,
        ),
        Title("KẾ HOẠCH", plan.title),
    ]
    bases = [b for b in plan.bases if text.clean(b)]
    if bases:
        blocks.append(Bases(tuple(bases)))
    opening = text.clean(plan.opening) or render_template("kh_mo_dau", values)
    blocks.extend(list_blocks([opening]))

    sections: list[tuple[str, list[Block]]] = []
    purposes, requirements = list_blocks(plan.purposes), list_blocks(plan.requirements)
    if purposes and requirements:
        sections.append(
            (
                plan.heading("purposes_requirements"),
                [
                    Item(1, plan.heading("purposes"), heading=True),
                    *purposes,
                    Item(2, plan.heading("requirements"), heading=True),
                    *requirements,
                ],
            )
        )
    elif purposes:
        sections.append((plan.heading("purposes"), purposes))
    elif requirements:
        sections.append((plan.heading("requirements"), requirements))
    for key, entries in (
        ("audience", [plan.audience]),
        ("contents", list(plan.contents)),
        ("forms", list(plan.forms)),
        ("time_place", list(plan.time_place)),
    ):
        body = list_blocks(entries)
        if body:
            sections.append((plan.heading(key), body))
    steps = [_TYPED_NUMBER.sub("", s).strip() for s in plan.steps if text.clean(s)]
    if steps:
        sections.append((plan.heading("steps"), [Item(n, step) for n, step in enumerate(steps, 1)]))
    tasks: list[Block] = list_blocks([plan.tasks_intro])
    for n, task in enumerate((t for t in plan.tasks if text.clean(t.unit) or t.tasks), 1):
        unit = _TYPED_NUMBER.sub("", text.clean(task.unit))
        tasks.append(Item(n, unit, heading=True))
        tasks.extend(list_blocks(task.tasks))
    if tasks:
        sections.append((plan.heading("tasks"), tasks))

    for number, (heading, body) in enumerate(sections, 1):
        blocks.append(Section(number, heading))
        blocks.extend(body)
    blocks.append(Closing())

    recipients = [r for r in plan.recipients if text.clean(r)] or render_lines("noi_nhan_kh", values)
    blocks.append(SignatureBlock(signer_block(plan.signer or org.signer()), Recipients(tuple(recipients))))
    return DocumentBlocks(
        title=f"{DocumentKind.PLAN.label} {text.clean(plan.title)}".strip(),
        blocks=blocks,
        author=org.name_in_text,
    )


def plan_defaults(plan_year: int, org_name_in_text: str, place_name: str = "") -> dict[str, list[str] | str]:
    """Wording to pre-fill a new plan with (from the editable templates)."""
    values = {"ten_co_quan": org_name_in_text, "dia_danh": place_name, "nam": plan_year}
    return {
        "opening": render_template("kh_mo_dau", values),
        "bases": render_lines("kh_can_cu", values),
        "purposes": render_lines("kh_muc_dich", values),
        "requirements": render_lines("kh_yeu_cau", values),
        "steps": render_lines("kh_cac_buoc", values),
        "recipients": render_lines("noi_nhan_kh", values),
    }


_BASIS_LEAD = re.compile(r"^\s*(căn cứ|căn\s+cư|can cu)\b[\s:]*", re.IGNORECASE)


def standard_basis(line: str) -> str:
    """A căn cứ in the standard form: ``Căn cứ Luật …`` (typed without "Căn cứ", it is added).

    The layout adds the ``;`` and the final ``.``; list marks and end punctuation typed by hand go.
    """
    cleaned = text.clean(line).lstrip("-–—•+* ").rstrip(";.,").strip()
    if not cleaned:
        return ""
    match = _BASIS_LEAD.match(cleaned)
    rest = cleaned[match.end() :] if match else cleaned
    return "Căn cứ " + text.upper_first(rest)


def basis_suggestions(bases: list[str] | tuple[str, ...]) -> list[tuple[str, str]]:
    """The căn cứ typed without the standard form, each with the form to offer (UI: one click)."""
    out = []
    for line in bases:
        standard = standard_basis(line)
        if standard and text.clean(line).rstrip(";.") != standard:
            out.append((line, standard))
    return out
