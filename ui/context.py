"""What every screen needs: the open database and the task manager."""

from __future__ import annotations

from dataclasses import dataclass

from app.storage.database import Database
from ui.tasks import TaskManager


@dataclass
class AppContext:
    db: Database
    tasks: TaskManager
