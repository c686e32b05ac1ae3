"""app/ is a library without Qt: every module imports with PySide6 blocked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import app

CHECK = """
import importlib, pkgutil, sys

class BlockQt:
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith("PySide6.") or name.startswith("shiboken6"):
            raise ImportError(f"app must not import Qt ({name})")
        return None

sys.meta_path.insert(0, BlockQt())
import app
names = [m.name for m in pkgutil.walk_packages(app.__path__, "app.") if ".migrations" not in m.name]
for name in names:
    importlib.import_module(name)
print(len(names))
"""


def test_every_app_module_imports_without_qt() -> None:
    root = Path(app.__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, cwd=root, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) >= 15
