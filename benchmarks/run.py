"""Every benchmark on a generated 100 000-petition history, in one table.

    .venv/bin/python benchmarks/run.py [--fresh] [--bundle] [--petitions 100000] [--repeat 7]

The history (benchmarks/generate.py) is written once to build/bench/history.sqlite and reused
while its schema and the generator are current (``--fresh`` rebuilds it). The benchmarks run on a
scratch copy, so writing ones (autosave) leave the history as it was.

Each figure stands beside a floor measured in the same run, runs of the two interleaved so both see
the same machine: a bare PySide6 window for start-up, a bare ``SELECT … LIMIT 200`` for lists,
filters and sorts, a bare FTS5 MATCH for search, a bare Qt table for pages, a bare INSERT+COMMIT
for autosave. The table gives value, floor, ratio, target and verdict. A missed target is a
finding, not a failure: the exit code is 0 unless a benchmark crashed.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import inspect
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Logs, backups and window settings of this run go to a scratch folder, never the user's.
os.environ.setdefault("DOITHOAI_HOME", tempfile.mkdtemp(prefix="doithoai-bench-"))

# Only the standard library and bundle.py (itself stdlib) at import: the start-up figures run in a
# small child of this script, since a child's max RSS on Linux starts at its parent's size at fork.
from benchmarks import bundle  # noqa: E402

BENCH_DIR = ROOT / "build" / "bench"
HISTORY = BENCH_DIR / "history.sqlite"
STAMP = BENCH_DIR / "history.json"
MIB = 2**20
PAGE = 100  # rows a list reads first: ui.models.table.FIRST_PAGE_ROWS (a test keeps them equal)


# --- the table ---------------------------------------------------------------------------------


@dataclass
class Figure:
    name: str
    value: float | None  # seconds (or bytes for memory)
    floor: float | None
    target: str  # what the issue asks, in words
    factor: float | None = None  # met when value ≤ factor × floor
    limit: float | None = None  # met when value ≤ limit (seconds or bytes)
    unit: str = "ms"  # ms | s | MiB | n (a count)
    note: str = ""
    crashed: bool = False  # part of it raised: the note says what

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.floor:
            return None
        return self.value / self.floor

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        checks = []
        if self.factor is not None and self.floor:
            checks.append(self.value <= self.factor * self.floor)
        if self.limit is not None:
            checks.append(self.value <= self.limit)
        return all(checks) if checks else None


def shown(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "MiB":
        return f"{value / MIB:.0f} MiB"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "n":  # a count (problems found after crash kills)
        return f"{value:.0f}"
    return f"{value * 1000:.1f} ms"


def print_table(figures: Sequence[Figure]) -> None:
    header = ("figure", "value", "floor", "ratio", "target", "verdict")
    lines = []
    for f in figures:
        verdict = "CRASHED" if f.crashed else {True: "met", False: "NOT MET", None: "n/a"}[f.met]
        lines.append(
            (
                f.name,
                shown(f.value, f.unit),
                shown(f.floor, f.unit),
                f"{f.ratio:.2f}×" if f.ratio is not None else "–",
                f.target,
                verdict + (f" ({f.note})" if f.note else ""),
            )
        )
    widths = [max(len(row[i]) for row in [header, *lines]) for i in range(len(header))]
    right = {1, 2, 3}

    def line(row: Sequence[str]) -> str:
        cells = [
            cell.rjust(w) if i in right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    print(line(header))
    print("  ".join("-" * w for w in widths))
    for row in lines:
        print(line(row))


def interleaved(
    target: Callable[[], object], floor: Callable[[], object], repeat: int, warmup: int = 1
) -> tuple[list[float], list[float]]:
    """Seconds of ``repeat`` runs of each, alternating which goes first (drift hits both alike)."""
    for _ in range(warmup):
        target()
        floor()
    ours: list[float] = []
    floors: list[float] = []
    for n in range(repeat):
        pairs = ((target, ours), (floor, floors)) if n % 2 == 0 else ((floor, floors), (target, ours))
        for action, out in pairs:
            start = time.perf_counter()
            action()
            out.append(time.perf_counter() - start)
    return ours, floors


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# --- the history -------------------------------------------------------------------------------


def generator_version() -> str:
    """Changes whenever the generator, its words or the services it calls change."""
    from benchmarks import history

    digest = hashlib.sha256(str(history.GENERATOR_VERSION).encode())
    sources = [ROOT / "benchmarks" / name for name in ("history.py", "words.py", "generate.py")]
    sources += sorted((ROOT / "app" / "services").glob("*.py")) + sorted(
        (ROOT / "app" / "domain").glob("*.py")
    )
    for source in sources:
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def ensure_history(petitions: int, fresh: bool) -> tuple[Path, str]:
    """The generated history (built if missing, stale or asked for) and how it was obtained."""
    from app.storage.migrate import head_revision, schema_status
    from benchmarks import generate

    wanted = {"generator": generator_version(), "schema": head_revision(), "petitions": petitions}
    if not fresh and HISTORY.is_file() and STAMP.is_file():
        try:
            stamp = json.loads(STAMP.read_text(encoding="utf-8"))
            current = schema_status(HISTORY).current
        except (OSError, ValueError, sqlite3.Error):
            stamp, current = {}, None
        if (
            stamp.get("generator") == wanted["generator"]
            and stamp.get("petitions") == petitions
            and current == wanted["schema"]
        ):
            return (
                HISTORY,
                f"reused {HISTORY.relative_to(ROOT)} (generated in {stamp.get('seconds', 0):.0f} s)",
            )
    STAMP.unlink(missing_ok=True)
    print(f"Generating {petitions} petitions into {HISTORY.relative_to(ROOT)}…", flush=True)
    seconds = generate.generate(HISTORY, petitions, 20, seed=1)
    STAMP.write_text(
        json.dumps({**wanted, "seconds": round(seconds, 1), "on": date.today().isoformat()}), encoding="utf-8"
    )
    return HISTORY, f"generated {HISTORY.relative_to(ROOT)} in {seconds:.1f} s"


def scratch_copy(source: Path, folder: Path) -> Path:
    target = folder / "scratch.sqlite"
    shutil.copyfile(source, target)
    return target


# --- start-up (subprocesses) -------------------------------------------------------------------


def in_child(name: str, *args: str) -> list[Figure]:
    """``CHILDREN[name](*args)`` run by a fresh, small interpreter (see the note on max RSS above)."""
    result = subprocess.run(
        [sys.executable, __file__, "--child", name, *args], capture_output=True, text=True, encoding="utf-8"
    )
    if result.returncode != 0:
        raise RuntimeError(f"{name} failed: {result.stderr[-2000:]}")
    return [Figure(**item) for item in json.loads(result.stdout.splitlines()[-1])]


def startup_figures(db_path: Path, runs: int, work: Path) -> list[Figure]:
    return in_child("startup", str(db_path), str(runs), str(work))


def startup_in_child(db_path: str, runs: str, work_folder: str) -> list[Figure]:
    """The program from source against a bare PySide6 window, started in turn."""
    runs_count, work = int(runs), Path(work_folder)
    floor_script = work / "floor.py"
    floor_script.write_text(bundle.FLOOR_SCRIPT, encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DOITHOAI_HOME=str(work / "home"))
    program = [sys.executable, "-m", "app.cli", "--db", db_path]
    floor = [sys.executable, str(floor_script)]
    bundle.run_once(program, env, cwd=ROOT)  # warm-up: page cache, first-run state
    bundle.run_once(floor, env)
    on_screen, ready, peaks, floor_times, floor_peaks = [], [], [], [], []
    for n in range(runs_count):
        order = ("program", "floor") if n % 2 == 0 else ("floor", "program")
        for which in order:
            if which == "floor":
                elapsed, peak, _frame = bundle.run_once(floor, env)
                floor_times.append(elapsed)
                if peak:
                    floor_peaks.append(peak)
                continue
            launched = time.time()
            elapsed, peak, frame = bundle.run_once(program, env, cwd=ROOT)
            if frame is not None:
                on_screen.append(frame)
            ready.append(bundle.on_screen_after(env, launched, bundle.READY) or elapsed)
            if peak:
                peaks.append(peak)
    floor_start = statistics.median(floor_times)
    return [
        Figure(
            "start: window on screen",
            statistics.median(on_screen) if on_screen else None,
            floor_start,
            "≤ 1.5× bare window",
            factor=1.5,
            unit="s",
        ),
        Figure(
            "start: first list with data",
            statistics.median(ready),
            floor_start,
            "≤ 3× bare window",
            factor=3.0,
            unit="s",
        ),
        Figure(
            "start: peak memory (max RSS)",
            float(max(peaks)) if peaks else None,
            float(max(floor_peaks)) if floor_peaks else None,
            "≤ 150 MiB",
            limit=150 * MIB,
            unit="MiB",
        ),
    ]


# --- the petition list service (old and new signatures) ----------------------------------------


class UnsupportedHere(Exception):
    """A figure the version of the program being measured cannot produce (an older checkout)."""


def list_page(
    session: Any, *, sort: str = "default", descending: bool = False, today: date, **filters: Any
) -> list[Any]:
    """The first page of the petition list, through whichever ``list_petitions`` this version has.

    New contract: ``list_petitions(session, PetitionFilter(...), sort=…, descending=…, limit=…)``.
    The older one knows only query, dialogue and statuses (and ``open_first`` for the follow-up).
    Raises UnsupportedHere for what the running version cannot do.
    """
    from app.services import petitions

    if hasattr(petitions, "PetitionFilter"):
        try:
            known = {f.name for f in dataclasses.fields(petitions.PetitionFilter)}
        except TypeError:  # not a dataclass: its constructor says what it takes
            known = set(inspect.signature(petitions.PetitionFilter).parameters)
        unknown = set(filters) - known
        if unknown:
            raise UnsupportedHere(", ".join(sorted(unknown)))
        flt = petitions.PetitionFilter(**filters)
        return petitions.list_petitions(
            session, flt, sort=sort, descending=descending, offset=0, limit=PAGE, today=today
        )  # type: ignore[call-arg]
    unknown = set(filters) - {"query", "dialogue_id", "statuses"}
    if unknown or descending or sort not in ("default", "deadline"):
        raise UnsupportedHere(", ".join(sorted(unknown)) or f"sort {sort}{' desc' if descending else ''}")
    return petitions.list_petitions(
        session,
        query=filters.get("query", ""),
        dialogue_id=filters.get("dialogue_id"),
        statuses=list(filters.get("statuses") or ()) or None,
        today=today,
        limit=PAGE,
        open_first=sort == "deadline",
    )


def sorts() -> tuple[str, ...]:
    from app.services import petitions

    return tuple(getattr(petitions, "PETITION_SORTS", ("default", "deadline")))


@dataclass
class Probe:
    """Ids of typical catalogue entries and dialogues in the generated history."""

    field_id: int
    unit_id: int
    hamlet_id: int
    dialogue_id: int  # the one with the most petitions
    live_dialogue_id: int  # the one whose minutes have closest to 300 lines
    live_entries: int
    year: int
    last_year: int


def probe(db_path: Path) -> Probe:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:

        def one(sql: str) -> Any:
            return conn.execute(sql).fetchone()

        field_id = one("SELECT field_id FROM petition GROUP BY field_id ORDER BY count(*) DESC LIMIT 1")[0]
        unit_id = one("SELECT lead_unit_id FROM assignment GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")[0]
        hamlet_id = one("SELECT hamlet_id FROM petition GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")[0]
        dialogue_id = one("SELECT dialogue_id FROM petition GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")[0]
        live_id, live_count = one(
            "SELECT dialogue_id, count(*) c FROM minute_entry WHERE deleted_at IS NULL GROUP BY 1 ORDER BY abs(c - 300) LIMIT 1"
        )
        first, last = one("SELECT min(year), max(year) FROM plan")
    finally:
        conn.close()
    return Probe(field_id, unit_id, hamlet_id, dialogue_id, live_id, live_count, (first + last) // 2, last)


def bare_select(db_path: Path) -> tuple[Callable[[], object], Callable[[], None]]:
    """The floor of a list: a bare SELECT of one page of petitions on the same file."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)

    def run() -> object:
        return conn.execute(f"SELECT * FROM petition WHERE deleted_at IS NULL LIMIT {PAGE}").fetchall()

    return run, conn.close


