"""The cheap revision reader that lets an up-to-date database open without importing Alembic."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app import paths
from app.storage.migrate import (
    _read_revision_graph,
    alembic_revision_graph,
    head_revision,
    revision_graph,
    upgrade_database,
)


def _copy_migrations(tmp_path: Path) -> Path:
    location = tmp_path / "migrations"
    shutil.copytree(paths.migrations_dir(), location, ignore=shutil.ignore_patterns("__pycache__"))
    return location


def _add_revision(location: Path, name: str, body: str) -> None:
    (location / "versions" / name).write_text(body + "\ndef upgrade():\n    pass\n", encoding="utf-8")


def test_reader_agrees_with_alembic_on_the_shipped_migrations() -> None:
    assert _read_revision_graph(paths.migrations_dir()) == alembic_revision_graph(paths.migrations_dir())


def test_reader_follows_a_new_revision_written_like_alembic_templates(tmp_path: Path) -> None:
    location = _copy_migrations(tmp_path)
    old_head = head_revision(location)
    _add_revision(
        location,
        "0099_next.py",
        '"""next\n\nRevision ID: 0099\nRevises: ' + old_head + '\n"""\n'
        'revision: str = "0099"\ndown_revision: str | None = ' + repr(old_head) + "  # the previous head\n",
    )
    assert _read_revision_graph(location) == alembic_revision_graph(location)
    assert head_revision(location) == "0099"


@pytest.mark.parametrize(
    "body",
    [
        'revision = "0099"\ndown_revision = "0001"\n',  # a branch: two heads
        'revision = "0099"\ndown_revision = ("0001",\n    "0002")\n',  # not a one-line literal
        'revision = make_id()\ndown_revision = "0002"\n',  # not a literal at all
        'revision = "0099"\n',  # no down_revision
        'revision = "0002"\ndown_revision = "0002"\n',  # a repeated id
    ],
)
def test_reader_leaves_anything_unusual_to_alembic(tmp_path: Path, body: str) -> None:
    location = _copy_migrations(tmp_path)
    _add_revision(location, "0099_odd.py", body)
    assert _read_revision_graph(location) is None


def test_a_merge_revision_is_read_like_alembic(tmp_path: Path) -> None:
    location = _copy_migrations(tmp_path)
    head = head_revision(location)
    _add_revision(location, "0098_a.py", f'revision = "0098a"\ndown_revision = "{head}"\n')
    _add_revision(location, "0098_b.py", f'revision = "0098b"\ndown_revision = "{head}"\n')
    _add_revision(location, "0099_merge.py", 'revision = "0099"\ndown_revision = ("0098a", "0098b")\n')
    assert _read_revision_graph(location) == alembic_revision_graph(location)
    assert revision_graph(location).head == "0099"


def test_an_up_to_date_database_opens_without_importing_alembic(tmp_path: Path) -> None:
    target = tmp_path / "current.sqlite"
    upgrade_database(target, backup_dir=tmp_path / "backups")
    check = (
        "import sys\n"
        "from app.storage.database import Database\n"
        f"db = Database.open({str(target)!r})\n"
        "assert db.migration.from_revision == db.migration.to_revision\n"
        "db.close()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako', 'docx', 'openpyxl')))\n"
    )
    root = Path(paths.__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, cwd=root, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
