"""The frozen bundle against a bare PySide6 window frozen the same way (the floor).

    .venv/bin/python benchmarks/bundle.py [--runs 7] [--rebuild]

Prints, side by side: size on disk, start-up time (median of ``--runs`` runs after one warm-up,
measured from outside the process) both to the main window on screen (the program logs the wall
time of its first frame) and to the window ready with its data (exit of ``--quit-after-show``),
and peak memory, for

- the program, dist/doithoai (built with build.spec if missing or with ``--rebuild``);
- the floor: QApplication + QMainWindow shown then quit, frozen with the same rules
  (packaging/bundle_rules.py: excludes, trimmed plugins and libraries, strip);
- the floor frozen with PyInstaller's defaults (its untrimmed size is the size yardstick).

Both floors are built in a temporary folder on every run. Start-up runs off-screen
(QT_QPA_PLATFORM=offscreen) with a temporary data folder already holding the demo data, so no
first-run dialog appears; the page cache is warm after the warm-up run (dropping it would need
root and would slow down everyone else on the machine), so an old HDD's first start is slower.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WINDOWS = sys.platform == "win32"
EXE_SUFFIX = ".exe" if WINDOWS else ""
MIB = 1024 * 1024

START_FACTOR, SIZE_FACTOR, MEMORY_LIMIT_MIB = 2.0, 1.3, 150.0

FLOOR_SCRIPT = """\
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1280, 760)
window.show()
if "--quit-after-show" in sys.argv:
    QTimer.singleShot(0, app.quit)
sys.exit(app.exec())
"""

TRIMMED_FLOOR_SPEC = """\
import sys
sys.path.insert(0, {packaging!r})
import bundle_rules
from PyInstaller.depend import bindepend

a = Analysis([{script!r}], excludes=bundle_rules.EXCLUDED_MODULES)
a.binaries, a.datas = bundle_rules.trim(a.binaries, a.datas, bindepend.get_imports, log=lambda _line: None)
pyz = PYZ(a.pure)
exe = EXE(pyz, a.scripts, [], exclude_binaries=True, name="floor", console=True,
          strip=bundle_rules.STRIP, upx=False)
coll = COLLECT(exe, a.binaries, a.datas, strip=bundle_rules.STRIP, upx=False, name="floor")
"""


@dataclass
class Figures:
    size: int
    starts: list[float]
    peaks: list[int]  # bytes; empty where the platform cannot tell (Windows without psutil)
    on_screen: list[float]  # launch → main window painted (from the program's log); empty for floors

    @property
    def first_frame(self) -> float | None:
        return statistics.median(self.on_screen) if self.on_screen else None

    @property
    def start(self) -> float:
        return statistics.median(self.starts)

    @property
    def peak(self) -> int | None:
        return max(self.peaks) if self.peaks else None


def folder_size(folder: Path) -> int:
    """Bytes of the regular files in ``folder`` (symbolic links count as nothing)."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def pyinstaller(*args: str, cwd: Path) -> None:
    started = time.perf_counter()
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", *args]
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"PyInstaller failed ({' '.join(args)}):\n{result.stderr[-3000:]}")
    print(f"  built {args[-1]} in {time.perf_counter() - started:.0f} s", flush=True)


ON_SCREEN = "main window on screen at "
READY = "main window ready at "


def on_screen_after(env: dict[str, str], launched: float, mark: str = ON_SCREEN) -> float | None:
    """Seconds from ``launched`` (wall clock) to the program's own ``mark`` in its log ("on screen")."""
    log = Path(env.get("DOITHOAI_HOME", "")) / "logs" / "doithoai.log"
    if not log.is_file():
        return None
    marks = [
        float(line.rsplit(mark, 1)[1])
        for line in log.read_text(encoding="utf-8").splitlines()
        if mark in line
    ]
    marks = [value for value in marks if value >= launched]
    return marks[-1] - launched if marks else None


def run_once(
    exe: Path | Sequence[str], env: dict[str, str], cwd: Path | None = None
) -> tuple[float, int | None, float | None]:
    """Seconds from launch to exit after the window is ready, peak memory, seconds to first frame.

    ``exe`` is an executable, or a whole command line (the program run from source).
    """
    command = [str(exe)] if isinstance(exe, Path) else list(exe)
    launched = time.time()
    started = time.perf_counter()
    process = subprocess.Popen(
        [*command, "--quit-after-show"], env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    if hasattr(os, "wait4"):
        _pid, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        # ru_maxrss: kilobytes on Linux, bytes on macOS.
        peak = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    else:
        process.wait()
        elapsed, peak = time.perf_counter() - started, None
    errors = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} --quit-after-show exited with {process.returncode}:\n{errors[-2000:]}")
    return elapsed, peak, on_screen_after(env, launched)


def measure(exe: Path, runs: int, env: dict[str, str]) -> Figures:
    run_once(exe, env)  # warm-up: loads the files into the page cache, writes any first-run state
    starts, peaks, frames = [], [], []
    for _ in range(runs):
        elapsed, peak, frame = run_once(exe, env)
        starts.append(elapsed)
        if peak is not None:
            peaks.append(peak)
        if frame is not None:
            frames.append(frame)
    return Figures(folder_size(exe.parent), starts, peaks, frames)