def _call_text(kwargs: dict[str, Any]) -> str:
    return ", ".join(f"{k}={getattr(v, 'value', v)}" for k, v in kwargs.items()) or "no filter"


def list_figures(db: Any, db_path: Path, p: Probe, repeat: int) -> list[Figure]:
    from app.domain.rules import PetitionStatus

    today = date.today()
    floor, close = bare_select(db_path)
    figures: list[Figure] = []

    def measure(name: str, target: str, limit: float, calls: list[dict[str, Any]]) -> None:
        worst, worst_floor, note, crash = None, None, "", ""
        for kwargs in calls:

            def call(kwargs: dict[str, Any] = kwargs) -> object:
                with db.reading() as session:
                    return list_page(session, today=today, **kwargs)

            try:
                ours, floors = interleaved(call, floor, repeat)
            except UnsupportedHere as exc:
                note = f"not in this version: {exc}"
                continue
            except Exception as exc:  # one broken call must not hide the other figures
                traceback.print_exc()
                crash = f"{_call_text(kwargs)}: {type(exc).__name__}: {str(exc).splitlines()[0]}"[:110]
                continue
            value = statistics.median(ours)
            if worst is None or value > worst:
                worst, worst_floor = value, statistics.median(floors)
        if crash:
            note = crash
        elif worst is not None:
            note = ""
        figures.append(Figure(name, worst, worst_floor, target, limit=limit, note=note, crashed=bool(crash)))

    filters: list[tuple[str, dict[str, Any]]] = [
        ("filter: no filter (all)", {}),
        (
            "filter: chưa xong (mới, đang giải quyết)",
            {"statuses": (PetitionStatus.NEW, PetitionStatus.IN_PROGRESS)},
        ),
    ]
    filters += [(f"filter: {status.label}", {"statuses": (status,)}) for status in PetitionStatus]
    filters += [
        ("filter: sắp đến hạn", {"due": "near"}),
        ("filter: quá hạn", {"due": "overdue"}),
        ("filter: one dialogue", {"dialogue_id": p.dialogue_id}),
        (f"filter: year {p.year}", {"year": p.year}),
        ("filter: one field", {"field_id": p.field_id}),
        ("filter: one lead unit", {"unit_id": p.unit_id}),
        ("filter: one thôn", {"hamlet_id": p.hamlet_id}),
        (
            "filter: đã giải quyết + field + year",
            {"statuses": (PetitionStatus.RESOLVED,), "field_id": p.field_id, "year": p.last_year},
        ),
    ]
    try:
        for name, kwargs in filters:
            measure(name, "≤ 100 ms", 0.100, [kwargs])
        for sort in sorts():
            measure(
                f"sort: {sort} (asc, desc)",
                "≤ 150 ms",
                0.150,
                [{"sort": sort}, {"sort": sort, "descending": True}],
            )
    finally:
        close()
    return figures


