"""The real live-minutes window, typed into at 5 characters a second, for the crash test.

Run as ``python -m tests.livechild DB LOG SEED``. It opens DB (a running dialogue) as the program
does after a crash, builds the real :class:`LiveMinutesWindow` offscreen (its real Autosaver,
operations layer and database thread) and types opinions into it with Qt key events. It writes to
LOG with ``os.write`` (the kernel holds each line the moment the call returns, so SIGKILL cannot
take it back):

- ``K <name> <length> <time>`` *before* each key is delivered: this key is typed at that time;
- ``C <name> <length> <time>`` after the window's autosaver reported a commit of that length;
- ``R <name> <length> <time>`` when the opinion typed at the previous kill came back in the
  editor on start, focused with the cursor at its end (length -1 if not at the end).

Names are unique per child and opinion, so the parent can find each opinion in the database. The
parent kills the child with SIGKILL at random moments and checks what the file kept.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TEXT = (
    "Đề nghị xã sớm sửa chữa đoạn đường liên thôn bị sụt lún, mùa mưa nước ngập sâu, "
    "học sinh đi học rất khó khăn; đồng thời nạo vét kênh tiêu và lắp thêm đèn chiếu sáng. "
)
KEY_INTERVAL_MS = 200  # 5 characters a second: a fast secretary


def ensure_dialogue(db_path: Path) -> None:
    """A running dialogue to type into (made once, before the first child)."""
    from app.domain.rules import DialogueState
    from app.services import dialogues, minutes
    from app.storage.database import Database
    from app.storage.models import Dialogue, Organization

    db = Database.open(db_path, create=True)
    with db.transaction() as session:
        if dialogues.running_dialogue(session) is None:
            org = Organization(name="ỦY BAN NHÂN DÂN XÃ THỬ", place_name="Thử", issuer_code="UBND")
            session.add(org)
            session.flush()
            dialogue = Dialogue(
                organization_id=org.id, title="Hội nghị thử mất điện", state=DialogueState.PLANNED
            )
            session.add(dialogue)
            session.flush()
            minutes.start_dialogue(session, dialogue.id)
    db.close()


def main(db_path: str, log_path: str, seed: str) -> None:
    from PySide6.QtCore import QEvent, Qt, QTimer
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    from app.domain.text import nfc
    from app.services import dialogues
    from app.storage.database import Database
    from ui.context import AppContext
    from ui.main import make_application
    from ui.tasks import TaskManager
    from ui.views.live.window import LiveMinutesWindow

    rng = random.Random(int(seed))
    app = make_application(["livechild"])
    db = Database.open(Path(db_path))
    context = AppContext(db=db, tasks=TaskManager())
    dialogue_id = context.ops.read_and_wait(dialogues.running_dialogue)
    assert dialogue_id is not None, "no running dialogue"
    window = LiveMinutesWindow(context, dialogue_id, recovered=True)
    window.resize(1366, 728)
    window.show()
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def record(tag: str, name: str, length: int) -> None:
        os.write(log, f"{tag} {name.replace(' ', '_')} {length} {time.time():.4f}\n".encode())

    editor = window.opinion_editor
    saver = editor.saver
    # What each save wrote, in order: the one database thread commits them in the order taken.
    taken: list[tuple[str, int]] = []
    real_snapshot = saver._snapshot

    def snapshot():  # type: ignore[no-untyped-def]
        data = real_snapshot()
        _draft, opinion = data
        taken.append((opinion.petitioner_name, len(opinion.content.strip())))
        return data

    saver._snapshot = snapshot
    saver.saved.connect(lambda _when: record("C", *taken.pop(0)))
    saver.failed.connect(lambda _message: taken.pop(0))

    state = {"opinion": 0, "typed": 0, "length": 0, "name": ""}

    def key(char: str) -> None:
        target = QApplication.focusWidget() or editor.content
        code = (
            ord(char.upper())
            if char.isascii() and char.isalnum()
            else (Qt.Key.Key_Space if char == " " else 0)
        )
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(target, QKeyEvent(kind, code, Qt.KeyboardModifier.NoModifier, char))

    def next_opinion() -> None:
        window.new_opinion()  # Ctrl+N
        state["opinion"] += 1
        state["typed"] = 0
        state["length"] = rng.randint(8, 40)
        state["name"] = f"Người thử {seed}-{state['opinion']}"
        editor.name.setText(state["name"])
        editor.content.setFocus()

    def tick() -> None:
        if window.state is None or editor.draft is None:
            return
        if not state["name"] or state["typed"] >= state["length"]:
            if state["name"]:
                editor.finish()  # Enter: the opinion is complete, the answer comes next
            next_opinion()
            return
        char = TEXT[len(editor.content.toPlainText()) % len(TEXT)]
        typed_text = nfc(editor.content.toPlainText() + char)
        record("K", state["name"], len(typed_text.strip()))
        key(char)
        state["typed"] += 1

    def ready() -> None:
        if context.tasks.busy:  # the window is still reading (the interrupted opinion comes back)
            QTimer.singleShot(20, ready)
            return
        if editor.draft.petition_id is not None and editor.isVisible():
            # The opinion being typed at the previous kill is back in the editor: type on into it.
            state["name"] = editor.name.text_nfc()
            state["typed"] = len(editor.content.toPlainText())
            state["length"] = state["typed"] + rng.randint(4, 20)
            at_end = editor.content.textCursor().atEnd() and editor.content.hasFocus()
            record("R", state["name"], state["typed"] if at_end else -1)
        print("ready", flush=True)
        typing.start()

    typing = QTimer()
    typing.setInterval(KEY_INTERVAL_MS)
    typing.timeout.connect(tick)
    # Start once the window has read its dialogue, as the secretary would wait for it to appear.
    window.state_loaded.connect(lambda _s: None if typing.isActive() else QTimer.singleShot(0, ready))
    app.exec()


if __name__ == "__main__":
    main(*sys.argv[1:4])
