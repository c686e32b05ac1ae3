"""Báo cáo kết quả giải quyết ý kiến, kiến nghị of a period (month, quý I, 6, 9 months, year).

Data + layout like every document: :func:`build_period_report` turns a
:class:`app.services.reports.PeriodReport` into blocks (the figures, the tables by field, thôn,
unit and dialogue, each through the same table as the per-dialogue Báo cáo), the layout renders
them; the charts (PNG from :mod:`app.export.charts`) go where their placeholder paragraphs are.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from docx.shared import Mm

from app.domain import text
from app.domain.rules import DocumentKind
from app.export import layout
from app.export.blocks import (
    Align,
    Block,
    Bullet,
    Closing,
    Column,
    DocumentBlocks,
    Item,
    Paragraph,
    Recipients,
    Section,
    SignatureBlock,
    Signer,
    Table,
    Title,
)
from app.export.charts import ChartData, render_png, report_charts
from app.export.data import OrganizationData
from app.export.documents.common import header
from app.export.documents.report import count_table
from app.export.xlsx import Cell, Sheet, XColumn
from app.services.petitions import PetitionRow
from app.services.reports import PeriodReport

CHART_MARK = "⟦biểu đồ:{}⟧"
CHART_WIDTH_MM = 160


@dataclass(frozen=True)
class PeriodIssue:
    number: int | None = None
    issued_on: date | None = None


def figure_rows(report: PeriodReport) -> list[list[str]]:
    """The headline figures as table rows (STT, chỉ tiêu, số lượng): the same in .docx and .xlsx."""
    return [[str(n), f.label, str(f.value)] for n, f in enumerate(report.figures(), 1)]


def dialogue_rows(report: PeriodReport) -> list[list[str]]:
    return [
        [
            r.title,
            text.short_date(r.day),
            str(r.counts.total),
            str(r.counts.resolved),
            str(r.counts.in_progress + r.counts.pending),
            str(r.counts.overdue),
        ]
        for r in report.by_dialogue
    ]


DIALOGUE_COLUMNS = (
    Column("Hội nghị", 70),
    Column("Ngày", 22, Align.CENTER),
    Column("Số ý kiến", 18, Align.CENTER),
    Column("Đã giải quyết", 20, Align.CENTER),
    Column("Đang giải quyết", 20, Align.CENTER),
    Column("Quá hạn", 16, Align.CENTER),
)


def build_period_report(
    report: PeriodReport, org: OrganizationData, issue: PeriodIssue | None = None, *, with_charts: bool = True
) -> DocumentBlocks:
    issue = issue or PeriodIssue()
    period = report.period
    charts = {c.key: c for c in report_charts(report)} if with_charts else {}

    def chart(key: str) -> list[Block]:
        return [Paragraph(CHART_MARK.format(key), align=Align.CENTER, indent=False)] if key in charts else []

    blocks: list[Block] = [
        header(
            org, DocumentKind.REPORT.code, number=issue.number, issued_on=issue.issued_on, year=period.year
        ),
        Title(
            "BÁO CÁO",
            f"Kết quả tổ chức đối thoại và giải quyết ý kiến, kiến nghị của Nhân dân {period.label}",
        ),
        Paragraph(
            f"{org.name_in_text} báo cáo kết quả tổ chức hội nghị đối thoại trực tiếp với Nhân dân và "
            f"giải quyết ý kiến, kiến nghị {period.label} (số liệu {period.range_text}) như sau:"
        ),
        Section(1, "Kết quả tổ chức đối thoại và tiếp nhận ý kiến, kiến nghị"),
        Bullet(f"Số hội nghị đối thoại đã tổ chức: {report.dialogues_held};"),
        Bullet(f"Số người tham dự: {report.participants}, trong đó công dân: {report.citizens};"),
        Bullet(
            f"Ý kiến, kiến nghị tiếp nhận: {report.raised} (thu thập trước hội nghị: "
            f"{report.collected_before}; nêu tại hội nghị: {report.at_meeting})."
        ),
        Section(2, "Kết quả giải quyết ý kiến, kiến nghị"),
        Paragraph(f"Tình trạng tính đến {text.date_phrase(report.today)}:"),
        Item(1, "Tổng hợp chung", heading=True),
        Table(
            (Column("STT", 12, Align.CENTER), Column("Chỉ tiêu", 120), Column("Số lượng", 28, Align.CENTER)),
            figure_rows(report),
            font_size=11,
        ),
        Item(2, "Theo lĩnh vực", heading=True),
        count_table("Lĩnh vực", report.by_field, report.overall),
        *chart("linh-vuc"),
        Item(3, "Theo thôn, tổ dân phố", heading=True),
        count_table("Thôn, tổ dân phố", report.by_hamlet, report.overall),
        Item(4, "Theo đơn vị chủ trì giải quyết", heading=True),
        Paragraph("Một ý kiến giao nhiều đơn vị chủ trì được tính ở mỗi đơn vị.", italic=True),
        count_table("Đơn vị", report.by_unit, report.overall),
        *chart("don-vi"),
        Item(5, "Theo hội nghị", heading=True),
        Table(DIALOGUE_COLUMNS, dialogue_rows(report), font_size=11),
        Item(6, "Diễn biến theo tháng và vấn đề được nêu lại", heading=True),
        *chart("theo-thang"),
    ]
    if report.recurring:
        blocks.extend(Bullet(f"{name}: nêu tại {n} hội nghị;") for name, n in report.recurring[:-1])
        name, n = report.recurring[-1]
        blocks.append(Bullet(f"{name}: nêu tại {n} hội nghị."))
        blocks.extend(chart("lap-lai"))
    else:
        blocks.append(Paragraph("Trong kỳ không có vấn đề nào được nêu lại ở nhiều hội nghị."))
    blocks.extend(
        [
            Section(3, "Đánh giá, đề xuất"),
            Paragraph("Khó khăn, vướng mắc: ", leader=True),
            Paragraph("Đề xuất, kiến nghị: ", leader=True),
            Paragraph(
                f"Trên đây là báo cáo kết quả tổ chức đối thoại và giải quyết ý kiến, kiến nghị của Nhân dân "
                f"{period.label} của {org.name_in_text}"
            ),
            Closing(),
            SignatureBlock(
                Signer(org.signer_title or "CHỦ TỊCH", org.signer_name, org.signing_authority),
                Recipients(("Thường trực Đảng ủy xã", "Thường trực HĐND xã", "Lưu: VT")),
            ),
        ]
    )
    return DocumentBlocks(report.title, blocks, org.name_in_text)


def _place_charts(document: Any, pictures: Mapping[str, bytes]) -> None:
    for paragraph in document.paragraphs:
        for key, png in pictures.items():
            if paragraph.text.strip() == CHART_MARK.format(key):
                for run in list(paragraph.runs):
                    run._r.getparent().remove(run._r)
                paragraph.paragraph_format.first_line_indent = 0
                paragraph.add_run().add_picture(io.BytesIO(png), width=Mm(CHART_WIDTH_MM))


def write_period_report(
    report: PeriodReport, org: OrganizationData, target: Path, issue: PeriodIssue | None = None
) -> Path:
    """The .docx of ``report`` with its charts, written atomically to ``target``."""
    content = build_period_report(report, org, issue)
    charts: Sequence[ChartData] = report_charts(report)
    document = layout.build(content)
    _place_charts(document, {c.key: render_png(c) for c in charts})
    return layout.save_atomic(document, target)


# --- the same figures as .xlsx --------------------------------------------------------------------

_COUNT_HEADERS = ("Tổng số", "Trả lời tại hội nghị", "Giải quyết đúng hạn", "Giải quyết quá hạn")
_COUNT_HEADERS_2 = ("Đang giải quyết", "Quá hạn", "Chuyển cấp, khác")


def _count_sheet(name: str, first: str, groups: Sequence[tuple[str, Any]], overall: Any) -> Sheet:
    """The columns of :func:`count_table` (the .docx), with numbers as numbers."""
    table = count_table(first, groups, overall)
    columns = [XColumn(first, 40, wrap=True)] + [
        XColumn(h, 14, wrap=True) for h in _COUNT_HEADERS + _COUNT_HEADERS_2
    ]
    rows: list[list[Cell]] = [[row[0], *(int(v) for v in row[1:])] for row in table.rows]
    return Sheet(name, columns, rows)


def report_sheets(report: PeriodReport) -> list[Sheet]:
    """The Báo cáo's figures and tables, one sheet each, the same rows as the .docx."""
    summary = Sheet(
        "Tổng hợp",
        (XColumn("STT", 6), XColumn("Chỉ tiêu", 48), XColumn("Số lượng", 12)),
        [[int(n), label, int(value)] for n, label, value in figure_rows(report)],
        title=f"{report.title} ({report.period.range_text}; tình trạng đến {text.short_date(report.today)})",
    )
    dialogues = Sheet(
        "Theo hội nghị",
        [XColumn(c.title, 50 if n == 0 else 14, wrap=n == 0) for n, c in enumerate(DIALOGUE_COLUMNS)],
        [
            [r.title, r.day, *(int(v) for v in row[2:])]
            for r, row in zip(report.by_dialogue, dialogue_rows(report), strict=True)
        ],
    )
    months = Sheet(
        "Theo tháng", (XColumn("Tháng", 14), XColumn("Số ý kiến", 12)), [list(m) for m in report.by_month]
    )
    recurring = Sheet(
        "Vấn đề nêu lại", (XColumn("Lĩnh vực – thôn", 50, wrap=True), XColumn("Số hội nghị", 12)),
        [list(r) for r in report.recurring],
    )  # fmt: skip
    return [
        summary,
        _count_sheet("Theo lĩnh vực", "Lĩnh vực", report.by_field, report.overall),
        _count_sheet("Theo thôn", "Thôn, tổ dân phố", report.by_hamlet, report.overall),
        _count_sheet("Theo đơn vị", "Đơn vị", report.by_unit, report.overall),
        dialogues,
        months,
        recurring,
    ]


PETITION_COLUMNS = (
    XColumn("STT", 6),
    XColumn("Ngày hội nghị", 13),
    XColumn("Người nêu", 22, wrap=True),
    XColumn("Thôn, tổ dân phố", 16, wrap=True),
    XColumn("Lĩnh vực", 16, wrap=True),
    XColumn("Nội dung", 60, wrap=True),
    XColumn("Đơn vị chủ trì", 24, wrap=True),
    XColumn("Thời hạn", 13),
    XColumn("Tình trạng", 22, wrap=True),
    XColumn("Trả lời tại hội nghị", 40, wrap=True),
)


def petition_sheet(name: str, rows: Sequence[PetitionRow]) -> Sheet:
    """A petition list as shown on screen (the sổ theo dõi is the list with no filter)."""
    return Sheet(
        name,
        PETITION_COLUMNS,
        [
            [
                n,
                r.dialogue_date,
                r.petitioner,
                r.hamlet,
                r.field,
                r.content,
                r.lead_unit,
                r.deadline,
                text.upper_first(r.standing.label),
                "\n".join(r.answers),
            ]
            for n, r in enumerate(rows, 1)
        ],
    )
