"""The Word package itself: properties, theme, and openxml-audit on every kind we write."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import docx
import pytest

from app.export.blocks import DocumentBlocks
from app.export.data import IssueData, PlanData, ReportData
from app.export.documents import (
    build_conclusion_notice,
    build_invitation,
    build_meeting_notice,
    build_minutes,
    build_plan,
    build_report,
)
from app.export.layout import render
from tests.app.doc_samples import ORG, PARTY_ORG, TODAY, sample_dialogue

ISSUE = IssueData(number=5, issued_on=date(2026, 3, 12))

KINDS: dict[str, Callable[[], DocumentBlocks]] = {
    "kh": lambda: build_plan(PlanData(ORG, 2026, "Tổ chức Hội nghị đối thoại với Nhân dân năm 2026")),
    "gm": lambda: build_invitation(sample_dialogue(), ISSUE),
    "tbtc": lambda: build_meeting_notice(sample_dialogue(), ISSUE),
    "bb": lambda: build_minutes(sample_dialogue()),
    "tb": lambda: build_conclusion_notice(sample_dialogue(), ISSUE),
    "tb-public": lambda: build_conclusion_notice(sample_dialogue(), ISSUE, public=True),
    "tb-party": lambda: build_conclusion_notice(sample_dialogue(org=PARTY_ORG), ISSUE),
    "bc": lambda: build_report(ReportData(sample_dialogue(), TODAY), ISSUE),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_openxml_audit_finds_nothing(kind: str, tmp_path: Path) -> None:
    openxml_audit = pytest.importorskip("openxml_audit")
    path = render(KINDS[kind](), tmp_path / f"{kind}.docx")
    for file_format in (
        openxml_audit.FileFormat.OFFICE_2007,
        openxml_audit.FileFormat.OFFICE_2010,
        openxml_audit.FileFormat.MICROSOFT_365,
    ):
        result = openxml_audit.OpenXmlValidator(file_format=file_format, max_errors=0).validate(path)
        assert [str(e) for e in result.errors] == [], file_format


def test_properties_name_the_document_and_the_issuing_body(tmp_path: Path) -> None:
    path = render(KINDS["tb"](), tmp_path / "tb.docx")
    props = docx.Document(str(path)).core_properties
    assert props.title == "Thông báo kết luận Hội nghị đối thoại với Nhân dân năm 2026"
    assert props.author == "Ủy ban nhân dân xã Lương Phong"
    assert props.created is not None and props.modified is not None
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        app_xml = package.read("docProps/app.xml").decode("utf-8")
        theme = package.read("word/theme/theme1.xml").decode("utf-8")
    assert "<Application>Đối thoại với Nhân dân</Application>" in app_xml
    assert "<Company>Ủy ban nhân dân xã Lương Phong</Company>" in app_xml
    assert "Macintosh" not in app_xml
    assert "Calibri" not in theme and "Cambria" not in theme and "Times New Roman" in theme
    assert "word/stylesWithEffects.xml" not in names
    assert not any("thumbnail" in n for n in names)


def test_a_long_title_is_cut_in_the_property_only(tmp_path: Path) -> None:
    long_title = "Hội nghị đối thoại với Nhân dân về " + "giải phóng mặt bằng, " * 20 + "năm 2026"
    dialogue = replace(sample_dialogue(), title=long_title)
    path = render(build_conclusion_notice(dialogue, ISSUE), tmp_path / "tb.docx")
    document = docx.Document(str(path))
    assert len(document.core_properties.title) == 255
    body = " ".join(p.text for p in document.paragraphs)
    assert "giải phóng mặt bằng, " * 3 in " ".join(body.split()) + " "
