"""Round trip of the two real plans in the seeds: every sentence survives the export.

The structured content is in ``tests/data/seed_plans.json``. The export may correct layout and
date format to the decree (``tháng 03`` → ``tháng 3``, ``I-`` → ``I.``, ``–`` → ``-``) and write
``Nhân dân`` with a capital, so the comparison ignores case, dashes, bullets and spacing.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.domain.text import nfc
from app.export.data import OrganizationData, PlanData, PlanTask, SignerData
from app.export.documents import build_plan
from app.export.layout import render
from tests.app.doc_samples import docx_paragraphs

DATA = Path(__file__).resolve().parents[1] / "data" / "seed_plans.json"
# Copies of ../shared/seeds, so the round trip runs wherever the repository is cloned.
SEEDS = DATA.parent / "seeds"
_LEADING_MARK = re.compile(r"^(\*|[-–—+•]|[IVX]+[-.]|\d+[.)])\s*")
_SEED_MONTH = re.compile(r"tháng 0([3-9])\b")


def _plan(spec: dict[str, Any]) -> PlanData:
    signer = spec.get("signer")
    return PlanData(
        organization=OrganizationData(**spec["organization"]),
        year=spec["year"],
        title=spec["title"],
        opening=spec.get("opening", ""),
        bases=spec.get("bases", []),
        purposes=spec.get("purposes", []),
        requirements=spec.get("requirements", []),
        audience=spec.get("audience", ""),
        contents=spec.get("contents", []),
        forms=spec.get("forms", []),
        time_place=spec.get("time_place", []),
        steps=spec.get("steps", []),
        tasks_intro=spec.get("tasks_intro", ""),
        tasks=[PlanTask(t["unit"], t["tasks"]) for t in spec.get("tasks", [])],
        recipients=spec.get("recipients", []),
        number=spec.get("number"),
        symbol=spec.get("symbol", ""),
        issued_on=date.fromisoformat(spec["issued_on"]) if spec.get("issued_on") else None,
        signer=SignerData(**signer) if signer else None,
        headings=spec.get("headings", {}),
    )


def normalise(value: str) -> str:
    """Case, dashes, spacing and end punctuation do not matter; the words do."""
    value = nfc(value).replace("–", "-").replace("—", "-")
    value = " ".join(value.split()).casefold()
    return value


def seed_sentences(seed_text: str) -> list[str]:
    """Each non-empty line of a seed without its list mark, end mark and final punctuation,
    with the date written as the decree wants it."""
    sentences = []
    for line in seed_text.splitlines():
        line = line.strip()
        if not line:
            continue
        line = _LEADING_MARK.sub("", line)
        line = _SEED_MONTH.sub(r"tháng \1", line)
        line = line.removesuffix("./.").rstrip(".;:").strip()
        if line:
            sentences.append(normalise(line))
    return sentences


SPECS = json.loads(DATA.read_text(encoding="utf-8"))["plans"]


@pytest.mark.parametrize("spec", SPECS, ids=[s["seed"] for s in SPECS])
def test_every_sentence_of_the_seed_is_in_the_export(spec: dict[str, Any], tmp_path: Path) -> None:
    seed = SEEDS / spec["seed"]
    path = render(build_plan(_plan(spec)), tmp_path / "kh.docx")
    exported = normalise("\n".join(docx_paragraphs(path)))
    missing = [s for s in seed_sentences(seed.read_text(encoding="utf-8")) if s not in exported]
    assert missing == []


def test_seed_layout_is_corrected_to_the_decree(tmp_path: Path) -> None:
    spec = SPECS[0]
    texts = [
        " ".join(t.split()) for t in docx_paragraphs(render(build_plan(_plan(spec)), tmp_path / "kh.docx"))
    ]
    assert "Lương Phong, ngày 18 tháng 3 năm 2024" in texts  # the seed has "tháng 03"
    assert "Số: /KH-HĐND" in texts
    assert "I. MỤC ĐÍCH YÊU CẦU" in texts  # the seed has "I-"
    assert "Tiếp xúc, đối thoại trực tiếp với Nhân dân của Chủ tịch HĐND xã Lương Phong năm 2024" in texts
    assert texts[texts.index("2. Văn phòng HĐND, UBND") + 1].endswith("phục vụ hội nghị./.")
    assert "- Lưu: VT." in texts and "- Bí thư chi bộ, Trường các thôn;" in texts
    assert ["1. Quán triệt" in t for t in texts].count(True) == 1