def app_bundle(rebuild: bool) -> Path:
    exe = ROOT / "dist" / "doithoai" / f"doithoai{EXE_SUFFIX}"
    if rebuild or not exe.exists():
        print("Building dist/doithoai with build.spec…", flush=True)
        pyinstaller("--clean", str(ROOT / "build.spec"), cwd=ROOT)
    return exe


def floors(work: Path) -> tuple[Path, Path]:
    """(trimmed, untrimmed) floor executables, built in ``work``."""
    script = work / "floor.py"
    script.write_text(FLOOR_SCRIPT, encoding="utf-8")
    spec = work / "floor-trimmed.spec"
    spec.write_text(
        TRIMMED_FLOOR_SPEC.format(packaging=str(ROOT / "packaging"), script=str(script)), encoding="utf-8"
    )
    print("Building the floors (bare PySide6 window)…", flush=True)
    pyinstaller("--distpath", str(work / "trimmed"), "--workpath", str(work / "build-t"), str(spec), cwd=work)
    pyinstaller(
        "--distpath",
        str(work / "untrimmed"),
        "--workpath",
        str(work / "build-u"),
        "--specpath",
        str(work),
        "--name",
        "floor",
        str(script),
        cwd=work,
    )
    name = f"floor{EXE_SUFFIX}"
    return work / "trimmed" / "floor" / name, work / "untrimmed" / "floor" / name


def prepare_home(exe: Path, home: Path, env: dict[str, str]) -> None:
    """Demo data made by the bundle itself, so the window opens without the first-run dialog."""
    home.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([str(exe), "demo"], env=env, capture_output=True, text=True, encoding="utf-8")
    if result.returncode != 0:
        sys.exit(f"{exe} demo failed:\n{result.stdout}{result.stderr}")


def mib(value: int | None) -> str:
    return "n/a" if value is None else f"{value / MIB:.1f} MiB"


def measure_bundle(runs: int, rebuild: bool = False) -> tuple[Figures, Figures, Figures]:
    """(program, floor with the same rules, floor with PyInstaller's defaults)."""
    exe = app_bundle(rebuild)
    work = Path(tempfile.mkdtemp(prefix="doithoai-bench-"))
    try:
        trimmed_exe, untrimmed_exe = floors(work)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DOITHOAI_HOME=str(work / "home"))
        prepare_home(exe, work / "home", env)
        print(f"Measuring {runs} starts each…", flush=True)
        program = measure(exe, runs, env)
        floor = measure(trimmed_exe, runs, env)
        untrimmed = measure(untrimmed_exe, runs, env)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return program, floor, untrimmed


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7, help="measured starts per executable (median)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild dist/doithoai first")
    args = parser.parse_args()

    program, floor, untrimmed = measure_bundle(args.runs, args.rebuild)

    columns = ("dist/doithoai", "floor (same rules)", "floor (defaults)")
    rows = [
        ("size on disk", [mib(f.size) for f in (program, floor, untrimmed)]),
        (
            "window on screen, median",
            [f"{f.first_frame:.3f} s" if f.first_frame else "(= start)" for f in (program, floor, untrimmed)],
        ),
        (f"start, median of {args.runs}", [f"{f.start:.3f} s" for f in (program, floor, untrimmed)]),
        (
            "start, min – max",
            [f"{min(f.starts):.3f} – {max(f.starts):.3f}" for f in (program, floor, untrimmed)],
        ),
        ("peak memory (max RSS)", [mib(f.peak) for f in (program, floor, untrimmed)]),
    ]
    print()
    print(f"{'':24}" + "".join(f"{title:>22}" for title in columns))
    for label, values in rows:
        print(f"{label:24}" + "".join(f"{value:>22}" for value in values))

    print()
    checks = [
        (
            f"window on screen ≤ {START_FACTOR:g} × floor",
            f"{program.first_frame or 0:.3f} s ≤ {START_FACTOR * floor.start:.3f} s "
            f"({(program.first_frame or 0) / floor.start:.2f}×)",
            None if program.first_frame is None else program.first_frame <= START_FACTOR * floor.start,
        ),
        (
            f"ready (data shown) ≤ {START_FACTOR:g} × floor",
            f"{program.start:.3f} s ≤ {START_FACTOR * floor.start:.3f} s ({program.start / floor.start:.2f}×)",
            program.start <= START_FACTOR * floor.start,
        ),
        (
            f"size ≤ {SIZE_FACTOR:g} × untrimmed floor",
            f"{mib(program.size)} ≤ {mib(int(SIZE_FACTOR * untrimmed.size))} "
            f"({program.size / untrimmed.size:.2f}×)",
            program.size <= SIZE_FACTOR * untrimmed.size,
        ),
        (
            f"peak memory ≤ {MEMORY_LIMIT_MIB:g} MiB",
            f"{mib(program.peak)}",
            None if program.peak is None else program.peak <= MEMORY_LIMIT_MIB * MIB,
        ),
    ]
    for label, detail, met in checks:
        verdict = "MET" if met else ("n/a" if met is None else "NOT MET")
        print(f"  {label:32} {detail:44} {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
