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
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.domain.text import word_safe
from app.services.reports import NO_UNIT, PeriodReport, collector_paused, status_series

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


_UNDRAWN = frozenset({"Cc", "Cf", "Co", "Cn", "Cs"})


def _short(label: str, limit: int = 34) -> str:
    # A label is drawn on one line: a pasted tab or line break becomes a space, and what no font
    # draws (control, format, private-use and unassigned characters) is dropped.
    label = "".join(
        ch for ch in " ".join(word_safe(label).split()) if unicodedata.category(ch) not in _UNDRAWN
    )
    # "$" would start matplotlib's maths text (and need fonts the bundle leaves out).
    label = label if len(label) <= limit else label[: limit - 1].rstrip() + "…"
    return label.replace("$", r"\$")


# The layout is fixed, in inches from the bottom-left corner of the picture: no Axes, no ticks,
# no layout engine. matplotlib's Axis machinery and its layout engines lay out every text again
# at each draw, and drawing text (a glyph at a time) is most of a chart's cost: each chart has
# only the texts a reader needs, a label and a value per bar, the title and the legend. Sizes
# are estimated from character counts, never measured, which is as cheap as it is stable.
TITLE_BAND = 0.42  # above the bars, the title in it
ROW = 0.3  # per horizontal bar
BAR = 0.62  # share of its row (or column) a bar fills
GAP = 0.08  # between a label and its bar
VALUE_ROOM = 0.5  # right of the longest bar, for its value
MARGIN = 0.12
LEGEND_BAND = 0.34
CHAR = 0.066  # inches per character of an 8-point label, generously (DejaVu Sans averages less)
TEXT = "#222222"
AXIS = "#666666"


def chart_size(chart: ChartData) -> tuple[float, float]:
    """The picture's width and height in inches: a bar is as thick whatever the number of bars."""
    width, height = SIZE_INCHES
    if chart.horizontal and chart.labels:
        height = TITLE_BAND + ROW * len(chart.labels) + MARGIN + _legend_band(chart)
        height = min(max(height, 2.0), 7.0)
    return width, height


def _legend_band(chart: ChartData) -> float:
    return LEGEND_BAND if len(chart.series) > 1 else 0.0


def _box(x0: float, y0: float, x1: float, y1: float) -> list[tuple[float, float]]:
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def _legend(figure: Any, chart: ChartData, boxes: list[Any], colours: list[str]) -> None:
    """One row of colour squares and names under the bars, for stacked bars only."""
    inches = figure.dpi_scale_trans
    x, y = MARGIN, MARGIN + 0.06
    for name in chart.series:
        boxes.append(_box(x, y, x + 0.12, y + 0.12))
        colours.append(STATUS_COLOURS.get(name, BAR_COLOUR))
        figure.text(x + 0.17, y + 0.06, name, va="center", fontsize=7, color=TEXT, transform=inches)
        x += 0.17 + len(name) * CHAR * 0.85 + 0.25


def _draw_bars(figure: Any, chart: ChartData, width: float, height: float) -> None:
    """Horizontal bars, stacked when there are several series, each with its label and total."""
    from matplotlib.collections import PolyCollection
    from matplotlib.lines import Line2D

    inches = figure.dpi_scale_trans
    labels = [_short(label) for label in chart.labels]
    bottom = MARGIN + _legend_band(chart)
    left = MARGIN + min(max(len(label) for label in labels) * CHAR, width * 0.45) + GAP
    right = width - MARGIN - VALUE_ROOM
    top = height - TITLE_BAND
    row = (top - bottom) / len(labels)
    totals = [sum(values) for values in zip(*chart.series.values(), strict=True)]
    scale = (right - left) / max([*totals, 1])
    boxes: list[Any] = []
    colours: list[str] = []
    start = [0] * len(labels)
    for name, values in chart.series.items():
        colour = STATUS_COLOURS.get(name, BAR_COLOUR)
        for n, value in enumerate(values):
            if value:
                y0 = top - row * (n + 0.5 + BAR / 2)
                boxes.append(
                    _box(left + start[n] * scale, y0, left + (start[n] + value) * scale, y0 + row * BAR)
                )
                colours.append(colour)
            start[n] += value
    for n, (label, total) in enumerate(zip(labels, totals, strict=True)):
        y = top - row * (n + 0.5)
        figure.text(left - GAP, y, label, ha="right", va="center", fontsize=8, color=TEXT, transform=inches)
        figure.text(left + total * scale + 0.04, y, str(total), va="center", fontsize=8, transform=inches)
    if len(chart.series) > 1:
        _legend(figure, chart, boxes, colours)
    figure.add_artist(PolyCollection(boxes, facecolors=colours, edgecolors="none", transform=inches))
    figure.add_artist(Line2D([left, left], [bottom, top], color=AXIS, linewidth=0.8, transform=inches))


