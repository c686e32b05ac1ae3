"""This PC's choice of database (the local file or a server), kept in a small local JSON file.

Not in the database, which it chooses; never a password (see passwords.py). An unreadable or
foreign file means "the local file", so a damaged config can never lock the user out.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from app import paths
from app.storage.urls import DEFAULT_PORT, Target

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConnectionChoice:
    server: bool = False
    host: str = ""
    port: int = DEFAULT_PORT
    database: str = ""
    user: str = ""

    def target(self, local_path: Path | None = None) -> Target:
        if not self.server:
            return Target(path=local_path or paths.default_db_path())
        return Target(host=self.host, port=self.port, database=self.database, user=self.user)

    @classmethod
    def of(cls, target: Target) -> ConnectionChoice:
        if not target.is_server:
            return cls()
        return cls(True, target.host, target.port, target.database, target.user)


LOCAL = ConnectionChoice()


def load_choice(path: Path | None = None) -> ConnectionChoice:
    file = path or paths.connection_config_path()
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return LOCAL
    except (OSError, ValueError) as exc:
        log.warning("connection config unreadable, using the local file: %s", type(exc).__name__)
        return LOCAL
    if not isinstance(data, dict) or data.get("kind") != "server":
        return LOCAL
    try:
        port = int(data.get("port", DEFAULT_PORT))
    except (TypeError, ValueError):
        return LOCAL
    host, database, user = (str(data.get(k, "")) for k in ("host", "database", "user"))
    if not database or not 0 < port < 65536:
        return LOCAL
    return ConnectionChoice(True, host, port, database, user)


def save_choice(choice: ConnectionChoice, path: Path | None = None) -> None:
    file = path or paths.connection_config_path()
    file.parent.mkdir(parents=True, exist_ok=True)
    data: dict[str, object] = {"kind": "server" if choice.server else "local"}
    if choice.server:
        data.update(host=choice.host, port=choice.port, database=choice.database, user=choice.user)
    temporary = file.with_name(file.name + ".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(temporary, file)
