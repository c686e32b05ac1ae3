"""Each document kind opens in LibreOffice and prints as expected (page count, numbers, orientation).

Skipped where ``soffice`` or poppler's ``pdfinfo``/``pdftotext`` are missing. Each run uses its own
LibreOffice profile so parallel runs do not clash.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from app.export.blocks import DocumentBlocks
from app.export.data import IssueData, ReportData
from app.export.documents import (
    build_conclusion_notice,
    build_invitation,
    build_meeting_notice,
    build_minutes,
    build_plan,
    build_report,
)
from app.export.layout import render
from tests.app.doc_samples import TODAY, many_entries, many_petitions, sample_dialogue
from tests.app.test_documents import _plan

pytestmark = pytest.mark.slow

ISSUE = IssueData(number=5, issued_on=date(2026, 3, 12))
A4_PORTRAIT = (595, 842)

KINDS: dict[str, Callable[[], DocumentBlocks]] = {
    "kh": lambda: build_plan(_plan()),
    "gm": lambda: build_invitation(sample_dialogue(), ISSUE),
    "tbtc": lambda: build_meeting_notice(sample_dialogue(), ISSUE),
    "bb": lambda: build_minutes(sample_dialogue()),
    "tb": lambda: build_conclusion_notice(sample_dialogue(), ISSUE),
    "bc": lambda: build_report(ReportData(sample_dialogue(), TODAY), ISSUE),
    "tb300": lambda: build_conclusion_notice(sample_dialogue(many_petitions(300)), ISSUE, public=True),
    "bb300": lambda: build_minutes(sample_dialogue(entries=many_entries(300))),
}
# Page counts as LibreOffice sets the sample data (Liberation Serif has Times New Roman's metrics).
PAGES = {
    "kh": range(1, 3),
    "gm": range(1, 2),
    "tbtc": range(1, 2),
    "bb": range(1, 3),
    "tb": range(3, 6),
    "bc": range(2, 5),
    "tb300": range(40, 200),
    "bb300": range(15, 60),
}


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: cannot render .docx to PDF")
    if shutil.which("pdfinfo") is None or shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdfinfo, pdftotext) are not installed")
    folder = tmp_path_factory.mktemp("pdf")
    profile = tmp_path_factory.mktemp("lo-profile")
    docs = [render(build(), folder / f"{name}.docx") for name, build in KINDS.items()]
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *map(str, docs),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    out = {name: folder / f"{name}.pdf" for name in KINDS}
    missing = [name for name, path in out.items() if not path.exists()]
    assert not missing, f"soffice did not convert {missing}: {result.stderr}"
    return out


def _pdfinfo(pdf: Path, *args: str) -> str:
    return subprocess.run(["pdfinfo", *args, str(pdf)], capture_output=True, text=True, check=True).stdout


def _pages(pdf: Path) -> int:
    match = re.search(r"^Pages:\s+(\d+)", _pdfinfo(pdf), re.MULTILINE)
    assert match
    return int(match.group(1))


def _page_size(pdf: Path, page: int) -> tuple[int, int]:
    """Width and height of one page in points."""
    output = _pdfinfo(pdf, "-f", str(page), "-l", str(page))
    match = re.search(rf"^Page\s+{page} size:\s+([\d.]+) x ([\d.]+)", output, re.MULTILINE)
    assert match, output
    return round(float(match.group(1))), round(float(match.group(2)))


def _page_text(pdf: Path, page: int) -> list[str]:
    output = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line.strip() for line in output.splitlines() if line.strip()]


@pytest.mark.parametrize("name", list(KINDS))
def test_each_kind_renders_with_the_expected_page_count(pdfs: dict[str, Path], name: str) -> None:
    pages = _pages(pdfs[name])
    assert pages in PAGES[name], f"{name}: {pages} pages"
    assert _page_size(pdfs[name], 1) == A4_PORTRAIT


@pytest.mark.parametrize("name", ["tb", "bc", "tb300", "bb300"])
def test_page_numbers_from_page_two(pdfs: dict[str, Path], name: str) -> None:
    pdf = pdfs[name]
    first = _page_text(pdf, 1)
    assert first[0].startswith("ỦY BAN NHÂN DÂN")  # no number above the header on page 1
    for page in (2, _pages(pdf)):
        assert _page_text(pdf, page)[0] == str(page)


def test_appendix_is_landscape(pdfs: dict[str, Path]) -> None:
    pdf = pdfs["tb"]
    last = _pages(pdf)
    assert _page_size(pdf, last) == A4_PORTRAIT[::-1]
    assert "PHỤ LỤC" in _page_text(pdf, last)


def test_signature_is_not_alone_on_its_page(pdfs: dict[str, Path]) -> None:
    for name in ("kh", "tb", "bc", "bb"):
        pdf = pdfs[name]
        for page in range(1, _pages(pdf) + 1):
            lines = _page_text(pdf, page)
            if any(line.startswith("Nơi nhận:") for line in lines):
                before = lines[: next(i for i, line in enumerate(lines) if line.startswith("Nơi nhận:"))]
                assert any(line.endswith("./.") for line in before), (name, page)
                break