# --- search ------------------------------------------------------------------------------------

SEARCHES = (
    "Nguyễn Văn", "nguyen van hung", "Đặng", "dang", "thôn Đông", "thon dong", "Hương Câu", "huong cau",
    "giấy chứng nhận", "giay chung nhan", "hộ nghèo", "ho ngheo", "ổ gà", "o ga", "rác thải", "rac thai",
    "bảo hiểm y tế", "ô nhiễm", "tranh chấp", "kênh mương", "karaoke", "Lê Thị", "le thi hoa", "trạm bơm",
    "tram bom", "đèn chiếu sáng", "bồi thường", "boi thuong dat", "sổ đỏ", "Phạm Thị Thu",
)  # fmt: skip


def fts_match(query: str) -> str:
    """The MATCH expression the petition search has used: every folded word, the last as a prefix."""
    from app.domain.text import search_words

    found = search_words(query)
    return " AND ".join([f'"{w}"' for w in found[:-1]] + [f'"{found[-1]}"*'])


def search_figures(db: Any, db_path: Path, repeat: int) -> list[Figure]:
    today = date.today()
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    ours_all: list[float] = []
    floors_all: list[float] = []
    try:
        for query in SEARCHES:
            match = fts_match(query)

            def call(query: str = query) -> object:
                with db.reading() as session:
                    return list_page(session, today=today, query=query)

            def floor(match: str = match) -> object:
                return conn.execute(
                    f"SELECT rowid FROM petition_fts WHERE petition_fts MATCH ? LIMIT {PAGE}", (match,)
                ).fetchall()

            ours, floors = interleaved(call, floor, max(1, repeat // 2))
            ours_all += ours
            floors_all += floors
    finally:
        conn.close()
    return [
        Figure(
            f"search p95 ({len(SEARCHES)} queries, with and without tones)",
            percentile(ours_all, 0.95),
            percentile(floors_all, 0.95),
            "≤ 30 ms",
            limit=0.030,
        )
    ]


# --- Qt pages ------------------------------------------------------------------------------------


def quiet_qt_messages() -> None:
    """Drop the offscreen plugin's "does not support propagateSizeHints()" line repeated per window."""
    from PySide6.QtCore import qInstallMessageHandler

    previous = None

    def handler(mode: Any, context: Any, message: str) -> None:
        if "propagateSizeHints" in message:
            return
        if previous is not None:
            previous(mode, context, message)
        else:
            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(handler)


class Qt:
    """The Qt side of the run: one application, one context on the scratch database."""

    def __init__(self, db: Any) -> None:
        from PySide6.QtCore import QSettings

        from ui.context import AppContext
        from ui.main import make_application
        from ui.tasks import TaskManager

        self.app = make_application()
        quiet_qt_messages()
        self.tasks = TaskManager(self.app)
        self.context = AppContext(db=db, tasks=self.tasks)
        self.settings = QSettings(
            str(Path(os.environ["DOITHOAI_HOME"]) / "bench-ui.ini"), QSettings.Format.IniFormat
        )

    def settle(self, timeout: float = 20.0) -> None:
        """Run the event loop until no task is pending and every result has been delivered."""
        from PySide6.QtCore import QEventLoop, QTimer

        deadline = time.perf_counter() + timeout
        while True:
            self.app.processEvents()
            if not self.tasks.busy:
                self.app.processEvents()
                if not self.tasks.busy:
                    return
            if time.perf_counter() > deadline:
                raise TimeoutError("the page did not finish loading")
            loop = QEventLoop()
            self.tasks.busy_changed.connect(loop.quit)
            QTimer.singleShot(50, loop.quit)
            loop.exec()
            self.tasks.busy_changed.disconnect(loop.quit)

    def open(self, make: Callable[[], Any], ready: Callable[[Any], bool] | None = None) -> Callable[[], None]:
        """An action that builds a window, shows it, waits until its data is in, and closes it.

        ``ready(widget)`` says the page shows its data (the figure is what a user waits for): the
        run goes on until it holds, whatever the page reads later or defers.
        """

        def run() -> None:
            widget = make()
            widget.resize(1366, 768)
            widget.show()
            self.settle()
            deadline = time.perf_counter() + 20.0
            while ready is not None and not ready(widget):
                if time.perf_counter() > deadline:
                    raise TimeoutError("the page did not show its data")
                self.app.processEvents()
                self.settle()
            widget.repaint()
            widget.close()
            widget.deleteLater()
            self.app.processEvents()

        return run

    def bare_table(self, rows: list[tuple[str, ...]]) -> Callable[[], None]:
        """The floor of a page: a bare QTableView over the same texts, columns fitted."""
        from PySide6.QtGui import QStandardItem, QStandardItemModel
        from PySide6.QtWidgets import QTableView

        def make() -> Any:
            model = QStandardItemModel(len(rows), len(rows[0]) if rows else 1)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    model.setItem(r, c, QStandardItem(value))
            view = QTableView()
            view.setModel(model)
            view._model = model  # type: ignore[attr-defined]  # kept alive with the view
            view.resizeColumnsToContents()
            return view

        return self.open(make)


def page_rows(db_path: Path, sql: str) -> list[tuple[str, ...]]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return [tuple("" if v is None else str(v) for v in row) for row in conn.execute(sql)]
    finally:
        conn.close()


# What a page shows once its data is in (pages not named: their loads end with the tasks).
PAGE_READY: dict[str, Callable[[Any], bool]] = {
    # The plans listed and the newest one in the form (its lists and units drawn).
    "plans": lambda page: page.model.rowCount() > 0 and page.editor.form.plan_id is not None,
}

# The list pages, by the main window's page key, or by title where pages have no key yet.
PAGES = (
    ("petitions", "Ý kiến – kiến nghị"),
    ("follow_up", "Theo dõi giải quyết"),
    ("dialogues", "Hội nghị"),
    ("plans", "Kế hoạch"),
)


def page_figures(qt: Qt, db_path: Path, p: Probe, repeat: int) -> list[Figure]:
    """Each list page built as the main window builds it, shown, loaded and fitted."""
    from ui.main_window import MainWindow

    # A window that is never shown, only asked to make pages: the screens, signals and models
    # the program itself would make, whatever their constructors need.
    window = MainWindow(qt.settings)
    window.context = qt.context
    by_key = hasattr(MainWindow, "PAGE_KEYS")
    petition_rows = page_rows(
        db_path,
        f"SELECT petitioner_name, hamlet_id, content, status, received_on, field_id, kind FROM petition LIMIT {PAGE}",
    )
    floors = {
        "petitions": petition_rows,
        "follow_up": petition_rows,
        "dialogues": page_rows(
            db_path, "SELECT scheduled_at, title, place, chair_id, citizens_count, state, '' FROM dialogue"
        ),
        "plans": page_rows(db_path, "SELECT year, title, number, issued_on, kind FROM plan"),
    }
    figures = []
    for key, title in PAGES:
        name = key if by_key else title

        def make(name: str = name) -> Any:
            return window._make_page(name)

        try:
            ours, bare = interleaved(qt.open(make, PAGE_READY.get(key)), qt.bare_table(floors[key]), repeat)
        except Exception as exc:  # one broken page must not hide the others
            traceback.print_exc()
            note = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"[:110]
            figures.append(Figure(f"page opens: {title}", None, None, "≤ 150 ms", note=note, crashed=True))
            continue
        figures.append(
            Figure(
                f"page opens: {title}",
                statistics.median(ours),
                statistics.median(bare),
                "≤ 150 ms",
                limit=0.150,
            )
        )
    window.deleteLater()
    return figures


def live_figures(qt: Qt, db_path: Path, p: Probe, repeat: int) -> list[Figure]:
    from ui.views.live.window import LiveMinutesWindow

    rows = page_rows(
        db_path,
        f"SELECT at, kind, speaker, content FROM minute_entry WHERE dialogue_id = {p.live_dialogue_id} ORDER BY position",
    )
    ours, floors = interleaved(
        qt.open(lambda: LiveMinutesWindow(qt.context, p.live_dialogue_id, ui_settings=qt.settings)),
        qt.bare_table(rows),
        repeat,
    )
    return [
        Figure(
            f"live window opens ({p.live_entries} entries)",
            statistics.median(ours),
            statistics.median(floors),
            "≤ 200 ms",
            limit=0.200,
        )
    ]


# --- writing: autosave -------------------------------------------------------------------------


def autosave_figures(db: Any, db_path: Path, samples: int) -> list[Figure]:
    from datetime import datetime

    from app.services import dialogues, minutes, settings
    from benchmarks import live_minutes

    # A dialogue held today, as the secretary types its minutes.
    with db.transaction() as session:
        org = settings.current_organization(session)
        assert org is not None
        dialogue_id = dialogues.create_dialogue(
            session,
            dialogues.DialogueInput(
                organization_id=org.id, title="Hội nghị đo tốc độ ghi", scheduled_at=datetime.now()
            ),
        )
        minutes.start_dialogue(session, dialogue_id)
    try:
        commits, floors = live_minutes.interleaved_commit_times(db, db_path, dialogue_id, samples)
    finally:
        with db.transaction() as session:
            minutes.end_dialogue(session, dialogue_id, [])
    return [
        Figure(
            f"autosave commit p99 ({samples} commits)",
            percentile(commits, 0.99),
            percentile(floors, 0.99),
            "≤ 20 ms",
            limit=0.020,
            note="",
        )
    ]


# --- documents and bundle ----------------------------------------------------------------------


def export_figures() -> list[Figure]:
    from benchmarks import export

    with tempfile.TemporaryDirectory() as tmp:
        found = export.figures(Path(tmp))
    return [
        Figure(
            f"export: {f.label}",
            f.seconds,
            f.floor,
            f"≤ {export.FLOOR_FACTOR:g}× bare docx, < {export.LIMIT_SECONDS:g} s",
            factor=export.FLOOR_FACTOR,
            limit=export.LIMIT_SECONDS,
        )
        for f in found
    ]


def crash_figures(live: int, per_kind: int, parallel: int) -> list[Figure]:
    """SIGKILLs on the real paths (benchmarks/crash.py): typing lost, and problems after kills
    during exports with a number, backups, restores and migrations (0 is the target)."""
    from benchmarks import crash
    from tests import safetykit
    from tests.crashkit import LOSS_LIMIT
    from tests.crashkit import summary as live_summary

    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="doithoai-crash-") as tmp:
        results = crash.live_kills(Path(tmp) / "live", live, parallel)
        if results:
            print(f"    {live_summary(results)}", flush=True)
            whole = all(r.integrity == "ok" and not r.missing_commits for r in results)
            figures.append(
                Figure(
                    f"power cut: live window ({len(results)} SIGKILLs), typing lost worst",
                    max(r.lost_seconds for r in results),
                    None,
                    f"≤ {LOSS_LIMIT:g} s, integrity ok, every commit kept",
                    limit=LOSS_LIMIT if whole else -1.0,  # a broken file or a lost commit: never met
                    unit="s",
                    note="" if whole else "integrity failure or a reported commit missing",
                )
            )
        verdicts = crash.safety_kills(Path(tmp) / "safety", per_kind)
    for line in safetykit.summary(verdicts).splitlines():
        print(f"    {line}", flush=True)
    for kind in ("export", "backup", "restore", "migration"):
        mine = [v for v in verdicts if v.kind == kind]
        if mine:
            problems = [p for v in mine for p in v.problems]
            figures.append(
                Figure(
                    f"SIGKILL during {kind} ({len(mine)} kills): problems",
                    float(len(problems)),
                    None,
                    "0 (integrity, steps kept, no number twice, no incomplete file)",
                    limit=0,
                    unit="n",
                    note=problems[0][:100] if problems else "",
                )
            )
    return figures


def bundle_figures(runs: int) -> list[Figure]:
    return in_child("bundle", str(runs))


def bundle_in_child(runs: str) -> list[Figure]:
    program, floor, _untrimmed = bundle.measure_bundle(int(runs))
    return [
        Figure(
            "bundle: window on screen",
            program.first_frame,
            floor.start,
            f"≤ {bundle.START_FACTOR:g}× frozen bare window",
            factor=bundle.START_FACTOR,
            unit="s",
        ),
        Figure(
            "bundle: ready",
            program.start,
            floor.start,
            f"≤ {bundle.START_FACTOR:g}× frozen bare window",
            factor=bundle.START_FACTOR,
            unit="s",
        ),
        Figure(
            "bundle: peak memory",
            float(program.peak) if program.peak else None,
            float(floor.peak) if floor.peak else None,
            f"≤ {bundle.MEMORY_LIMIT_MIB:g} MiB",
            limit=bundle.MEMORY_LIMIT_MIB * MIB,
            unit="MiB",
        ),
    ]


# --- the run -----------------------------------------------------------------------------------


@contextmanager
def section(title: str, failures: list[str], figures: list[Figure], name: str) -> Iterator[None]:
    """Run one benchmark; a crash becomes a row of the table and a non-zero exit, not an abort."""
    print(f"  {title}…", flush=True)
    start = time.perf_counter()
    try:
        yield
    except Exception as exc:  # a crash of one benchmark must not hide the others' figures
        traceback.print_exc()
        failures.append(title)
        figures.append(Figure(name, None, None, "", note=f"{type(exc).__name__}: {exc}"[:120], crashed=True))
    print(f"    done in {time.perf_counter() - start:.1f} s", flush=True)


SECTIONS = (
    "start",
    "lists",
    "search",
    "everywhere",
    "pages",
    "reports",
    "followup",
    "live",
    "autosave",
    "export",
    "crash",
    "pg",
)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        children = {"startup": startup_in_child, "bundle": bundle_in_child}
        figures = children[argv[1]](*argv[2:])
        print(json.dumps([dataclasses.asdict(f) for f in figures]))
        return 0
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--fresh", action="store_true", help="regenerate the history even if it is current")
    parser.add_argument(
        "--bundle", action="store_true", help="also measure the frozen bundle (needs PyInstaller)"
    )
    parser.add_argument("--petitions", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7, help="runs per figure (median)")
    parser.add_argument("--starts", type=int, default=5, help="program starts for the start-up figures")
    parser.add_argument("--samples", type=int, default=300, help="autosave commits")
    parser.add_argument("--kills", type=int, default=200, help="SIGKILLs of the live window (crash)")
    parser.add_argument(
        "--kills-per-kind",
        type=int,
        default=50,
        help="SIGKILLs during each of export, backup, restore, migration",
    )
    parser.add_argument(
        "--pg-petitions",
        type=int,
        default=500_000,
        help="petitions of the PostgreSQL province (benchmarks/pg.py: DOITHOAI_BENCH_PG_URL, else the"
        " kept server in build/bench/pg when PostgreSQL is installed)",
    )
    parser.add_argument("--pg-communes", type=int, default=150, help="communes of the PostgreSQL province")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=SECTIONS,
        metavar="SECTION",
        help=f"run only these: {', '.join(SECTIONS)}",
    )
    args = parser.parse_args(argv)
    wanted = set(args.only or SECTIONS)

    source, how = ensure_history(args.petitions, args.fresh)
    work = Path(tempfile.mkdtemp(prefix="doithoai-run-"))
    figures: list[Figure] = []
    failures: list[str] = []
    try:
        db_path = scratch_copy(source, work)
        print(f"History: {how}; measuring on a copy in {work}", flush=True)
        if "start" in wanted:
            with section("start-up (subprocesses)", failures, figures, "start"):
                figures += startup_figures(db_path, args.starts, work)

        from app.storage.database import Database

        db = Database.open(db_path)
        try:
            p = probe(db_path)
            if "lists" in wanted:
                with section("filters and sorts", failures, figures, "filters and sorts"):
                    figures += list_figures(db, db_path, p, args.repeat)
            if "search" in wanted:
                with section("search", failures, figures, "search"):
                    figures += search_figures(db, db_path, args.repeat)
            if "everywhere" in wanted:
                with section("search everywhere", failures, figures, "search everywhere"):
                    from benchmarks import search_reports

                    figures += search_reports.everywhere_figures(db, db_path, args.repeat)
            qt: Qt | None = None
            if "pages" in wanted:
                with section("Qt pages", failures, figures, "pages"):
                    qt = Qt(db)
                    figures += page_figures(qt, db_path, p, args.repeat)
            if "reports" in wanted:
                with section("search window and report screen", failures, figures, "reports"):
                    from benchmarks import search_reports

                    qt = qt or Qt(db)
                    figures += search_reports.window_figures(qt, args.repeat)
                    figures += search_reports.report_page_figures(qt, db_path, p.last_year - 1, args.repeat)
            if "followup" in wanted:
                with section("theo dõi: filters and results import", failures, figures, "followup"):
                    from benchmarks import followup_bench

                    qt = qt or Qt(db)
                    figures += followup_bench.filter_figures(qt, db_path, p, args.repeat)
                    figures += followup_bench.import_figures(db, db_path, work, args.repeat)
            if "live" in wanted:
                with section("live window", failures, figures, "live window"):
                    qt = qt or Qt(db)
                    figures += live_figures(qt, db_path, p, args.repeat)
            if "autosave" in wanted:
                with section("autosave", failures, figures, "autosave"):
                    figures += autosave_figures(db, db_path, args.samples)
            if qt is not None:
                qt.tasks.wait()
        finally:
            db.close()
        if "export" in wanted:
            with section("exports", failures, figures, "export"):
                figures += export_figures()
        if "crash" in wanted:
            with section("crash kills (subprocesses)", failures, figures, "crash"):
                figures += crash_figures(args.kills, args.kills_per_kind, parallel=2)
        if args.bundle:
            with section("bundle", failures, figures, "bundle"):
                figures += bundle_figures(args.starts)
        if "pg" in wanted:
            with section("PostgreSQL (benchmarks/pg.py)", failures, figures, "pg"):
                from benchmarks import pg

                figures += pg.pg_figures(
                    None, args.pg_communes, args.pg_petitions, args.repeat, 30, args.fresh
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print()
    print(
        f"On {args.petitions} generated petitions ({how}); medians of {args.repeat} runs unless said otherwise."
    )
    print_table(figures)
    failures += [f.name for f in figures if f.crashed and f.name not in failures]
    if failures:
        print(f"\nCrashed: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
