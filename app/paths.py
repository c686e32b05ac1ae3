"""Where data, backups, logs and bundled resources live: one place, with overrides.

Order for the data folder: ``DOITHOAI_HOME`` (tests, several installs), portable mode (a file
``portable.txt`` beside the frozen executable puts data in ``data/`` beside it, for USB sticks),
then the platform's per-user data folder. Never the working directory.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from app import APP_ID

ENV_HOME = "DOITHOAI_HOME"
DB_FILE_NAME = "doithoai.sqlite"
DEMO_FILE_NAME = "du-lieu-mau.sqlite"


def _frozen_dir() -> Path | None:
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return None


def data_dir() -> Path:
    """The folder that holds the database, backups, logs and the user's templates."""
    override = os.environ.get(ENV_HOME)
    if override:
        return Path(override).expanduser()
    exe_dir = _frozen_dir()
    if exe_dir is not None and (exe_dir / "portable.txt").exists():
        return exe_dir / "data"
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_ID, appauthor=False, roaming=False))


def default_db_path() -> Path:
    return data_dir() / DB_FILE_NAME


def demo_db_path() -> Path:
    """The sample file «Tạo dữ liệu mẫu» fills: the demo commune never enters the user's database."""
    return data_dir() / DEMO_FILE_NAME


def backups_dir() -> Path:
    return data_dir() / "backups"


def logs_dir() -> Path:
    return data_dir() / "logs"


def templates_dir() -> Path:
    """Wording templates the user edited (Cài đặt); defaults stay in resources/."""
    return data_dir() / "templates"


def attachments_dir() -> Path:
    """Files attached to follow-up steps (a unit's reply letter), copied in so they travel with the data."""
    return data_dir() / "attachments"


def state_dir() -> Path:
    """Small files about the running program: the single-instance lock, window state."""
    return data_dir() / "state"


def bundle_root() -> Path:
    """The folder that holds ``resources/`` and ``app/``: the source tree or PyInstaller's."""
    meipass = getattr(sys, "_MEIPASS", None)
    if meipass:
        return Path(meipass)
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    """A file shipped with the program (icons, templates, demo data)."""
    return bundle_root().joinpath("resources", *parts)


def migrations_dir() -> Path:
    """Alembic's script folder; bundled as data files so it exists as real files when frozen."""
    return bundle_root() / "app" / "storage" / "migrations"


def connection_config_path() -> Path:
    """Which database this PC works on (local file or a server): a local file, never in the database."""
    return data_dir() / "connection.json"
