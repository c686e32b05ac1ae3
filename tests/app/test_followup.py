"""Theo dõi giải quyết: statuses along the allowed transitions, results, deadlines, duplicates, bulk."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import paths
from app.domain.followup import TRANSITIONS, UpdateKind
from app.domain.rules import PetitionStatus
from app.errors import NotFoundError, ValidationError
from app.services import followup
from app.services.followup import InformMethod
from app.storage.database import Database
from app.storage.models import Assignment, AuditEvent, Petition, ResolutionUpdate
from tests.app.followup_samples import MEETING_DAY, TODAY, Commune, add_petition, make_commune

pytestmark = pytest.mark.pg  # the storage and service tests run on PostgreSQL too

S = PetitionStatus


@pytest.fixture
def commune(db: Database) -> Commune:
    with db.transaction() as s:
        return make_commune(s)


def _detail(db: Database, pid: int) -> followup.PetitionDetail:
    with db.reading() as s:
        return followup.petition_detail(s, pid, today=TODAY)


@contextmanager
def refused(needle: str) -> Iterator[None]:
    """The action raises a ValidationError whose Vietnamese message contains ``needle``."""
    with pytest.raises(ValidationError) as exc:
        yield
    assert needle in exc.value.user_message, exc.value.user_message


def _audits(db: Database, action: str) -> list[AuditEvent]:
    with db.reading() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# --- transitions ---------------------------------------------------------------------------------


def test_every_transition_is_allowed_or_refused_as_the_table_says(db: Database, commune: Commune) -> None:
    checked = 0
    for current in S:
        for target in S:
            with db.transaction() as s:
                pid = add_petition(s, commune, f"Kiến nghị {current.value} {target.value}")
                s.get(Petition, pid).status = current  # type: ignore[union-attr]
            allowed = target in TRANSITIONS[current] and target is not S.DUPLICATE
            try:
                with db.transaction() as s:
                    followup.change_status(
                        s, pid, target, note="Đã xử lý xong.", authority="UBND tỉnh Bắc Ninh"
                    )
            except ValidationError as exc:
                assert not allowed, (current, target, exc.problems)
                assert "status" in exc.problems
                with db.reading() as s:
                    assert s.get(Petition, pid).status is current  # type: ignore[union-attr]
            else:
                assert allowed, (current, target)
                detail = _detail(db, pid)
                assert detail.status is target
                assert detail.history[-1].kind == UpdateKind.STATUS.value
                assert detail.history[-1].status_after is target
            checked += 1
    assert checked == len(S) ** 2


def test_the_domain_path_of_a_petition() -> None:
    assert followup.allowed_transitions(S.NEW) == (
        S.ANSWERED, S.IN_PROGRESS, S.FORWARDED, S.OUT_OF_COMPETENCE, S.WITHDRAWN, S.DUPLICATE,
    )  # fmt: skip
    for middle in (S.ANSWERED, S.IN_PROGRESS, S.FORWARDED, S.OUT_OF_COMPETENCE):
        assert S.RESOLVED in followup.allowed_transitions(middle)
    assert S.RESOLVED not in followup.allowed_transitions(S.NEW)
    for final in (S.RESOLVED, S.WITHDRAWN, S.DUPLICATE):
        assert followup.allowed_transitions(final) == ()


def test_resolved_needs_a_result_and_forwarding_names_the_authority(db: Database, commune: Commune) -> None:
    with db.transaction() as s:
        pid = add_petition(s, commune, "Sửa đường liên thôn", unit="dc")
    with db.transaction() as s, pytest.raises(ValidationError) as exc:
        followup.change_status(s, pid, S.RESOLVED, note="  ")
    assert exc.value.problems == {
        "note": "Hãy nhập kết quả giải quyết trước khi chuyển sang «đã giải quyết»."
    }
    for target in (S.FORWARDED, S.OUT_OF_COMPETENCE):
        with db.transaction() as s, pytest.raises(ValidationError) as exc:
            followup.change_status(s, pid, target)
        assert "authority" in exc.value.problems
    with db.transaction() as s:
        followup.change_status(
            s, pid, S.FORWARDED, authority="Sở Giao thông vận tải", note="Vượt thẩm quyền xã."
        )
    detail = _detail(db, pid)
    assert detail.forwarded_to == "Sở Giao thông vận tải"
    assert detail.history[-1].text == "Chuyển đến Sở Giao thông vận tải. Vượt thẩm quyền xã."
    assert detail.allowed_statuses == (S.RESOLVED, S.WITHDRAWN)
    with db.transaction() as s, refused("Mở lại"):
        followup.change_status(s, pid, S.IN_PROGRESS)
    with db.transaction() as s, refused("ý kiến gốc"):
        followup.change_status(s, pid, S.DUPLICATE)
    assert len(_audits(db, "change_status")) == 1


# --- results --------------------------------------------------------------------------------------


def test_record_result_without_attachment(db: Database, commune: Commune) -> None:
    with db.transaction() as s:
        pid = add_petition(s, commune, "Sửa đường liên thôn", unit="dc")
        update_id = followup.record_result(
            s, pid, on=date(2026, 4, 10), result="Đã sửa xong 300 m đường.", reply_number="12/BC-ĐCXD",
            reply_date=date(2026, 4, 9),
        )  # fmt: skip
    detail = _detail(db, pid)
    assert detail.status is S.RESOLVED and detail.tone == "ok"
    entry = detail.history[-1]
    assert entry.id == update_id and entry.kind == "result" and entry.label == "kết quả giải quyết"
    assert (entry.on, entry.text, entry.reply_number, entry.reply_date) == (
        date(2026, 4, 10), "Đã sửa xong 300 m đường.", "12/BC-ĐCXD", date(2026, 4, 9),
    )  # fmt: skip
    assert entry.status_after is S.RESOLVED and entry.attachment == ""
    assert entry.recorded_by == followup.audit.current_user()
    assert detail.allowed_statuses == ()
    assert not detail.finished_for_citizen  # the citizen has not been told yet
    [event] = _audits(db, "record_result")
    assert event.entity_id == pid and event.details["status_after"] == "resolved"
    assert "Đã sửa" not in str(event.details)  # the log keeps ids, not what citizens wrote


def test_record_result_copies_the_attachment_into_the_data_folder(
    db: Database, commune: Commune, tmp_path: Path
) -> None:
    source = tmp_path / "Công văn số 12 (trả lời).PDF"
    source.write_bytes(b"%PDF-1.4 reply letter")
    with db.transaction() as s:
        pid = add_petition(s, commune, "Sửa đường liên thôn", unit="dc")
        followup.record_result(s, pid, on=date(2026, 4, 10), result="Đã sửa.", attachment=source)
    entry = _detail(db, pid).history[-1]
    assert entry.attachment.startswith(f"attachments/{pid}/")
    stored = followup.attachment_path(entry.attachment)
    assert stored.is_file() and stored.read_bytes() == source.read_bytes()
    assert stored.parent.parent == paths.attachments_dir()
    assert stored.name.endswith("-cong-van-so-12-tra-loi.pdf")
    assert [p.name for p in stored.parent.iterdir()] == [stored.name]  # no temporary file left
    assert source.exists()  # copied, not moved
    # A second file of the same name gets its own name.
    with db.transaction() as s:
        followup.record_result(
            s, pid, on=date(2026, 4, 11), result="Bổ sung.", status_after=S.RESOLVED, attachment=source
        )
    assert len(list(stored.parent.iterdir())) == 2


def test_record_result_refusals(db: Database, commune: Commune, tmp_path: Path) -> None:
    with db.transaction() as s:
        pid = add_petition(s, commune, "Sửa đường liên thôn", unit="dc")
    with db.transaction() as s, pytest.raises(ValidationError) as exc:
        followup.record_result(
            s,
            pid,
            on=date(2026, 3, 1),
            result=" ",
            reply_date=date(2026, 2, 20),
            attachment=tmp_path / "none.pdf",
        )
    assert set(exc.value.problems) == {"result", "on", "reply_date", "attachment"}
    assert exc.value.problems["on"] == (
        "Ngày ghi kết quả (01/3/2026) không thể trước ngày hội nghị (05/3/2026)."
    )
    with db.transaction() as s, pytest.raises(NotFoundError):
        followup.record_result(s, 9999, on=TODAY, result="x")
    # An interim report keeps the petition in progress.
    with db.transaction() as s:
        followup.record_result(s, pid, on=MEETING_DAY, result="Đang khảo sát.", status_after=S.IN_PROGRESS)
    assert _detail(db, pid).status is S.IN_PROGRESS
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(ResolutionUpdate)) == 1


# --- deadlines and assignments -----------------------------------------------------------------


def test_extend_keeps_old_and_new_deadline_and_the_reason(db: Database, commune: Commune) -> None:
    with db.transaction() as s:
        pid = add_petition(s, commune, "Sửa đường liên thôn", unit="dc", deadline=date(2026, 11, 25))
    before = _detail(db, pid)
    assert before.tone == "warning" and before.deadline_text == "25/11/2026 (còn 4 ngày)"
    with db.transaction() as s:
        followup.extend_deadline(s, pid, deadline=date(2026, 12, 31), reason="Chờ kinh phí")
    detail = _detail(db, pid)
    assert detail.deadline == date(2026, 12, 31) and detail.tone is None
    entry = detail.history[-1]
    assert entry.kind == "extend" and entry.label == "gia hạn"
    assert entry.text == "Gia hạn từ 25/11/2026 đến 31/12/2026."
    assert entry.reason == "Chờ kinh phí" and entry.status_after is None
    [event] = _audits(db, "extend_deadline")
    assert event.details["old_deadline"] == "2026-11-25" and event.details["new_deadline"] == "2026-12-31"
    with db.transaction() as s, pytest.raises(ValidationError) as exc:
        followup.extend_deadline(s, pid, deadline=date(2026, 12, 1), reason="")
    assert exc.value.problems == {
        "deadline": "Thời hạn mới (01/12/2026) phải sau thời hạn hiện tại (31/12/2026).",
        "reason": "Hãy nhập lý do gia hạn.",
    }
    with db.transaction() as s:
        unassigned = add_petition(s, commune, "Chưa giao")
    with db.transaction() as s, refused("chưa giao"):
        followup.extend_deadline(s, unassigned, deadline=date(2026, 12, 1), reason="x")


def test_reassign_keeps_the_previous_assignment(db: Database, commune: Commune) -> None:
    with db.transaction() as s:
        pid = add_petition(s, commune, "Lấn chiếm hành lang giao thông", unit="dc")
        new_id = followup.reassign(
            s, pid, lead_unit_id=commune.units["ca"], deadline=date(2026, 5, 30), task="xử lý vi phạm",
            supporting_unit_ids=[commune.units["dc"], commune.units["ca"]],
        )  # fmt: skip
    detail = _detail(db, pid)
    assert [a.lead_unit for a in detail.assignments] == ["Công chức Địa chính – Xây dựng", "Công an xã"]
    latest = detail.assignments[-1]
    assert latest.id == new_id and latest.supporting == ("Công chức Địa chính – Xây dựng",)
    assert latest.deadline == date(2026, 5, 30) and detail.deadline == date(2026, 5, 30)
    assert detail.history[-1].text == (
        "Giao Công an xã chủ trì, phối hợp với Công chức Địa chính – Xây dựng xử lý vi phạm; thời hạn 30/5/2026."
        " Trước đây: Công chức Địa chính – Xây dựng, thời hạn 15/4/2026."
    )
    with db.transaction() as s, pytest.raises(ValidationError) as exc:
        followup.reassign(s, pid, lead_unit_id=9999, deadline=date(2026, 1, 1))
    assert set(exc.value.problems) == {"lead_unit_id", "deadline"}
    with db.transaction() as s:
        followup.change_status(s, pid, S.RESOLVED, note="Đã xử lý.")
    with db.transaction() as s, refused("Mở lại"):
        followup.reassign(s, pid, lead_unit_id=commune.units["vp"], deadline=date(2026, 6, 1))
    # A new petition is assigned and goes into progress.
    with db.transaction() as s:
        fresh = add_petition(s, commune, "Cấp nước sạch")
        followup.reassign(s, fresh, lead_unit_id=commune.units["vp"], deadline=date(2026, 6, 1))
    assert _detail(db, fresh).status is S.IN_PROGRESS


# --- duplicates, reopening, informing ----------------------------------------------------------


def test_duplicates_link_both_ways_and_follow_the_original(db: Database, commune: Commune) -> None:
    with db.transaction() as s:
        original = add_petition(
            s, commune, "Đường thôn Đông xuống cấp", unit="dc", deadline=date(2026, 11, 10)
        )
        dup = add_petition(s, commune, "Đường thôn Đông hư hỏng", name="Phạm Thị Dung", hamlet="tay")
        followup.mark_duplicate(s, dup, original)
    d = _detail(db, dup)
    o = _detail(db, original)
    assert d.status is S.DUPLICATE and d.duplicate_of is not None and d.duplicate_of.id == original
    assert d.duplicate_of.summary == "Lê Văn Cường (Thôn Đông): Đường thôn Đông xuống cấp"
    assert [x.id for x in o.duplicates] == [dup]
    assert o.duplicates[0].summary == "Phạm Thị Dung (Thôn Tây): Đường thôn Đông hư hỏng"
    # The duplicate stands as its original: overdue together.
    assert d.status_label == f"trùng (theo ý kiến số {original}: đang giải quyết)"
    assert d.deadline == date(2026, 11, 10) and d.tone == "danger" and "quá hạn 11 ngày" in d.deadline_text
    assert d.history[-1].kind == "duplicate" and o.history[-1].kind == "note"
    # A later status change of the original is what the duplicate shows.
    with db.transaction() as s:
        followup.record_result(s, original, on=date(2026, 11, 15), result="Đã làm lại mặt đường.")
    d = _detail(db, dup)
    assert d.status is S.DUPLICATE and d.status_label.endswith("đã giải quyết)") and d.tone == "ok"
    assert not d.finished_for_citizen  # the second citizen must be told too
    with db.transaction() as s:
        followup.record_informed(s, dup, on=date(2026, 11, 16), how=InformMethod.PHONE)
    assert _detail(db, dup).finished_for_citizen
    # A duplicate's result goes to its original.
    with db.transaction() as s, refused("ý kiến gốc"):
        followup.record_result(s, dup, on=TODAY, result="x")


def test_duplicate_chains_never_form(db: Database, commune: Commune) -> None:
    with db.transaction() as s:
        a = add_petition(s, commune, "Ô nhiễm chuồng trại")
        b = add_petition(s, commune, "Mùi hôi chuồng trại")
        c = add_petition(s, commune, "Chuồng trại gây ô nhiễm")
        followup.mark_duplicate(s, b, a)
        followup.mark_duplicate(s, a, c)  # b follows a to c
    with db.reading() as s:
        assert s.get(Petition, b).duplicate_of_id == c  # type: ignore[union-attr]
        assert s.get(Petition, a).duplicate_of_id == c  # type: ignore[union-attr]
    assert sorted(x.id for x in _detail(db, c).duplicates) == [a, b]
    with db.transaction() as s, pytest.raises(ValidationError):
        followup.mark_duplicate(s, c, c)
    with db.transaction() as s:
        d = add_petition(s, commune, "Chuồng trại")
        followup.mark_duplicate(s, d, b)  # pointing at a duplicate links to its original
    assert _detail(db, d).duplicate_of.id == c  # type: ignore[union-attr]
    with db.transaction() as s, refused("không đánh dấu trùng"):
        followup.mark_duplicate(s, a, c)


def test_reopen_needs_a_reason_and_asks_to_tell_the_citizen_again(db: Database, commune: Commune) -> None:
    with db.transaction() as s:
        pid = add_petition(s, commune, "Sửa đường liên thôn", unit="dc")
    with db.transaction() as s, refused("không cần mở lại"):
        followup.reopen(s, pid, reason="x")
    with db.transaction() as s:
        followup.record_result(s, pid, on=date(2026, 4, 10), result="Đã sửa.")
        followup.record_informed(s, pid, on=date(2026, 4, 12), how=InformMethod.LETTER)
    done = _detail(db, pid)
    assert (
        done.finished_for_citizen and done.informed_on == date(2026, 4, 12) and done.informed_how == "văn bản"
    )
    with db.transaction() as s, pytest.raises(ValidationError) as exc:
        followup.reopen(s, pid, reason=" ")
    assert exc.value.problems == {"reason": "Hãy nhập lý do mở lại."}
    with db.transaction() as s:
        followup.reopen(s, pid, reason="Đường lại sụt lún sau mưa")
    detail = _detail(db, pid)
    assert detail.status is S.IN_PROGRESS and not detail.finished_for_citizen and detail.informed_on is None
    entry = detail.history[-1]
    assert (entry.kind, entry.reason, entry.status_after) == (
        "reopen",
        "Đường lại sụt lún sau mưa",
        S.IN_PROGRESS,
    )
    assert entry.text == "Mở lại từ tình trạng «đã giải quyết»."
    assert [h.kind for h in detail.history] == ["result", "informed", "reopen"]


def test_reopening_a_duplicate_unlinks_it(db: Database, commune: Commune) -> None:
    with db.transaction() as s:
        a = add_petition(s, commune, "Đèn đường hỏng")
        b = add_petition(s, commune, "Cấp giấy chứng nhận đất")
        followup.mark_duplicate(s, b, a)
        followup.reopen(s, b, reason="Đánh dấu nhầm: hai nội dung khác nhau")
    assert _detail(db, b).duplicate_of is None and _detail(db, a).duplicates == ()


def test_informed_only_once_there_is_an_outcome(db: Database, commune: Commune) -> None:
    with db.transaction() as s:
        pid = add_petition(s, commune, "Sửa đường liên thôn", unit="dc")
        answered = add_petition(s, commune, "Hỏi về chế độ hộ nghèo", answered=True)
    with db.transaction() as s, pytest.raises(ValidationError) as exc:
        followup.record_informed(s, pid, on=date(2026, 3, 1), how=InformMethod.PHONE)
    assert set(exc.value.problems) == {"status", "on"}
    # Answered on the spot to the person who asked at the meeting: told there.
    assert _detail(db, answered).finished_for_citizen


# --- bulk ------------------------------------------------------------------------------------------


def test_bulk_actions_are_all_or_nothing(db: Database, commune: Commune) -> None:
    with db.transaction() as s:
        ids = [add_petition(s, commune, f"Kiến nghị số {n}", unit="dc") for n in range(3)]
        closed = add_petition(s, commune, "Đã xong", unit="dc")
        followup.change_status(s, closed, S.RESOLVED, note="Xong.")
    with db.reading() as s:
        steps_before = s.scalar(select(func.count()).select_from(ResolutionUpdate))
        assignments_before = s.scalar(select(func.count()).select_from(Assignment))
    # One petition cannot take the change: nothing changes, even for a caller that carries on.
    with db.transaction() as s:
        with pytest.raises(ValidationError) as exc:
            followup.bulk_extend(s, [*ids, closed], deadline=date(2026, 12, 31), reason="Chờ kinh phí")
        assert list(exc.value.problems) == [f"ý kiến số {closed}"]
        with pytest.raises(ValidationError):
            followup.bulk_assign(
                s, [*ids, closed], lead_unit_id=commune.units["ca"], deadline=date(2026, 12, 1)
            )
        with pytest.raises(ValidationError):
            followup.bulk_set_status(s, [*ids, closed], S.FORWARDED, authority="UBND tỉnh")
        with pytest.raises(ValidationError):
            followup.bulk_informed(s, [*ids, closed], on=TODAY, how=InformMethod.POSTED)
        with pytest.raises(ValidationError):
            followup.bulk_set_status(s, [], S.WITHDRAWN)
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(ResolutionUpdate)) == steps_before
        assert s.scalar(select(func.count()).select_from(Assignment)) == assignments_before
        assert {s.get(Petition, i).status for i in ids} == {S.IN_PROGRESS}  # type: ignore[union-attr]
    # All good: each petition changes, with one audit entry each.
    with db.transaction() as s:
        assert followup.bulk_extend(s, ids, deadline=date(2026, 12, 31), reason="Chờ kinh phí") == 3
        assert (
            followup.bulk_assign(
                s, [*ids, ids[0]], lead_unit_id=commune.units["ca"], deadline=date(2027, 1, 15)
            )
            == 3
        )
        assert followup.bulk_set_status(s, ids, S.RESOLVED, note="Đã giải quyết theo đợt.") == 3
        assert followup.bulk_informed(s, ids, on=TODAY, how=InformMethod.POSTED) == 3
    for action in ("extend_deadline", "reassign", "change_status", "record_informed"):
        assert sorted(e.entity_id for e in _audits(db, action) if e.entity_id in ids) == ids, action
    for pid in ids:
        detail = _detail(db, pid)
        assert detail.finished_for_citizen and detail.informed_how == "niêm yết"
        assert detail.assignments[-1].lead_unit == "Công an xã"
        assert [h.kind for h in detail.history][-4:] == ["extend", "reassign", "status", "informed"]


def test_petition_detail_shows_the_whole_petition(db: Database, commune: Commune) -> None:
    with db.transaction() as s:
        pid = add_petition(s, commune, "Hỏi về chế độ hộ nghèo", answered=True, field="dat")
        s.get(Petition, pid).petitioner_phone = "0912345678"  # type: ignore[union-attr]
    detail = _detail(db, pid)
    assert detail.dialogue_id == commune.dialogue_id and detail.dialogue_date == MEETING_DAY
    assert (
        detail.dialogue_title == "Hội nghị đối thoại với Nhân dân năm 2026"
        and detail.place == "Hội trường xã"
    )
    assert (detail.petitioner, detail.hamlet, detail.field, detail.phone) == (
        "Lê Văn Cường", "Thôn Đông", "Đất đai", "0912345678",
    )  # fmt: skip
    assert detail.source_label == "nêu tại hội nghị" and detail.kind_label == "kiến nghị"
    assert detail.answers == (
        ("Trần Thị Bình, Phó Chủ tịch UBND xã", "Xã đã có phương án.", "trả lời xong tại hội nghị"),
    )
    assert detail.status is S.ANSWERED and detail.deadline is None and detail.deadline_text == ""
    assert detail.allowed_statuses == (S.IN_PROGRESS, S.RESOLVED, S.WITHDRAWN)
    with db.reading() as s, pytest.raises(NotFoundError):
        followup.petition_detail(s, 9999)


def test_later_steps_do_not_move_the_result_or_its_date(db: Database, commune: Commune) -> None:
    """The Báo cáo counts on-time results by the day a petition became resolved, and prints its result."""
    from app.services.documents import load_dialogue_data
    from app.services.statistics import petition_facts

    with db.transaction() as s:
        pid = add_petition(s, commune, "Sửa đường liên thôn", unit="dc", deadline=date(2026, 4, 15))
        followup.record_result(
            s, pid, on=date(2026, 4, 10), result="Đã sửa xong.", reply_date=date(2026, 4, 9)
        )
        followup.record_informed(s, pid, on=date(2026, 4, 20), how=InformMethod.LETTER)
    with db.reading() as s:
        [data] = load_dialogue_data(s, commune.dialogue_id).petitions
        assert data.resolved_on == date(2026, 4, 9) and data.latest_result == "Đã sửa xong."
        assert petition_facts(s.get(Petition, pid)).resolved_on == date(2026, 4, 9)  # type: ignore[arg-type]
    # Reopened and resolved again: the new result counts.
    with db.transaction() as s:
        followup.reopen(s, pid, reason="Đường lại hỏng")
        followup.change_status(s, pid, S.RESOLVED, note="Đã sửa lại.")
    with db.reading() as s:
        [data] = load_dialogue_data(s, commune.dialogue_id).petitions
        assert data.resolved_on == date.today() and data.latest_result == "Đã sửa lại."


def test_record_results_checks_every_one_first(db: Database, commune: Commune) -> None:
    with db.transaction() as s:
        a = add_petition(s, commune, "Sửa đường liên thôn", unit="dc")
        b = add_petition(s, commune, "Nạo vét kênh", unit="dc")
    batch = [
        followup.ResultInput(a, on=date(2026, 4, 10), result="Đã sửa."),
        followup.ResultInput(b, on=date(2026, 3, 1), result="Đã nạo vét."),  # before the meeting
    ]
    with db.transaction() as s, pytest.raises(ValidationError) as exc:
        followup.record_results(s, batch)
    assert list(exc.value.problems) == [f"ý kiến số {b}"]
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(ResolutionUpdate)) == 0
    with db.transaction() as s:
        ids = followup.record_results(
            s, [batch[0], followup.ResultInput(b, on=date(2026, 4, 2), result="Xong.")]
        )
    assert len(ids) == 2 and {_detail(db, p).status for p in (a, b)} == {S.RESOLVED}
    assert len(_audits(db, "record_result")) == 2


def test_revision_0006_keeps_earlier_results_as_results(tmp_path: Path) -> None:
    import sqlite3

    from app.storage.migrate import upgrade_database

    target = tmp_path / "old.sqlite"
    upgrade_database(target, target="0002", backup_dir=tmp_path / "backups")
    with sqlite3.connect(target) as conn:
        conn.execute(
            "INSERT INTO petition (id, content, search_key, position, source, kind, raised_at_meeting,"
            " petitioner_name, petitioner_phone, petitioner_address, petitioner_org, is_group, is_anonymous,"
            " status, forwarded_to) VALUES (1, 'Đường làng', 'duong lang', 0, 'at_meeting', 'proposal', 1,"
            " 'Đặng Văn Lợi', '', '', '', 0, 0, 'resolved', '')"
        )
        conn.execute(
            'INSERT INTO resolution_update (petition_id, "on", reply_number, result, status_after)'
            " VALUES (1, '2026-04-01', '', 'Đã sửa.', 'resolved')"
        )
    upgrade_database(target, backup_dir=tmp_path / "backups")
    db = Database.open(target)
    try:
        with db.reading() as s:
            detail = followup.petition_detail(s, 1)
            [entry] = detail.history
            assert (entry.kind, entry.text, entry.recorded_by, entry.attachment) == (
                "result",
                "Đã sửa.",
                "",
                "",
            )
            assert detail.informed_on is None and detail.informed_how == ""
        # The FTS triggers on petition survived the added columns.
        with db.transaction() as s:
            s.get(Petition, 1).search_key = "duong lang moi"  # type: ignore[union-attr]
        with sqlite3.connect(target) as conn:
            assert conn.execute(
                "SELECT rowid FROM petition_fts WHERE petition_fts MATCH 'moi'"
            ).fetchall() == [(1,)]
    finally:
        db.close()
