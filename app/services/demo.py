"""Demo data: the two real plans of the seeds and a realistic current year of one commune.

Dates of the current year are offsets from ``today`` so the demo always has overdue items,
items due soon and a dialogue still to come.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.domain.rules import (
    AnswerOutcome,
    DialogueState,
    DocumentKind,
    MinuteKind,
    PetitionKind,
    PetitionSource,
    PetitionStatus,
    PlanKind,
)
from app.paths import resource_path
from app.services import catalog, minutes, petitions, settings
from app.services.dialogues import DialogueInput, create_dialogue
from app.services.plans import PlanInput, create_plan
from app.storage.models import Conclusion, Dialogue, IssuedDocument, MinuteEntry, Organization, Plan


@dataclass(frozen=True)
class DemoSummary:
    organizations: int
    plans: int
    dialogues: int
    petitions: int


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource_path("demo", name).read_text(encoding="utf-8"))
    return data


def _organization(session: Session, spec: dict[str, Any], *, make_current: bool) -> int:
    info = settings.save_organization(
        session,
        settings.OrganizationInput(
            name=spec["name"],
            place_name=spec["place_name"],
            issuer_code=spec["issuer_code"],
            signer_name=spec["signer_name"],
            signer_title=spec["signer_title"],
            signing_authority=spec.get("signing_authority", ""),
        ),
        make_current=make_current,
        add_chair=False,
    )
    org = session.get(Organization, info.id)
    assert org is not None
    # The form upper-cases one line; demo names keep their two-line layout ("ỦY BAN NHÂN DÂN" / "XÃ …").
    org.name = spec["name"]
    org.signing_authority = spec.get("signing_authority") or None
    return info.id


def _plan_input(org_id: int, spec: dict[str, Any], year: int) -> PlanInput:
    def fill(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace("{year}", str(year))
        if isinstance(value, list):
            return [fill(item) for item in value]
        if isinstance(value, dict):
            return {key: fill(item) for key, item in value.items()}
        return value

    spec = fill(spec)
    return PlanInput(
        organization_id=org_id,
        year=year,
        title=spec["title"],
        kind=PlanKind(spec.get("kind", "yearly")),
        number=spec.get("number"),
        symbol=spec.get("symbol", ""),
        issued_on=date.fromisoformat(spec["issued_on"]) if spec.get("issued_on") else None,
        opening=spec.get("opening", ""),
        bases=spec.get("bases", []),
        purposes=spec.get("purposes", []),
        requirements=spec.get("requirements", []),
        audience=spec.get("audience", ""),
        contents=spec.get("contents", []),
        forms=spec.get("forms", []),
        time_place=spec.get("time_place", []),
        steps=spec.get("steps", []),
        tasks_intro=spec.get("tasks_intro", ""),
        tasks=spec.get("tasks", []),
        recipients=spec.get("recipients", []),
        headings=spec.get("headings", {}),
    )


def build_demo(session: Session, today: date | None = None) -> DemoSummary:
    """Fill an empty database with demo data, in the caller's transaction."""
    today = today or date.today()
    catalog.ensure_defaults(session)
    commune = _load("commune.json")
    seeds = _load("plans.json")["plans"]

    org_id = _organization(session, commune["organization"], make_current=True)
    for name in commune["hamlets"]:
        catalog.add_entry(session, "hamlet", name)
    leaders = [catalog.add_leader(session, spec["full_name"], spec["title"]) for spec in commune["leaders"]]
    hamlets = {entry.name: entry.id for entry in catalog.list_entries(session, "hamlet")}
    fields = {entry.name: entry.id for entry in catalog.list_entries(session, "field")}
    units = {entry.name: entry.id for entry in catalog.list_entries(session, "unit")}

    plan_count = dialogue_count = 0
    # The seeds: real plans of earlier years, kept as history.
    for seed in seeds:
        seed_org = _organization(session, seed["organization"], make_current=False)
        plan_id = create_plan(session, _plan_input(seed_org, seed, seed["year"]))
        plan = session.get(Plan, plan_id)
        assert plan is not None
        plan.signer_name = seed["organization"]["signer_name"]
        plan_count += 1
        for spec in seed.get("dialogues", []):
            seed_dialogue_id = create_dialogue(
                session,
                DialogueInput(
                    organization_id=seed_org,
                    plan_id=plan_id,
                    title=spec["title"],
                    quarter=spec.get("quarter"),
                    scheduled_at=datetime.fromisoformat(spec["scheduled_at"])
                    if spec.get("scheduled_at")
                    else None,
                    place=spec.get("place", ""),
                    audience=spec.get("audience", ""),
                    collect_deadline=date.fromisoformat(spec["collect_deadline"])
                    if spec.get("collect_deadline")
                    else None,
                ),
            )
            # The seeds' dialogues took place years ago: held, with short minutes, so no list or
            # document shows a dialogue closed with nothing in it.
            seed_dialogue = session.get(Dialogue, seed_dialogue_id)
            assert seed_dialogue is not None
            _close_seed_dialogue(session, seed_dialogue, seed["year"], spec.get("opinions", []))
            dialogue_count += 1

    # This year's plan of the commune, with one held and one planned dialogue.
    held = commune["held_dialogue"]
    held_day = today + timedelta(days=held["days_from_today"])
    year = held_day.year
    plan_spec = dict(commune["plan"], issued_on=date(year, 1, 15).isoformat())
    plan_id = create_plan(session, _plan_input(org_id, plan_spec, year))
    plan_count += 1

    chair = leaders[0]
    held_id = create_dialogue(
        session,
        DialogueInput(
            organization_id=org_id,
            plan_id=plan_id,
            title=held["title"].replace("{year}", str(year)),
            scheduled_at=datetime.combine(held_day, time(held["hour"], 0)),
            place=held["place"],
            audience=held["audience"],
            participants=held["participants"],
            chair_id=chair.id,
            co_chair_ids=(leaders[3].id, leaders[5].id),
            secretary_name=held["secretary_name"],
            collect_deadline=held_day - timedelta(days=7),
        ),
    )
    dialogue_count += 1
    _hold_dialogue(session, held_id, held, held_day, leaders, hamlets, fields, units)

    planned = commune["planned_dialogue"]
    planned_day = today + timedelta(days=planned["days_from_today"])
    planned_id = create_dialogue(
        session,
        DialogueInput(
            organization_id=org_id,
            plan_id=plan_id if planned_day.year == year else None,
            title=planned["title"],
            scheduled_at=datetime.combine(planned_day, time(planned["hour"], 0)),
            place=planned["place"],
            audience=planned["audience"],
            chair_id=leaders[2].id,
            collect_deadline=planned_day - timedelta(days=planned["collect_days_before"]),
        ),
    )
    dialogue_count += 1
    for spec in planned["collected"]:
        petitions.create_petition(
            session,
            petitions.PetitionInput(
                content=spec["content"],
                petitioner_name=spec["name"],
                hamlet_id=hamlets[spec["hamlet"]],
                field_id=fields[spec["field"]],
                source=PetitionSource.COLLECTED,
                dialogue_id=planned_id,
                received_on=today - timedelta(days=2),
            ),
        )
    return DemoSummary(
        organizations=1 + len(seeds),
        plans=plan_count,
        dialogues=dialogue_count,
        petitions=petitions.count_petitions(session),
    )


