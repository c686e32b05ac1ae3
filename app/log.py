"""Logging to a rotating file in the data folder: the traceback goes here, not to the user."""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import re
from pathlib import Path

from app import paths

_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\n|$)", re.DOTALL)


class PrivateFormatter(logging.Formatter):
    """Drops SQL parameters from any traceback (Luật 91/2025/QH15: logs hold ids, not values)."""

    def format(self, record: logging.LogRecord) -> str:
        return _PARAMETERS.sub("[parameters: (ẩn)]", super().format(record))


def _owner_only(path: Path, mode: int) -> None:
    # The data folder holds citizens' personal data: readable by its owner only (POSIX; on
    # Windows the per-user AppData folder is already private).
    if os.name == "posix":
        with contextlib.suppress(OSError):
            path.chmod(mode)


def setup_logging(level: int = logging.INFO) -> None:
    root = logging.getLogger()
    if any(getattr(handler, "_doithoai", False) for handler in root.handlers):
        return
    try:
        folder = paths.logs_dir()
        folder.mkdir(parents=True, exist_ok=True)
        _owner_only(paths.data_dir(), 0o700)
        _owner_only(folder, 0o700)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            folder / "doithoai.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
        _owner_only(folder / "doithoai.log", 0o600)
    except OSError:
        handler = logging.StreamHandler()  # a read-only data folder must not stop the program
    handler.setFormatter(PrivateFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._doithoai = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
