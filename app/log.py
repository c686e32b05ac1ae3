"""Logging to a rotating file in the data folder: the traceback goes here, not to the user."""

from __future__ import annotations

import logging
import logging.handlers

from app import paths


def setup_logging(level: int = logging.INFO) -> None:
    root = logging.getLogger()
    if any(getattr(handler, "_doithoai", False) for handler in root.handlers):
        return
    try:
        folder = paths.logs_dir()
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            folder / "doithoai.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        handler = logging.StreamHandler()  # a read-only data folder must not stop the program
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._doithoai = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