def create_demo_file(path: Path, today: date | None = None) -> DemoSummary:
    """A fresh sample file at ``path``, replacing an older one; the user's database is not touched.

    Built under a temporary name and moved into place whole, so a kill half-way leaves either the
    old sample or none. The caller holds the file's lock (the sample is never open elsewhere).
    """
    from app.storage.database import Database

    path.parent.mkdir(parents=True, exist_ok=True)
    building = path.with_name(path.name + ".tao-moi")
    for leftover in (building, *_journals(building)):
        leftover.unlink(missing_ok=True)
    db = Database.open(building, create=True)
    try:
        with db.transaction() as session:
            summary = build_demo(session, today)
    finally:
        db.close()
    # A journal left by a crash of the old sample would be replayed into the new file.
    for stale in _journals(path):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
    os.replace(building, path)
    return summary


def _journals(path: Path) -> tuple[Path, ...]:
    return tuple(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))


SEED_CONCLUSIONS = (
    "Giao các cơ quan, đơn vị liên quan giải quyết các ý kiến, kiến nghị theo thẩm quyền.",
    "Văn phòng theo dõi, đôn đốc, tổng hợp kết quả giải quyết, báo cáo Chủ tịch.",
)


def _close_seed_dialogue(
    session: Session, dialogue: Dialogue, year: int, opinions: list[dict[str, str]]
) -> None:
    """An earlier year's dialogue as held: opening, the opinions with their answers, conclusions."""
    start = dialogue.scheduled_at or datetime(year, 3 * (dialogue.quarter or 4) - 1, 15, 8, 0)
    dialogue.started_at = start
    dialogue.ended_at = start + timedelta(hours=2, minutes=30)
    dialogue.state = DialogueState.CLOSED
    session.flush()
    speaker = "Chủ trì hội nghị"
    minutes.add_entry(
        session,
        dialogue.id,
        MinuteKind.OPENING,
        speaker=speaker,
        content="Tuyên bố lý do, giới thiệu đại biểu và chương trình hội nghị",
        at=start,
    )
    clock = start
    for spec in opinions:
        clock += timedelta(minutes=10)
        petition_id = petitions.create_petition(
            session,
            petitions.PetitionInput(
                content=spec["content"],
                petitioner_name=spec["name"],
                source=PetitionSource.AT_MEETING,
                dialogue_id=dialogue.id,
                received_on=start.date(),
            ),
        )
        minutes.add_entry(
            session,
            dialogue.id,
            MinuteKind.SPEECH,
            speaker=spec["name"],
            content=spec["content"],
            at=clock,
            petition_id=petition_id,
        )
        clock += timedelta(minutes=5)
        petitions.add_answer(
            session, petition_id, content=spec["answer"], outcome=AnswerOutcome.ANSWERED, at=clock
        )
        minutes.add_entry(
            session,
            dialogue.id,
            MinuteKind.ANSWER,
            speaker=speaker,
            content=spec["answer"],
            at=clock,
            petition_id=petition_id,
        )
    for position, text in enumerate(SEED_CONCLUSIONS, start=1):
        session.add(Conclusion(dialogue_id=dialogue.id, position=position, content=text))
        minutes.add_entry(
            session, dialogue.id, MinuteKind.CONCLUSION, speaker=speaker, content=text, at=dialogue.ended_at
        )
    # Years ago its Thông báo kết luận went out: no list shows it hundreds of days overdue.
    org = session.get(Organization, dialogue.organization_id)
    session.add(
        IssuedDocument(
            organization_id=dialogue.organization_id,
            kind=DocumentKind.CONCLUSION_NOTICE,
            year=start.year,
            number=1,
            symbol=f"TB-{org.issuer_code if org else 'UBND'}",
            issued_on=start.date() + timedelta(days=5),
            dialogue_id=dialogue.id,
        )
    )