def _draw_trend(figure: Any, chart: ChartData, width: float, height: float) -> None:
    """Columns with a line through their tops, a value above each and the month under it."""
    from matplotlib.collections import PolyCollection
    from matplotlib.lines import Line2D

    inches = figure.dpi_scale_trans
    values = next(iter(chart.series.values()))
    labels = [_short(label, 12) for label in chart.labels]
    year = _common_year(labels)
    if year:  # "T1".."T12" under a title that names the year: twelve labels fit unturned
        labels = [label.removesuffix(year) for label in labels]
    left, right = MARGIN + 0.1, width - MARGIN
    bottom, top = MARGIN + 0.3, height - TITLE_BAND - 0.25  # month names below, values above
    column = (right - left) / len(labels)
    scale = (top - bottom) / max([*values, 1])
    xs = [left + column * (n + 0.5) for n in range(len(labels))]
    ys = [bottom + v * scale for v in values]
    boxes = [_box(x - column * BAR / 2, bottom, x + column * BAR / 2, y) for x, y in zip(xs, ys, strict=True)]
    figure.add_artist(
        PolyCollection(boxes, facecolors=BAR_COLOUR, alpha=0.25, edgecolors="none", transform=inches)
    )
    figure.add_artist(
        Line2D(xs, ys, color=BAR_COLOUR, marker="o", markersize=4, linewidth=2, transform=inches)
    )
    figure.add_artist(Line2D([left, right], [bottom, bottom], color=AXIS, linewidth=0.8, transform=inches))
    size = 8 if max(len(label) for label in labels) * CHAR * 0.9 <= column else 6.5
    for x, y, value, label in zip(xs, ys, values, labels, strict=True):
        figure.text(x, y + 0.06, str(value), ha="center", va="bottom", fontsize=8, transform=inches)
        figure.text(
            x, bottom - 0.06, label, ha="center", va="top", fontsize=size, color=TEXT, transform=inches
        )


def _common_year(labels: list[str]) -> str:
    """The "/2026" every month label ends with, if they all do."""
    tails = {label[label.rfind("/") :] for label in labels if "/" in label}
    if len(tails) == 1 and all("/" in label for label in labels):
        tail = tails.pop()
        return tail if tail[1:].isdigit() else ""
    return ""


def _title(chart: ChartData) -> str:
    year = _common_year(chart.labels) if chart.line else ""
    return _short(f"{chart.title} năm {year[1:]}" if year else chart.title, 80)


def render_png(chart: ChartData, *, dpi: float = DPI) -> bytes:
    """The chart as PNG bytes (same size and look wherever it is shown).

    The last pictures drawn are kept, keyed by everything they show and their resolution: the
    report screen opened again, or refreshed after an edit that moved one chart's counts, shows
    the others at once; the .docx of the period on screen reuses nothing but the same function.
    """
    key = (_identity(chart), round(float(dpi), 3))
    with _KEPT_LOCK:
        png = _KEPT.get(key)
        if png is not None:
            _KEPT.move_to_end(key)
            return png
    # matplotlib's state (rcParams, font caches) is not for two threads at once; a chart's artists
    # are many small objects, freed with the figure: the cycle collector waits until it is drawn.
    with _DRAWING, collector_paused():
        png = _render(chart, float(dpi))
    with _KEPT_LOCK:
        _KEPT[key] = png
        while len(_KEPT) > KEPT_PICTURES:
            _KEPT.popitem(last=False)
    return png


def forget_drawn() -> None:
    """Drop the kept pictures (the next ones are drawn afresh)."""
    with _KEPT_LOCK:
        _KEPT.clear()


def _identity(chart: ChartData) -> tuple[object, ...]:
    return (
        chart.key,
        chart.title,
        tuple(chart.labels),
        tuple((name, tuple(values)) for name, values in chart.series.items()),
        chart.horizontal,
        chart.line,
        tuple(chart.notes),
    )


KEPT_PICTURES = 24  # a few periods' four charts at two resolutions; a PNG is a few tens of kB
_KEPT: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
_KEPT_LOCK = threading.Lock()
_DRAWING = threading.Lock()
# Glyphs drawn unhinted: about a third less time per text than FreeType's hinting, which is most
# of a chart's cost, and as legible at these sizes (matplotlib's own test images use it).
_TEXT_RC: dict[Any, Any] = {"text.hinting": "no_hinting"}


