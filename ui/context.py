"""What every screen needs: the open database, the task manager and the operations layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.storage.database import Database
from ui.operations import Operations
from ui.tasks import TaskManager

if TYPE_CHECKING:
    from app.storage.lock import DatabaseLock


@dataclass
class AppContext:
    db: Database
    tasks: TaskManager
    # The single-instance lock of this database file (held while the window shows it).
    lock: DatabaseLock | None = None
    # True for the sample file of «Tạo dữ liệu mẫu»: the window says so and offers the way back.
    demo: bool = False
    ops: Operations = field(init=False)

    def __post_init__(self) -> None:
        self.ops = Operations(self.db, self.tasks, self.tasks)
