"""What every screen needs: the open database, the task manager and the operations layer."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.storage.database import Database
from ui.operations import Operations
from ui.tasks import TaskManager


@dataclass
class AppContext:
    db: Database
    tasks: TaskManager
    ops: Operations = field(init=False)

    def __post_init__(self) -> None:
        self.ops = Operations(self.db, self.tasks, self.tasks)
