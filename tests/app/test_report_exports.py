"""The period Báo cáo as .docx, .xlsx and PNG: the same figures as the screen's service, figure by figure."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from PIL import Image

from app.cli import main
from app.domain.periods import parse_period
from app.export.charts import render_png, report_charts
from app.services import reports
from app.services.petitions import PetitionFilter
from app.storage.database import Database
from tests.app.report_samples import TODAY, build_report_commune

H1 = parse_period("2026-H1")


@pytest.fixture
def report_db(db: Database) -> Database:
    with db.transaction() as session:
        build_report_commune(session)
    return db


def _report(db: Database) -> reports.PeriodReport:
    with db.reading() as session:
        return reports.period_report(session, H1, today=TODAY)


def test_docx_prints_every_figure_and_the_charts(report_db: Database, tmp_path: Path) -> None:
    report = _report(report_db)
    target = tmp_path / "BC.docx"
    with report_db.reading() as session:
        reports.export_report_docx(session, H1, target, today=TODAY)
    document = docx.Document(str(target))
    figures = next(t for t in document.tables if t.rows[0].cells[1].text == "Chỉ tiêu")
    printed = [(row.cells[1].text, int(row.cells[2].text)) for row in figures.rows[1:]]
    assert printed == [(f.label, f.value) for f in report.figures()]
    units = next(t for t in document.tables if t.rows[0].cells[0].text == "Đơn vị")
    assert [row.cells[0].text for row in units.rows[1:-1]] == [n for n, _c in report.by_unit]
    assert [int(row.cells[1].text) for row in units.rows[1:-1]] == [c.total for _n, c in report.by_unit]
    assert len(document.inline_shapes) == 4  # field, unit, month, recurring
    body = "\n".join(p.text for p in document.paragraphs)
    assert "6 tháng đầu năm 2026" in body and "⟦" not in body


def test_xlsx_has_the_same_figures_frozen_filtered_and_dated(report_db: Database, tmp_path: Path) -> None:
    report = _report(report_db)
    target = tmp_path / "BC.xlsx"
    with report_db.reading() as session:
        reports.export_report_xlsx(session, H1, target, today=TODAY)
    assert not list(tmp_path.glob(".*.tmp"))
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == [
        "Tổng hợp", "Theo lĩnh vực", "Theo thôn", "Theo đơn vị", "Theo hội nghị", "Theo tháng", "Vấn đề nêu lại",
    ]  # fmt: skip
    summary = book["Tổng hợp"]
    assert summary.freeze_panes == "A4" and summary.auto_filter.ref.startswith("A3:C")
    values = [(row[1].value, row[2].value) for row in summary.iter_rows(min_row=4)]
    assert values == [(f.label, f.value) for f in report.figures()]
    units = book["Theo đơn vị"]
    assert units.freeze_panes == "A2" and units.auto_filter.ref == f"A1:H{len(report.by_unit) + 2}"
    assert [(r[0].value, r[1].value) for r in units.iter_rows(min_row=2)][:-1] == [
        (n, c.total) for n, c in report.by_unit
    ]
    dialogues = book["Theo hội nghị"]
    day = dialogues["B2"]
    assert day.value.date() == date(2026, 3, 5) and day.number_format == "dd/mm/yyyy"
    assert units.column_dimensions["A"].width == 40


def test_tracking_book_and_a_filtered_list(report_db: Database, tmp_path: Path) -> None:
    target = tmp_path / "so.xlsx"
    with report_db.reading() as session:
        reports.export_petitions_xlsx(
            session, target, [("Sổ theo dõi", PetitionFilter()), ("Đất đai", PetitionFilter(query="dat"))],
            today=TODAY,
        )  # fmt: skip
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Sổ theo dõi", "Đất đai"]
    book_sheet = book["Sổ theo dõi"]
    assert book_sheet.max_row == 1 + 13  # every petition, the duplicate too
    assert book_sheet.freeze_panes == "A2" and book_sheet.auto_filter.ref == "A1:J14"
    assert book_sheet["B2"].number_format == "dd/mm/yyyy"
    assert 1 < book["Đất đai"].max_row < book_sheet.max_row


def test_charts_count_what_the_figures_count_and_are_not_blank(report_db: Database) -> None:
    report = _report(report_db)
    charts = {c.key: c for c in report_charts(report)}
    assert charts["linh-vuc"].total == report.raised
    unit = charts["don-vi"]
    assigned = [(n, c) for n, c in report.by_unit if n != reports.NO_UNIT]
    assert unit.labels == [n for n, _c in assigned]
    assert unit.series["Đúng hạn"] == [c.resolved_on_time for _n, c in assigned]
    assert unit.series["Quá hạn đã giải quyết"] == [c.resolved_late for _n, c in assigned]
    assert unit.series["Quá hạn"] == [c.overdue for _n, c in assigned]
    assert charts["theo-thang"].series["Số ý kiến"] == [n for _l, n in report.by_month]
    assert charts["lap-lai"].labels == [n for n, _c in report.recurring]
    for chart in charts.values():
        png = render_png(chart)
        image = Image.open(io.BytesIO(png)).convert("RGB")
        assert image.width == 1050 and image.height >= 300
        assert len(image.getcolors(maxcolors=1_000_000) or []) > 20  # bars, text, not a blank page
    assert render_png(charts["don-vi"]) == render_png(charts["don-vi"])  # reproducible bytes


def test_cli_report_and_export_xlsx(
    report_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "BC.docx"
    charts = tmp_path / "charts"
    db = str(report_db.path)
    report_db.close()
    assert (
        main(["report", "--db", db, "--period", "2026-H1", "--out", str(out), "--charts", str(charts)]) == 0
    )
    assert out.stat().st_size > 20_000 and len(list(charts.glob("*.png"))) == 4
    assert main(["export-xlsx", "--db", db, "--out", str(tmp_path / "so.xlsx")]) == 0
    assert main(["report", "--db", db, "--period", "2026-X", "--out", str(out)]) == 2
    assert "Kỳ báo cáo" in capsys.readouterr().err


def test_a_dollar_sign_in_a_name_is_drawn_as_text() -> None:
    from app.export.charts import ChartData

    png = render_png(ChartData("x", "Phí $ dịch vụ", ["Thôn $1", "Thôn Đông"], {"Số ý kiến": [1, 2]}))
    assert Image.open(io.BytesIO(png)).width == 1050


def test_control_characters_in_a_name_are_not_drawn(recwarn: pytest.WarningsRecorder) -> None:
    """A name pasted with a bell or a line break draws as one line, with no missing-glyph box."""
    from app.export.charts import ChartData

    pasted = render_png(
        ChartData("x", "Ý kiến", ["Thôn\x07 Đông\nA\x92\U000f4f75\u200b", "B"], {"Số ý kiến": [1, 2]})
    )
    typed = render_png(ChartData("x", "Ý kiến", ["Thôn Đông A", "B"], {"Số ý kiến": [1, 2]}))
    assert pasted == typed
    assert not [w for w in recwarn if "Glyph" in str(w.message)]


def test_chart_texts_land_where_matplotlib_itself_draws_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """The charts draw each text in one FreeType call; matplotlib's own glyph-by-glyph path puts
    the same letters on the same pixels (within antialiasing), so no label drifts off its bar."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from app.export import charts

    chart = charts.ChartData(
        "don-vi",
        "Tình trạng giải quyết theo đơn vị chủ trì",
        ["Công an xã", "Công chức Địa chính – Xây dựng", "Văn phòng HĐND và UBND"],
        {
            "Đúng hạn": [3, 12, 5],
            "Quá hạn đã giải quyết": [1, 4, 0],
            "Đang giải quyết": [2, 0, 1],
            "Quá hạn": [0, 2, 1],
        },
    )

    def grey(png: bytes) -> Any:
        return np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)

    charts.forget_drawn()
    ours = grey(render_png(chart))
    charts.forget_drawn()
    monkeypatch.setattr(charts, "_canvas_class", lambda: FigureCanvasAgg)
    theirs = grey(render_png(chart))
    charts.forget_drawn()
    assert ours.shape == theirs.shape
    assert np.abs(ours - theirs).mean() < 4  # of 255: antialiasing at the edges of the letters
    for axis in (0, 1):  # the ink, row by row and column by column, is not shifted
        a, b = (255 - ours).sum(axis=axis), (255 - theirs).sum(axis=axis)
        assert min(range(-2, 3), key=lambda s: np.abs(np.roll(a, s) - b).sum()) == 0
