"""Vietnamese order in SQL: the same names in the same order on SQLite and on PostgreSQL.

SQLite compares the stored collation keys; PostgreSQL compares the names themselves through the
ICU collation of revision 0019 (app.services.ordering.vietnamese). Both must give the order of
``app.domain.text.sort_key``: a ă â b c d đ e ê …, tones after the letters, lower case first.
"""

from __future__ import annotations

import random
from datetime import datetime

import pytest
from sqlalchemy import select

from app.domain.text import sort_key
from app.services import dialogues, settings
from app.services.ordering import VIETNAMESE_COLLATION, vietnamese
from app.storage.database import Database
from app.storage.models import Dialogue

pytestmark = pytest.mark.pg  # the point is the second run, on PostgreSQL

NAMES = [
    "Đào", "Dương", "dung", "Dũng", "Dụng", "dũng", "Anh", "Ánh", "ánh", "Ăn", "Ân", "An", "an",
    "Bình", "đa", "da", "Đa", "Ê", "Em", "Én", "Ơn", "Ôn", "On", "Ư", "U", "Ừ", "à", "ả", "ã",
    "á", "ạ", "a", "A", "Hoà", "Hòa", "Hoa", "Thôn 2", "Thôn 10", "Thôn Đông", "Thôn Dông",
    "Nguyễn", "Nguyên", "Ngô", "Nghĩa", "Tạ", "Tả", "Tá", "Y", "Ý", "Yên", "Ỷ", "Giang", "Gia",
]  # fmt: skip


def test_dialogue_titles_sort_in_vietnamese_order_on_either_database(db: Database) -> None:
    shuffled = list(NAMES)
    random.Random(3).shuffle(shuffled)
    with db.transaction() as session:
        org = settings.save_organization(
            session,
            settings.OrganizationInput(
                name="ỦY BAN NHÂN DÂN XÃ LƯƠNG PHONG",
                place_name="Lương Phong",
                issuer_code="UBND",
                signer_name="Trần Quốc Hưng",
                signer_title="Chủ tịch",
            ),
        )
        for title in shuffled:
            dialogues.create_dialogue(
                session,
                dialogues.DialogueInput(
                    organization_id=org.id, title=title, scheduled_at=datetime(2026, 3, 9, 8)
                ),
            )
    expected = sorted(NAMES, key=sort_key)
    with db.reading() as session:
        shown = [row.title for row in dialogues.list_dialogues(session, sort="title")]
        backwards = [row.title for row in dialogues.list_dialogues(session, sort="title", descending=True)]
    assert shown == expected
    assert backwards == expected[::-1]


def test_the_server_sorts_through_the_icu_collation(db: Database) -> None:
    """On PostgreSQL the ORDER BY names the collation (not the stored key); SQLite the key."""
    with db.reading() as session:
        key = vietnamese(session, Dialogue.title, Dialogue.title_sort)
        sql = str(select(Dialogue.id).order_by(key).compile(dialect=session.get_bind().dialect))
    if db.on_server:
        assert f'COLLATE "{VIETNAMESE_COLLATION}"' in sql or f"COLLATE {VIETNAMESE_COLLATION}" in sql
    else:
        assert "title_sort" in sql
