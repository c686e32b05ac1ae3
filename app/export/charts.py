"""The charts of the Báo cáo: one look on screen, as PNG and in the Word report.

Drawn with matplotlib's Agg renderer (no Qt, no display): the core makes the PNG, the screen
shows those bytes, the .docx embeds them, so the three never differ. A chart is first plain data
(:class:`ChartData`: what the bars count, straight from :class:`app.services.reports.PeriodReport`),
then a picture; tests compare the data with the figures and check the picture is not blank.
matplotlib is imported only when a picture is drawn (half a second at first use).
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.services.reports import NO_UNIT, PeriodReport, status_series

# Colours of the standings, the same on every chart (Okabe–Ito, readable by colour-blind users).
STATUS_COLOURS = {
    "Đúng hạn": "#009E73",
    "Quá hạn đã giải quyết": "#E69F00",
    "Đang giải quyết": "#56B4E9",
    "Quá hạn": "#D55E00",
}
BAR_COLOUR = "#0072B2"
DPI = 150
SIZE_INCHES = (7.0, 3.6)


@dataclass(frozen=True)
class ChartData:
    key: str  # file name stem: "linh-vuc", "don-vi", "theo-thang", "lap-lai"
    title: str
    labels: list[str]
    series: dict[str, list[int]]  # one series: plain bars; several: stacked
    horizontal: bool = True
    line: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(sum(values) for values in self.series.values())


def report_charts(report: PeriodReport) -> list[ChartData]:
    """The four charts of a period: by field, status by unit, trend by month, recurring matters."""
    # Unassigned petitions (answered on the spot, forwarded) have no unit to stand for.
    units = [(name, counts) for name, counts in report.by_unit if counts.total and name != NO_UNIT]
    return [
        ChartData(
            "linh-vuc",
            "Ý kiến, kiến nghị theo lĩnh vực",
            [name for name, _c in report.by_field],
            {"Số ý kiến": [c.total for _n, c in report.by_field]},
        ),
        ChartData(
            "don-vi",
            "Tình trạng giải quyết theo đơn vị chủ trì",
            [name for name, _c in units],
            status_series(units),
        ),
        ChartData(
            "theo-thang",
            "Ý kiến, kiến nghị theo tháng",
            [label for label, _n in report.by_month],
            {"Số ý kiến": [n for _l, n in report.by_month]},
            horizontal=False,
            line=True,
        ),
        ChartData(
            "lap-lai",
            "Vấn đề được nêu lại ở nhiều hội nghị (lĩnh vực – thôn)",
            [name for name, _n in report.recurring],
            {"Số hội nghị": [n for _name, n in report.recurring]},
        ),
    ]


def _short(label: str, limit: int = 34) -> str:
    # "$" would start matplotlib's maths text (and need fonts the bundle leaves out).
    label = label if len(label) <= limit else label[: limit - 1].rstrip() + "…"
    return label.replace("$", r"\$")


def _draw(chart: ChartData, ax: Any) -> None:
    labels = [_short(label) for label in chart.labels]
    if not labels:
        ax.text(0.5, 0.5, "Không có số liệu trong kỳ", ha="center", va="center", color="#666666")
        ax.set_axis_off()
        return
    positions = list(range(len(labels)))
    if chart.line:
        values = next(iter(chart.series.values()))
        ax.bar(positions, values, color=BAR_COLOUR, alpha=0.25, width=0.6)
        ax.plot(positions, values, color=BAR_COLOUR, marker="o", linewidth=2)
        for x, v in zip(positions, values, strict=True):
            ax.annotate(str(v), (x, v), textcoords="offset points", xytext=(0, 5), ha="center", fontsize=8)
        ax.set_xticks(positions, labels, fontsize=8, rotation=0 if len(labels) <= 7 else 45)
        ax.set_ylim(0, max([*values, 1]) * 1.2)
        ax.yaxis.get_major_locator().set_params(integer=True)
        return
    start = [0] * len(labels)
    many = len(chart.series) > 1
    for name, values in chart.series.items():
        colour = STATUS_COLOURS.get(name, BAR_COLOUR)
        bars = ax.barh(positions, values, left=start, color=colour, label=name, height=0.6)
        if not many:
            ax.bar_label(bars, fontsize=8, padding=3)
        start = [a + b for a, b in zip(start, values, strict=True)]
    if many:
        for y, total in zip(positions, start, strict=True):
            ax.text(total, y, f" {total}", va="center", fontsize=8)
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False, ncols=4)
    ax.set_yticks(positions, labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, max([*start, 1]) * 1.15)
    ax.xaxis.get_major_locator().set_params(integer=True)


def render_png(chart: ChartData, *, dpi: int = DPI) -> bytes:
    """The chart as PNG bytes (same size and look wherever it is shown)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    width, height = SIZE_INCHES
    if chart.horizontal:  # a bar is as thick whatever the number of bars
        height = min(max(1.6 + 0.42 * len(chart.labels) + 0.3 * (len(chart.series) > 1), 2.2), 7.0)
    figure = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    # A title placed at the top and axis-label positions given: matplotlib would otherwise measure
    # every tick label at each draw to place a title and labels these charts do not have (a
    # quarter of the drawing time). The top has no ticks, so the place is the same.
    ax.set_title(_short(chart.title, 90), fontsize=10, fontweight="bold", loc="left", y=1.0)
    ax.xaxis.set_label_coords(0.5, -0.1)
    ax.yaxis.set_label_coords(-0.1, 0.5)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=8)
    ax.grid(axis="x" if chart.horizontal else "y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    _draw(chart, ax)
    # Fixed margins (the label column sized from the longest label) instead of matplotlib's
    # constrained layout, which measures every text again and triples the drawing time.
    longest = max((len(_short(label)) for label in chart.labels), default=0) if chart.horizontal else 0
    left = min(0.5, 0.04 + longest * 0.075 / width) if chart.horizontal else 0.08
    bottom_inches = 0.75 if len(chart.series) > 1 else 0.4
    bottom = min(0.4, bottom_inches / height) if chart.horizontal else min(0.3, 0.6 / height)
    figure.subplots_adjust(left=left, right=0.96, top=1 - 0.4 / height, bottom=bottom)
    buffer = io.BytesIO()
    # No timestamp or software name: the same figures give the same bytes.
    figure.savefig(buffer, format="png", metadata={"Software": None}, pil_kwargs={"compress_level": 4})
    return buffer.getvalue()


def write_pngs(charts: list[ChartData], folder: Path, prefix: str = "bieu-do") -> list[Path]:
    """Each chart as ``<prefix>-<key>.png`` in ``folder`` (written to a temporary name, then renamed)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for chart in charts:
        target = folder / f"{prefix}-{chart.key}.png"
        handle, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(render_png(chart))
        os.replace(tmp, target)
        written.append(target)
    return written
