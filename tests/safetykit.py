"""SIGKILL a child (tests.safety_child) during an export with a number, a backup, a restore or a
migration, then check what is on disk the way SQLite's crash tests do.

Shared by tests/app/test_crash_safety.py (at least 30 kills) and benchmarks/crash.py (200 and
more). Every ``*_kills`` function returns one :class:`Verdict` per kill; an empty ``problems``
list is a pass.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from tests.crashkit import ROOT

OLD_REVISION = "0001"  # the first schema: a file from the first release, upgraded through all


@dataclass
class Verdict:
    kind: str  # export, backup, restore, migration
    reported: int = 0  # steps the child said it finished before the kill
    problems: list[str] = field(default_factory=list)
    state: str = ""  # migration: "old" or "new" revision after the kill

    @property
    def ok(self) -> bool:
        return not self.problems


def run_and_kill(
    args: list[str], rng: random.Random, low: float, high: float, env: dict[str, str] | None = None
) -> list[str]:
    """Start the child, wait for ``ready``, kill it after a random delay; its finished steps."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.safety_child", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT), **(env or {})),
    )
    assert child.stdout is not None
    first = child.stdout.readline()
    if first.strip() != "ready":
        child.kill()
        raise AssertionError(f"child did not start: {first!r} {child.stderr.read() if child.stderr else ''}")
    time.sleep(rng.uniform(low, high))
    child.send_signal(signal.SIGKILL)
    out, _err = child.communicate(timeout=60)
    return [line for line in out.splitlines() if line and line[0] in "EBRM"]


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as conn:  # reading recovers the -wal as the program would
        verdict: str = conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()
    return verdict


# --- migration ------------------------------------------------------------------------------


def old_schema_file(path: Path, petitions: int) -> Path:
    """A database at the first schema holding ``petitions`` rows, as the first release left it."""
    from app.storage.migrate import upgrade_database

    upgrade_database(path, target=OLD_REVISION, backup_dir=path.parent / "unused-backups")
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO petition (content, search_key, position, source, kind, raised_at_meeting,"
            " petitioner_name, petitioner_phone, petitioner_address, petitioner_org, is_group, is_anonymous,"
            " status, forwarded_to) VALUES (?, ?, ?, 'at_meeting', 'proposal', 1, ?, '', '', '', 0, 0, 'new', '')",
            (
                (f"Đường làng số {n} xuống cấp, đề nghị sửa chữa " * 3, f"duong lang {n}", n, f"Công dân {n}")
                for n in range(petitions)
            ),
        )
    conn.close()
    return path


def _revision(path: Path) -> str:
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as conn:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    conn.close()
    return str(row[0]) if row else ""


def _petitions(path: Path) -> tuple[int, int]:
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as conn:
        count, total = conn.execute("SELECT count(*), total(length(content)) FROM petition").fetchone()
    conn.close()
    return int(count), int(total)


def migration_seconds(template: Path, work: Path) -> float:
    """How long a child takes from ``ready`` to an opened (backed up, migrated) old copy."""
    work.mkdir(parents=True, exist_ok=True)
    target = work / "timing.sqlite"
    shutil.copy(template, target)
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.safety_child", "migrate", str(target), str(work), "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT), DOITHOAI_HOME=str(work / "timing-home")),
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    start = time.perf_counter()
    out, err = child.communicate(timeout=300)
    assert "M done" in out, err
    return time.perf_counter() - start


def migration_kills(template: Path, work: Path, count: int, seed: int, span: float) -> list[Verdict]:
    """``count`` children each open a fresh old-schema copy and are killed within ``span`` s.

    The span adapts, so the kills keep landing inside the backup-and-upgrade however busy the
    machine is: it shrinks after a child that finished before its kill and grows after one that
    did not.
    """
    from app.storage import backups
    from app.storage.database import Database
    from app.storage.migrate import head_revision

    head = head_revision()
    expected = _petitions(template)
    rng = random.Random(seed)
    verdicts: list[Verdict] = []
    for n in range(count):
        target = work / f"old-{n}.sqlite"
        home = work / f"home-{n}"
        shutil.copy(template, target)
        lines = run_and_kill(
            ["migrate", str(target), str(work), "0"], rng, 0.0, span, env={"DOITHOAI_HOME": str(home)}
        )
        span = span * 0.75 if lines else span * 1.1
        verdict = Verdict("migration", reported=len(lines))
        if integrity(target) != "ok":
            verdict.problems.append(f"kill {n}: integrity_check failed")
        revision = _revision(target)
        verdict.state = "new" if revision == head else "old" if revision == OLD_REVISION else revision
        if verdict.state not in ("old", "new"):
            verdict.problems.append(f"kill {n}: revision {revision!r}, neither old nor new")
        if lines and verdict.state != "new":
            verdict.problems.append(f"kill {n}: the child reported the upgrade done, the file is old")
        if _petitions(target) != expected:
            verdict.problems.append(f"kill {n}: petitions lost or changed by the kill")
        folder = home / "backups"
        for copy in sorted(folder.glob("*")) if folder.exists() else []:
            if copy.name.startswith("."):
                continue  # a hidden part name: never taken for a backup, cleaned at start
            if backups.summary_of(copy) is None or _revision(copy) != OLD_REVISION:
                verdict.problems.append(f"kill {n}: {copy.name} is incomplete under a final name")
        try:  # the next start finishes what the kill interrupted
            reopened = Database.open(target)
            reopened.close()
            if _revision(target) != head or _petitions(target) != expected:
                verdict.problems.append(f"kill {n}: reopening did not bring the file to the new schema whole")
        except Exception as exc:
            verdict.problems.append(f"kill {n}: the file does not open after the kill ({exc})")
        verdicts.append(verdict)
        target.unlink()
        for extra in work.glob(f"old-{n}.sqlite-*"):
            extra.unlink()
        shutil.rmtree(home, ignore_errors=True)
    return verdicts


