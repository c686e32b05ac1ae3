"""A secretary typing the minutes without pause, for the crash test and the benchmark.

Run as ``python -m tests.typist DB KEYLOG SEED``. It types opinions into a running dialogue
through the same services and the same autosave rule as the live screen (commit 300 ms after a
pause, at least every 800 ms while typing, at once when moving to the next opinion), and logs:
- to KEYLOG, one line per keystroke: ``K <petition id> <length> <time>`` (os.write: it survives
  SIGKILL because the kernel already holds it);
- to stdout, after each commit: ``C <petition id> <length> <time>``.
The parent kills it with SIGKILL at random moments and checks what the database kept.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

from app.domain.rules import AUTOSAVE_IDLE_MS, AUTOSAVE_MAX_MS, DialogueState
from app.services import minutes
from app.storage.database import Database
from app.storage.models import Dialogue, Organization

TEXT = (
    "Đề nghị xã sớm sửa chữa đoạn đường liên thôn bị sụt lún, mùa mưa nước ngập sâu, "
    "học sinh đi học rất khó khăn; đồng thời nạo vét kênh tiêu và lắp thêm đèn chiếu sáng. "
)
KEY_INTERVAL = 0.02  # 50 characters a second: faster than any typist, to stress the writes


def ensure_dialogue(db: Database) -> int:
    with db.transaction() as session:
        running = minutes.running_dialogue(session)
        if running is not None:
            return running
        org = Organization(name="ỦY BAN NHÂN DÂN XÃ THỬ", place_name="Thử", issuer_code="UBND")
        session.add(org)
        session.flush()
        dialogue = Dialogue(
            organization_id=org.id, title="Hội nghị thử mất điện", state=DialogueState.PLANNED
        )
        session.add(dialogue)
        session.flush()
        minutes.start_dialogue(session, dialogue.id)
        return dialogue.id


def main(db_path: str, keylog: str, seed: str) -> None:
    rng = random.Random(int(seed))
    db = Database.open(Path(db_path))
    dialogue_id = ensure_dialogue(db)
    log = os.open(keylog, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    print("ready", flush=True)

    def commit(petition_id: int, content: str) -> None:
        with db.transaction() as session:
            minutes.update_opinion(
                session, petition_id, minutes.OpinionInput(petitioner_name="Nguyễn Văn Thử", content=content)
            )
        # Lengths are of the text as stored: services strip trailing blanks.
        print(f"C {petition_id} {len(content.strip())} {time.time():.4f}", flush=True)

    while True:
        with db.transaction() as session:
            petition_id, _entry = minutes.record_opinion(
                session, dialogue_id, minutes.OpinionInput(petitioner_name="Nguyễn Văn Thử")
            )
        print(f"C {petition_id} 0 {time.time():.4f}", flush=True)
        length = rng.randint(60, 160)
        content = ""
        dirty_since: float | None = None
        for index in range(length):
            content += TEXT[index % len(TEXT)]
            now = time.time()
            os.write(log, f"K {petition_id} {len(content.strip())} {now:.4f}\n".encode())
            dirty_since = dirty_since or now
            if (now - dirty_since) * 1000 >= AUTOSAVE_MAX_MS:
                commit(petition_id, content)
                dirty_since = None
            if rng.random() < 0.02:  # the speaker pauses: the idle rule (or the max rule) commits
                wait = AUTOSAVE_IDLE_MS / 1000
                if dirty_since is not None:
                    wait = min(wait, max(0.0, dirty_since + AUTOSAVE_MAX_MS / 1000 - time.time()))
                time.sleep(wait)
                if dirty_since is not None:
                    commit(petition_id, content)
                    dirty_since = None
                time.sleep(rng.uniform(0.0, 0.3))
            else:
                time.sleep(KEY_INTERVAL)
        commit(petition_id, content)  # moving to the next opinion flushes at once


if __name__ == "__main__":
    main(*sys.argv[1:4])
