"""Save screenshots of the main screens from the running program (for the README and reviews).

``python -m ui.screenshots OUTDIR [--scale 1.5] [--screen 1366x728]`` builds demo data in a
temporary folder, opens the main window offscreen filling the screen's available area (a 1366×768
laptop minus a taskbar by default) at the given display scaling, and saves one PNG per page and one
of the live minutes. It prints each table that would need a horizontal scrollbar.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

PAGES = {
    0: "ke-hoach",
    1: "hoi-nghi",
    2: "y-kien",
    3: "theo-doi",
    4: "bao-cao",
    5: "danh-muc",
    6: "cai-dat",
    7: "nhat-ky",
}


def scrolled_tables(widget):  # type: ignore[no-untyped-def]
    """The visible tables under ``widget`` whose columns do not fit (a horizontal scrollbar)."""
    from PySide6.QtWidgets import QAbstractItemView

    return [
        view
        for view in widget.findChildren(QAbstractItemView)
        if view.isVisible() and view.horizontalScrollBar().maximum() > 0
    ]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="ui.screenshots")
    parser.add_argument("out", nargs="?", default="screenshots")
    parser.add_argument("--scale", type=float, default=1.0, help="display scaling: 1.25, 1.5")
    parser.add_argument("--screen", default="1366x728", help="available screen area in pixels")
    args = parser.parse_args(argv)
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["DOITHOAI_HOME"] = tempfile.mkdtemp(prefix="doithoai-shots-")
    if args.scale != 1.0:
        os.environ["QT_SCALE_FACTOR"] = str(args.scale)
    width, height = (int(n) for n in args.screen.split("x"))
    # Window sizes are in device-independent pixels: the screen holds fewer of them when scaled.
    size = (round(width / args.scale), round(height / args.scale))
    suffix = "" if args.scale == 1.0 else f"-{round(args.scale * 100)}"

    from app.services.demo import build_demo
    from app.storage.database import Database
    from ui.context import AppContext
    from ui.main import make_application, ui_settings
    from ui.main_window import MainWindow
    from ui.tasks import TaskManager

    app = make_application()
    db = Database.open()
    context = AppContext(db, TaskManager(app))
    context.ops.write_and_wait(build_demo)
    window = MainWindow(ui_settings(), context)
    window.resize(*size)
    window.show()
    for row, name in PAGES.items():
        window.nav.setCurrentRow(row)
        settle(context)
        target = out / f"{name}{suffix}.png"
        window.grab().save(str(target))
        print(target)
        for view in scrolled_tables(window.pages.currentWidget()):
            print(f"  horizontal scrollbar: {name} {type(view).__name__} {view.objectName()}")
    live = live_window(context, size)
    target = out / f"bien-ban-truc-tiep{suffix}.png"
    live.grab().save(str(target))
    print(target)
    for view in scrolled_tables(live):
        print(f"  horizontal scrollbar: live {type(view).__name__} {view.objectName()}")
    live.close()
    window.close()
    context.tasks.wait()
    db.close()
    return 0


def settle(context, rest_ms: int = 300) -> None:  # type: ignore[no-untyped-def]
    """Let the page load: each read's result may start another (a plan, then its dialogues)."""
    from PySide6.QtCore import QEventLoop, QTimer

    for _ in range(20):
        context.tasks.wait()
        loop = QEventLoop()
        QTimer.singleShot(rest_ms, loop.quit)
        loop.exec()
        if not context.tasks.busy:
            return


def live_window(context, size=(1366, 728)):  # type: ignore[no-untyped-def]
    """The live minutes mid-meeting: three opinions answered, a fourth being typed."""
    from datetime import datetime, timedelta

    from PySide6.QtCore import QEventLoop, QTimer

    from app.domain.rules import AnswerOutcome, DialogueState, MinuteKind
    from app.services import catalog, dialogues, minutes
    from ui.views.live.window import STEP_OPINIONS, LiveMinutesWindow

    def hold(session):  # type: ignore[no-untyped-def]
        dialogue_id = next(
            r.id
            for r in dialogues.list_dialogues(session)
            if r.state == DialogueState.PLANNED and r.scheduled_at
        )
        start = datetime.now().replace(microsecond=0) - timedelta(minutes=40)
        minutes.start_dialogue(session, dialogue_id, now=start)
        minutes.set_attendance(session, dialogue_id, leaders=6, units=9, hamlet_heads=8, citizens=74)
        leaders = catalog.list_leaders(session)
        fields = {f.name: f.id for f in catalog.list_entries(session, "field")}
        units = {u.name: u.id for u in catalog.list_entries(session, "unit")}
        minutes.add_entry(
            session,
            dialogue_id,
            MinuteKind.OPENING,
            speaker=leaders[2].label,
            content="Tuyên bố lý do, giới thiệu đại biểu, khai mạc hội nghị.",
            at=start,
        )
        spoken = [
            (
                "Trần Văn Hòa",
                "Thôn Đông",
                "Kinh tế – nông nghiệp",
                "Đề nghị hỗ trợ cây giống bưởi cho các hộ chuyển đổi đất lúa.",
                AnswerOutcome.ASSIGNED,
                "Hội Nông dân xã",
            ),
            (
                "Lò Thị Mến",
                "Thôn Đoài",
                "Giao thông – thủy lợi",
                "Cống tưới đầu xứ Đồng Cao bị vỡ, nước không lên được ruộng.",
                AnswerOutcome.ASSIGNED,
                "Công chức Địa chính – Xây dựng",
            ),
            (
                "Bùi Văn Lâm",
                "Thôn Trung",
                "Đất đai",
                "Hỏi thủ tục chuyển mục đích sử dụng đất vườn sang đất ở.",
                AnswerOutcome.ANSWERED,
                None,
            ),
        ]
        for offset, (name, hamlet, field, content, outcome, unit) in enumerate(spoken):
            at = start + timedelta(minutes=8 + 9 * offset)
            petition_id, _entry = minutes.record_opinion(
                session,
                dialogue_id,
                minutes.OpinionInput(
                    petitioner_name=name, hamlet=hamlet, field_id=fields[field], content=content
                ),
                at=at,
            )
            minutes.answer(
                session,
                minutes.AnswerInput(
                    petition_id=petition_id,
                    content="Xã ghi nhận; giao đơn vị kiểm tra, trả lời bằng văn bản."
                    if unit
                    else "Công chức Địa chính đã hướng dẫn hồ sơ ngay tại hội nghị.",
                    outcome=outcome,
                    leader_id=leaders[2].id,
                    lead_unit_id=units.get(unit or ""),
                    deadline=at.date() + timedelta(days=30) if unit else None,
                    at=at + timedelta(minutes=4),
                ),
            )
        return dialogue_id

    dialogue_id = context.ops.write_and_wait(hold)
    window = LiveMinutesWindow(context, dialogue_id)
    window.resize(*size)
    window.show()
    loop = QEventLoop()
    QTimer.singleShot(600, loop.quit)
    loop.exec()
    window.agenda.setCurrentRow(STEP_OPINIONS)
    window.new_opinion()
    editor = window.opinion_editor
    editor.name.setText("Lê Văn Tám")
    editor.hamlet.setText("Thôn Nội Hòa")
    editor.field.setCurrentIndex(4)
    editor.content.setPlainText(
        "Kênh tiêu nội đồng xứ Đồng Sau lại bị bồi lấp, mùa mưa ngập úng lúa, đề nghị nạo vét"
    )
    window.timer.left = 95
    window.timer.extend(0)
    loop = QEventLoop()
    QTimer.singleShot(2000, loop.quit)
    loop.exec()
    context.tasks.wait()
    return window


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