# --- export with a number, backup, restore ------------------------------------------------------


def export_kills(db_path: Path, out: Path, dialogue_id: int, count: int, seed: int) -> list[Verdict]:
    from sqlalchemy import select

    from app.services.numbering import settle_exports
    from app.storage.database import Database
    from app.storage.models import IssuedDocument

    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    reported: dict[int, str] = {}
    next_number = 1
    verdicts: list[Verdict] = []
    for n in range(count):
        lines = run_and_kill(
            ["export", str(db_path), str(out), str(next_number), str(dialogue_id)], rng, 0.3, 2.5
        )
        verdict = Verdict("export", reported=len(lines))
        for line in lines:
            _e, number, name = line.split()
            reported[int(number)] = name
        if integrity(db_path) != "ok":
            verdict.problems.append(f"kill {n}: integrity_check failed")
        reopened = Database.open(db_path)
        reopened.write(settle_exports)  # what the window does at start
        with reopened.reading() as session:
            records = session.scalars(select(IssuedDocument).where(IssuedDocument.number.is_not(None))).all()
        reopened.close()
        # A number is unique within its kind and year (Số 1/TB of 2016 and of 2024 are two).
        numbers = [(r.kind, r.year, r.number) for r in records]
        if len(numbers) != len(set(numbers)):
            verdict.problems.append(f"kill {n}: a number was recorded twice")
        by_file = {Path(r.file_name).name: r.number for r in records}
        for number, name in reported.items():
            if by_file.get(name) != number:
                verdict.problems.append(f"kill {n}: reported export {name} missing")
        for final in (p for p in out.iterdir() if not p.name.startswith(".")):
            if final.name not in by_file:
                verdict.problems.append(f"kill {n}: {final.name} carries a number the data does not hold")
                continue
            with zipfile.ZipFile(final) as docx:
                if docx.testzip() is not None:
                    verdict.problems.append(f"kill {n}: {final.name} is incomplete")
        hidden = [p.name for p in out.iterdir() if p.name.startswith(".")]
        if hidden:
            verdict.problems.append(f"kill {n}: temp files left after the start-up clean: {hidden}")
        next_number = max((number for _kind, _year, number in numbers), default=0) + 1
        verdicts.append(verdict)
    return verdicts


def backup_kills(db_path: Path, folder: Path, count: int, seed: int) -> list[Verdict]:
    from app.storage import backups

    rng = random.Random(seed)
    reported: set[str] = set()
    verdicts: list[Verdict] = []
    for n in range(count):
        lines = run_and_kill(["backup", str(db_path), str(folder), "0"], rng, 0.1, 1.0)
        verdict = Verdict("backup", reported=len(lines))
        reported |= {line.split()[1] for line in lines}
        if integrity(db_path) != "ok":
            verdict.problems.append(f"kill {n}: integrity_check failed")
        finals = [p for p in folder.iterdir() if not p.name.startswith(".")] if folder.exists() else []
        missing = reported - {p.name for p in finals}
        if missing:
            verdict.problems.append(f"kill {n}: reported backups missing: {sorted(missing)[:3]}")
        for final in finals:
            if backups.summary_of(final) is None:
                verdict.problems.append(f"kill {n}: {final.name} is not a complete backup")
        backups.clean_partial(folder)
        verdicts.append(verdict)
    return verdicts


def restore_kills(db_path: Path, work: Path, count: int, seed: int, sizes: tuple[int, int]) -> list[Verdict]:
    from app.storage import backups

    rng = random.Random(seed)
    verdicts: list[Verdict] = []
    for n in range(count):
        lines = run_and_kill(["restore", str(db_path), str(work), "0"], rng, 0.1, 1.2)
        verdict = Verdict("restore", reported=len(lines))
        if integrity(db_path) != "ok":
            verdict.problems.append(f"kill {n}: integrity_check failed")
        summary = backups.summary_of(db_path)
        if summary is None or summary.petitions not in sizes:
            verdict.problems.append(f"kill {n}: the database is neither the old one nor the backup")
        for leftover in db_path.parent.glob(f".{db_path.name}.restore*"):
            leftover.unlink()  # an interrupted restore's hidden temp file: never under the final name
        verdicts.append(verdict)
    return verdicts


def summary(verdicts: list[Verdict]) -> str:
    """One line per kind: kills, steps reported, problems, and the verdict."""
    lines = []
    for kind in ("export", "backup", "restore", "migration"):
        mine = [v for v in verdicts if v.kind == kind]
        if not mine:
            continue
        problems = [p for v in mine for p in v.problems]
        extra = ""
        if kind == "migration":
            extra = f", left at the old schema {sum(v.state == 'old' for v in mine)}, new {sum(v.state == 'new' for v in mine)}"
        lines.append(
            f"{kind}: {len(mine)} SIGKILLs, steps reported {sum(v.reported for v in mine)}{extra}, "
            f"problems {len(problems)} — {'OK' if not problems else 'FAIL: ' + problems[0]}"
        )
    return "\n".join(lines)