def _hold_dialogue(
    session: Session,
    dialogue_id: int,
    spec: dict[str, Any],
    day: date,
    leaders: list[catalog.LeaderEntry],
    hamlets: dict[str, int],
    fields: dict[str, int],
    units: dict[str, int],
) -> None:
    dialogue = session.get(Dialogue, dialogue_id)
    assert dialogue is not None
    start = datetime.combine(day, time(spec["hour"], 0))
    counts = spec["counts"]
    dialogue.leaders_count = counts["leaders"]
    dialogue.units_count = counts["units"]
    dialogue.hamlet_heads_count = counts["hamlet_heads"]
    dialogue.citizens_count = counts["citizens"]
    dialogue.assessment = spec["assessment"]
    dialogue.state = DialogueState.CLOSED
    dialogue.started_at = start
    clock = start
    position = 0

    def minute(kind: MinuteKind, speaker: str, content: str, petition_id: int | None = None) -> None:
        nonlocal clock, position
        position += 1
        session.add(
            MinuteEntry(
                dialogue_id=dialogue_id,
                position=position,
                at=clock,
                kind=kind,
                speaker=speaker,
                content=content,
                petition_id=petition_id,
            )
        )
        clock += timedelta(minutes=3)

    chair = leaders[0]
    minute(
        MinuteKind.OPENING,
        f"{chair.full_name}, {chair.title}",
        "Tuyên bố lý do, giới thiệu đại biểu và khai mạc hội nghị.",
    )
    minute(
        MinuteKind.REPORT,
        f"{leaders[1].full_name}, {leaders[1].title}",
        "Báo cáo tóm tắt tình hình kinh tế - xã hội, quốc phòng, an ninh của xã và kết quả giải quyết kiến nghị của kỳ trước.",
    )
    for spec_p in spec["petitions"]:
        petition_id = petitions.create_petition(
            session,
            petitions.PetitionInput(
                content=spec_p["content"],
                petitioner_name=spec_p.get("name", ""),
                hamlet_id=hamlets[spec_p["hamlet"]],
                field_id=fields[spec_p["field"]],
                kind=PetitionKind(spec_p.get("kind", "proposal")),
                source=PetitionSource.AT_MEETING,
                dialogue_id=dialogue_id,
                is_group=spec_p.get("group", False),
                is_anonymous=spec_p.get("anonymous", False),
                received_on=day,
            ),
        )
        speaker = spec_p.get("name") or "Một công dân (ẩn danh)"
        minute(MinuteKind.SPEECH, f"{speaker} ({spec_p['hamlet']})", spec_p["content"], petition_id)
        answer = spec_p["answer"]
        leader = leaders[answer["leader"]]
        outcome = AnswerOutcome(answer["outcome"])
        petitions.add_answer(
            session, petition_id, content=answer["content"], outcome=outcome, leader_id=leader.id, at=clock
        )
        minute(MinuteKind.ANSWER, f"{leader.full_name}, {leader.title}", answer["content"], petition_id)
        if "assign" in spec_p:
            assign = spec_p["assign"]
            petitions.assign(
                session,
                petition_id,
                lead_unit_id=units[assign["unit"]],
                supporting_unit_ids=[units[name] for name in assign.get("support", [])],
                deadline=day + timedelta(days=assign["days"]),
                task=assign["task"],
                assigned_on=day,
            )
        if "forward" in spec_p:
            petitions.forward(session, petition_id, spec_p["forward"])
        if "update" in spec_p:
            update = spec_p["update"]
            petitions.record_update(
                session,
                petition_id,
                on=day + timedelta(days=update["days"]),
                reply_date=day + timedelta(days=update["days"]),
                reply_number=update.get("reply_number", ""),
                result=update["result"],
                status_after=PetitionStatus(update["status"]),
            )
    for position_c, text in enumerate(spec["conclusions"], start=1):
        session.add(Conclusion(dialogue_id=dialogue_id, position=position_c, content=text))
    for text in spec["conclusions"]:  # one minute line per conclusion item, as the live screen
        minute(MinuteKind.CONCLUSION, f"{chair.full_name}, {chair.title}", text)
    dialogue.ended_at = clock
