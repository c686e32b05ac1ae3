"""Index merges and WAL checkpoints off the writers' path.

Two kinds of housekeeping used to run inside an ordinary COMMIT and made the live minutes'
autosave stall on a 100 000-petition file:

- **FTS5 merges.** Each commit that changes a search key adds a small segment to the full-text
  index; FTS5 merges them inline, and on a large index every ~15th autosave paid 70–280 ms for
  it. The indexes here are set to never merge inline (``automerge=0``; ``crisismerge`` is only a
  high safety bound) and this thread merges in small steps (``'merge', 16``: ~8 ms each, in its
  own short write transaction) once a burst of writes pauses, or at least every few seconds
  while the secretary keeps typing.
- **WAL checkpoints.** The program's connections never checkpoint (``wal_autocheckpoint=0``);
  this thread copies the log into the file with a PASSIVE checkpoint, which blocks nobody, but
  only once writes have paused for a while (``CHECKPOINT_QUIET_SECONDS``: between two speakers,
  not between two words), or at the latest ``CHECKPOINT_EVERY_SECONDS`` after the last one while
  the secretary keeps typing (the log stays a few MiB). A checkpoint
  writes and syncs the database file, and an autosave committing meanwhile waited for the disk
  (p99 24–28 ms instead of 15); fewer, later checkpoints also write each page once for many
  commits that changed it (the index's structure record changes at every autosave).

This thread's own commits (merges) do not sync the log (``synchronous=NORMAL``): a merge lost to
a power cut loses nothing, and the next autosave's sync covers the log before it.

Durability is unchanged: a commit is in the WAL on disk (``synchronous=FULL``) whatever this
thread does. A failure here is logged and never fatal: the next start, or SQLite itself when
the last connection closes, catches up.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

log = logging.getLogger(__name__)

IDLE_SECONDS = 0.4  # writes paused this long: tidy up now
BUSY_SECONDS = 20.0  # writes never pause: tidy up at least this often
MERGE_PAGES = 16  # one merge step: short enough that an autosave waiting for it hardly notices
MERGE_STEPS = 32  # at most this many steps per wake-up (the rest at the next one)
STEP_PAUSE = 0.1  # quiet this long after a step: take the next one
BUSY_RETRY_SECONDS = 2.0  # the file stayed locked by another writer: wait this long, then retry
CRISIS_MERGE = 128  # segments on one level before FTS5 merges inline anyway
CHECKPOINT_QUIET_SECONDS = 2.0  # writes paused this long: checkpoint
CHECKPOINT_EVERY_SECONDS = 30.0  # or this long after the last one, even while she types


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def fts_tables(connection: sqlite3.Connection) -> list[str]:
    """Every FTS5 table of app.services.search (whatever revision made them)."""
    rows = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE % USING fts5%'"
    ).fetchall()
    return sorted(name for (name,) in rows)


def configure_merging(connection: sqlite3.Connection) -> None:
    """No inline merges (idempotent; written only when the stored setting differs)."""
    for name in fts_tables(connection):
        stored = dict(connection.execute(f"SELECT k, v FROM {name}_config").fetchall())
        wanted = {"automerge": 0, "crisismerge": CRISIS_MERGE}
        for key, value in wanted.items():
            if stored.get(key) != value:
                connection.execute("BEGIN IMMEDIATE")
                try:
                    connection.execute(f"INSERT INTO {name}({name}, rank) VALUES (?, ?)", (key, value))
                    connection.execute("COMMIT")
                except BaseException:
                    connection.execute("ROLLBACK")
                    raise


def merge_step(connection: sqlite3.Connection) -> bool:
    """One small merge of each index; True if it wrote anything (more may be left)."""
    wrote = False
    for name in fts_tables(connection):
        before = connection.total_changes
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.execute(f"INSERT INTO {name}({name}, rank) VALUES ('merge', ?)", (MERGE_PAGES,))
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        wrote = wrote or connection.total_changes != before
    return wrote


class Upkeep:
    """One thread per open database that merges the indexes and checkpoints the WAL."""

    def __init__(self, path: Path, engine: Engine, *, ready: Callable[[], bool] | None = None) -> None:
        self._path = path
        self._ready = ready  # blocks until the file may be written; False: never touch it
        self._wake = threading.Event()
        self._last_commit = 0.0  # time.monotonic() of the latest commit
        self._stop = threading.Event()
        self.rounds = 0  # completed tidy-ups (tests read it)
        self.checkpoints = 0  # and checkpoints
        self._last_checkpoint = time.monotonic()
        self.idle = threading.Event()  # set when nothing is left to do
        self.idle.set()
        event.listen(engine, "connect", self._on_connect)
        event.listen(engine, "commit", self._on_commit)
        self._thread = threading.Thread(target=self._run, name="db-upkeep", daemon=True)
        self._thread.start()

    @staticmethod
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")

    def _on_commit(self, _conn: Any) -> None:
        # Called in every commit, on the writer's thread: only a clock reading while this
        # thread is already awake. Setting the Event woke it at each autosave, and handing the
        # GIL over and back cost the commit up to a scheduler slice on a busy PC.
        self._last_commit = time.monotonic()
        if not self._wake.is_set():
            self.idle.clear()
            self._wake.set()

    def _run(self) -> None:
        connection: sqlite3.Connection | None = None
        configured = False
        try:
            if self._ready is not None and not self._ready():
                return  # a damaged file: nothing is written to it, housekeeping included
            connection = sqlite3.connect(self._path, timeout=5, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA synchronous=NORMAL")  # see the module's docstring
            # Nothing is tidied before this process's first commit: a run that only reads (a
            # dry run, a search, a report) leaves the file's bytes as they were. What an earlier
            # run left is merged after the first write, which the program makes soon enough.
            while not self._stop.is_set():
                self._wake.wait()
                self._wait_for_pause()
                if self._stop.is_set():
                    break
                try:
                    if not configured:
                        configure_merging(connection)
                        configured = True
                    self._tidy(connection)
                except sqlite3.OperationalError as exc:
                    if not _is_busy(exc):
                        raise
                    # Another program held the write lock past the busy timeout (a long import,
                    # a bulk generation): try again at the next pause, never give up for good.
                    log.debug("database upkeep postponed: the file is busy")
                    self._wake.set()
                    self._stop.wait(BUSY_RETRY_SECONDS)
        except sqlite3.Error:
            log.warning("database upkeep stopped", exc_info=True)
        finally:
            self.idle.set()
            if connection is not None:
                connection.close()

    def _wait_for_pause(self) -> None:
        # Sleep until IDLE_SECONDS after the latest commit (commits meanwhile move it on without
        # waking this thread); at most BUSY_SECONDS in all.
        deadline = time.monotonic() + BUSY_SECONDS
        while not self._stop.is_set():
            self._wake.clear()
            now = time.monotonic()
            quiet = now - self._last_commit
            if quiet >= IDLE_SECONDS or now >= deadline:
                return
            self._stop.wait(min(IDLE_SECONDS - quiet, deadline - now))

    def _tidy(self, connection: sqlite3.Connection) -> None:
        # One step, then more only while nobody writes: a writer waiting on SQLite's busy handler
        # sleeps in growing steps and could miss short gaps between ours, so never hold on.
        for _ in range(MERGE_STEPS):
            if self._stop.is_set() or not merge_step(connection):
                break
            if self._wake.wait(STEP_PAUSE):
                break  # a commit came: wait for the next pause
        # Not by the log file's size: SQLite reuses the file from its start after a checkpoint
        # without shrinking it, so once long it would have asked for one at every pause.
        overdue = time.monotonic() - self._last_checkpoint >= CHECKPOINT_EVERY_SECONDS
        if overdue or self._quiet_for(CHECKPOINT_QUIET_SECONDS):
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
            self._last_checkpoint = time.monotonic()
            self.checkpoints += 1
        self.rounds += 1
        if not self._wake.is_set():
            self.idle.set()

    def _quiet_for(self, seconds: float) -> bool:
        """Wait until ``seconds`` after the latest commit; False if a commit (or stop) came first."""
        while not self._stop.is_set():
            left = seconds - (time.monotonic() - self._last_commit)
            if left <= 0:
                return True
            if self._wake.wait(left):
                return False
        return False

    def stop(self) -> None:
        """End the thread (the last connection's close checkpoints what is left)."""
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=10)