def _render(chart: ChartData, dpi: float) -> bytes:
    import matplotlib
    from matplotlib.figure import Figure

    width, height = chart_size(chart)
    with matplotlib.rc_context(_TEXT_RC):
        return _draw(chart, Figure(figsize=(width, height), dpi=dpi), width, height)


def _draw(chart: ChartData, figure: Any, width: float, height: float) -> bytes:
    _canvas_class()(figure)
    inches = figure.dpi_scale_trans
    figure.text(
        MARGIN,
        height - 0.14,
        _title(chart),
        fontsize=10,
        fontweight="bold",
        va="top",
        color=TEXT,
        transform=inches,
    )
    if not chart.labels:
        figure.text(0.5, 0.45, "Không có số liệu trong kỳ", ha="center", va="center", color="#666666")
    elif chart.line:
        _draw_trend(figure, chart, width, height)
    else:
        _draw_bars(figure, chart, width, height)
    buffer = io.BytesIO()
    # No timestamp or software name: the same figures give the same bytes.
    figure.savefig(buffer, format="png", metadata={"Software": None}, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


@lru_cache(maxsize=1)
def _canvas_class() -> type:
    """matplotlib's Agg canvas, drawing each text in one FreeType call where matplotlib allows.

    From matplotlib 3.11 on, Agg draws text a glyph at a time from Python (for font fallback,
    which these charts do not need: DejaVu Sans has every Vietnamese letter), about 0.1 ms per
    glyph, which made most of a chart's time. This renderer draws a plain text the way Agg did
    up to 3.10, the whole string rendered by FreeType in C++ and composited once: the same
    glyphs, placed within a pixel of the glyph-by-glyph path. Maths text, turned text and any
    matplotlib without these calls get matplotlib's own path.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
    from matplotlib.ft2font import FT2Font

    needed = ("set_text", "draw_glyphs_to_bitmap", "get_bitmap_offset", "get_descent", "get_image")
    if not hasattr(RendererAgg, "_prepare_font") or not all(hasattr(FT2Font, n) for n in needed):
        return FigureCanvasAgg

    class WholeTextRenderer(RendererAgg):  # type: ignore[misc]
        # The text last laid out by FreeType, (font, (text, properties)): matplotlib measures a
        # text (a layout) and at once draws it (another layout of the same string); the second
        # is skipped when the font still holds that very layout.
        _laid: tuple[Any, tuple[str, int]] | None = None

        def clear(self) -> None:
            self._laid = None
            super().clear()  # type: ignore[no-untyped-call]

        def _prepare_font(self, font_prop: Any) -> Any:
            self._laid = None  # the font is cleared: whatever it held is gone
            font = super()._prepare_font(font_prop)  # type: ignore[no-untyped-call]
            self._font = font
            return font

        def get_text_width_height_descent(self, s: str, prop: Any, ismath: Any) -> Any:
            result = super().get_text_width_height_descent(s, prop, ismath)  # type: ignore[no-untyped-call]
            if ismath is False:  # laid out by font.set_text (maths and TeX are not)
                self._laid = (self._font, (s, hash(prop)))
            return result

        def draw_text(
            self,
            gc: Any,
            x: float,
            y: float,
            s: str,
            prop: Any,
            angle: float,
            ismath: Any = False,
            mtext: Any = None,
        ) -> None:
            if ismath or angle:
                self._laid = None
                super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)  # type: ignore[no-untyped-call]
                return
            laid = self._laid
            if laid is not None and laid[1] == (s, hash(prop)):
                font = laid[0]
            else:
                font = self._prepare_font(prop)
                font.set_text(s, 0, flags=get_hinting_flag())  # type: ignore[no-untyped-call]
                self._laid = (font, (s, hash(prop)))
            font.draw_glyphs_to_bitmap(antialiased=gc.get_antialiased())
            xo, yo = font.get_bitmap_offset()
            descent = font.get_descent() / 64.0
            image = font.get_image()
            # The bitmap's bottom edge, y downwards (as Agg's own draw_text computed it).
            self._renderer.draw_text_image(
                image, round(x + xo / 64.0), round(y + yo / 64.0 + descent) + 1, 0, gc
            )

    class WholeTextCanvas(FigureCanvasAgg):  # type: ignore[misc]
        def get_renderer(self) -> Any:
            width, height = self.get_width_height(physical=True)
            key = (width, height, self.figure.dpi)
            if getattr(self, "_whole_text_key", None) != key:
                self.renderer = WholeTextRenderer(width, height, self.figure.dpi)  # type: ignore[no-untyped-call]
                self._whole_text_key = key
            return self.renderer

    return WholeTextCanvas


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
