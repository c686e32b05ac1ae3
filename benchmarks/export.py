"""Time to export a Thông báo kết luận with 300 petitions and a Biên bản with 300 entries.

Beside each figure: the floor, what python-docx itself needs to write a bare document of the same
size (the same paragraphs and table rows, no formatting), measured in the same run. Target: within
2× the floor and under 0.5 s.

    .venv/bin/python benchmarks/export.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import docx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.domain.rules import MinuteKind, PetitionStatus
from app.export.blocks import DocumentBlocks
from app.export.data import (
    AnswerData,
    AssignmentData,
    DialogueData,
    IssueData,
    LeaderData,
    MinuteEntryData,
    OrganizationData,
    PetitionData,
)
from app.export.documents import build_conclusion_notice, build_minutes
from app.export.layout import render

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REPEAT = 5
MEETING = datetime(2026, 3, 5, 8, 0)
FIELDS = ["Đất đai", "Giao thông – thủy lợi", "Môi trường", "Y tế", "An ninh trật tự"]
HAMLETS = ["Thôn Đông", "Thôn Tây", "Thôn Nam", "Thôn Bắc"]
STATUSES = [PetitionStatus.ANSWERED, PetitionStatus.IN_PROGRESS, PetitionStatus.FORWARDED]


def petitions(count: int) -> list[PetitionData]:
    return [
        PetitionData(
            content=f"Kiến nghị số {n + 1} về việc sửa chữa, nâng cấp đường giao thông nông thôn và kênh mương "
            "nội đồng, bảo đảm an toàn cho Nhân dân đi lại trong mùa mưa bão",
            petitioner_name=f"Nguyễn Văn Số{n + 1}",
            hamlet=HAMLETS[n % len(HAMLETS)],
            phone=f"09{n:08d}",
            field=FIELDS[n % len(FIELDS)],
            field_position=n % len(FIELDS),
            status=STATUSES[n % len(STATUSES)],
            position=n,
            answers=(AnswerData("Ủy ban nhân dân xã tiếp thu, giao bộ phận chuyên môn kiểm tra, giải quyết",
                                "Trần Thị Bình", "Phó Chủ tịch UBND xã"),),
            assignments=(AssignmentData("Công chức Địa chính – Xây dựng", ("Công an xã",), "kiểm tra, xử lý",
                                        date(2026, 4, 1) + timedelta(days=n % 30)),)
            if STATUSES[n % len(STATUSES)] is PetitionStatus.IN_PROGRESS else (),
            forwarded_to="Ủy ban nhân dân tỉnh",
        )
        for n in range(count)
    ]  # fmt: skip


def entries(count: int) -> list[MinuteEntryData]:
    kinds = [MinuteKind.SPEECH, MinuteKind.ANSWER]
    return [
        MinuteEntryData(
            MEETING + timedelta(minutes=n // 2),
            kinds[n % 2],
            f"Nội dung phát biểu số {n + 1}: đề nghị chính quyền quan tâm giải quyết dứt điểm việc sửa chữa "
            "đường giao thông nông thôn và kênh mương nội đồng",
            f"Người phát biểu {n + 1}",
            HAMLETS[n % len(HAMLETS)],
            FIELDS[n % len(FIELDS)],
        )
        for n in range(count)
    ]


def dialogue(petition_count: int = 0, entry_count: int = 0) -> DialogueData:
    return DialogueData(
        organization=OrganizationData("ỦY BAN NHÂN DÂN\nXÃ LƯƠNG PHONG", "UBND", "Lương Phong",
                                      signing_authority="TM. ỦY BAN NHÂN DÂN", signer_title="CHỦ TỊCH",
                                      signer_name="Nguyễn Văn Luận"),
        year=2026,
        scheduled_at=MEETING,
        started_at=MEETING,
        ended_at=MEETING + timedelta(hours=4),
        place="Hội trường Ủy ban nhân dân xã",
        chair=LeaderData("Nguyễn Văn Luận", "Chủ tịch UBND xã"),
        secretary_name="Đỗ Thị Hà",
        citizens_count=150,
        petitions=tuple(petitions(petition_count)),
        entries=tuple(entries(entry_count)),
    )  # fmt: skip


Shape = list[str | list[list[str]]]  # a paragraph's text, or a table's rows of cell texts


def shape_of(source: Path) -> Shape:
    """The body of an exported file: its paragraph texts and table cell texts, in order."""
    shape: Shape = []
    for element in docx.Document(str(source)).element.body:
        if element.tag == f"{W}p":
            shape.append("".join(t.text or "" for t in element.iter(f"{W}t")))
        elif element.tag == f"{W}tbl":
            shape.append(
                [["".join(t.text or "" for t in tc.iter(f"{W}t")) for tc in tr.findall(f"{W}tc")]
                 for tr in element.findall(f"{W}tr")]
            )  # fmt: skip
    return shape


def bare_document(shape: Shape, target: Path) -> None:
    """The floor: python-docx writing the same paragraphs and table rows, unformatted."""
    document = docx.Document()
    for item in shape:
        if isinstance(item, str):
            document.add_paragraph(item)
            continue
        table = document.add_table(rows=0, cols=len(item[0]))
        for row in item:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=False):
                cell.text = value
    document.save(str(target))


def timed(action: Callable[[], object], repeat: int = REPEAT) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


FLOOR_FACTOR, LIMIT_SECONDS = 2.0, 0.5


@dataclass(frozen=True)
class ExportFigure:
    label: str
    seconds: float  # median export time
    floor: float  # median time of the bare document
    paragraphs: int
    rows: int

    @property
    def ok(self) -> bool:
        return self.seconds <= FLOOR_FACTOR * self.floor and self.seconds < LIMIT_SECONDS


def measure_export(label: str, build: Callable[[], DocumentBlocks], folder: Path) -> ExportFigure:
    """Our export and its floor, runs interleaved so both see the same machine."""
    target = folder / f"{label}.docx"
    floor_target = folder / f"{label}-floor.docx"
    render(build(), target)
    shape = shape_of(target)
    ours_runs, floor_runs = [], []
    for _ in range(REPEAT):
        ours_runs.append(timed(lambda: render(build(), target), repeat=1))
        floor_runs.append(timed(lambda: bare_document(shape, floor_target), repeat=1))
    paragraphs = sum(1 for item in shape if isinstance(item, str))
    rows = sum(len(item) for item in shape if not isinstance(item, str))
    return ExportFigure(label, statistics.median(ours_runs), statistics.median(floor_runs), paragraphs, rows)


def figures(folder: Path) -> list[ExportFigure]:
    issue = IssueData(5, date(2026, 3, 12))
    return [
        measure_export(
            "Thông báo kết luận, 300 ý kiến", lambda: build_conclusion_notice(dialogue(300), issue), folder
        ),
        measure_export(
            "Biên bản, 300 lượt phát biểu", lambda: build_minutes(dialogue(entry_count=300), issue), folder
        ),
    ]


def main() -> int:
    print(f"median of {REPEAT} runs; export = build blocks + render + save; floor = bare python-docx + save")
    with tempfile.TemporaryDirectory() as tmp:
        results = figures(Path(tmp))
    for figure in results:
        ratio = figure.seconds / figure.floor
        print(f"{figure.label:<32} export {figure.seconds * 1000:7.1f} ms   floor {figure.floor * 1000:7.1f} ms   "
              f"ratio {ratio:4.2f}   ({figure.paragraphs} paragraphs, {figure.rows} table rows)   "
              f"{'OK' if figure.ok else 'SLOW'}")  # fmt: skip
    return 0 if all(figure.ok for figure in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
