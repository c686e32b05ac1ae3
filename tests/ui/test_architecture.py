"""The screens ask the operations layer for their reads and writes; they open no unit of work."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "ui"
# The one place that runs a screen's work in a session, on the database thread.
OPERATIONS = UI / "operations.py"
# Not "begin": QTextDocument.begin() and the screens' own begin(...) methods share the name.
OPENERS = {"transaction", "reading", "begin_nested", "commit", "rollback", "connect", "raw_connection"}
MAKERS = {"Session", "sessionmaker", "create_engine"}


def _openings(path: Path) -> list[str]:
    """Each call in ``path`` that opens a unit of work or a connection, as ``line .name()``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in OPENERS:
            if func.attr == "connect" and node.args:
                continue  # a Qt signal's connect(slot), not an engine's connect()
            found.append(f"{node.lineno} .{func.attr}()")
        elif isinstance(func, ast.Name) and func.id in MAKERS:
            found.append(f"{node.lineno} {func.id}()")
    return sorted(found, key=lambda hit: int(hit.split(" ")[0]))


def test_no_screen_opens_a_transaction_or_a_connection() -> None:
    files = [p for p in sorted(UI.rglob("*.py")) if p != OPERATIONS]
    assert len(files) > 40
    found = {str(p.relative_to(ROOT)): hits for p in files if (hits := _openings(p))}
    assert found == {}


def test_the_check_finds_a_transaction_opened_in_a_widget(tmp_path: Path) -> None:
    widget = tmp_path / "widget.py"
    widget.write_text(
        "def save(self):\n"
        "    self.button.clicked.connect(self.save)\n"
        "    with self._context.db.transaction() as session:\n"
        "        session.commit()\n"
        "    engine = create_engine('sqlite://')\n"
        "    engine.connect()\n",
        encoding="utf-8",
    )
    assert _openings(widget) == ["3 .transaction()", "4 .commit()", "5 create_engine()", "6 .connect()"]
