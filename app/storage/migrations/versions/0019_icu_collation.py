"""Vietnamese order on PostgreSQL through an ICU collation

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02

On PostgreSQL built with ICU (Debian's is) the collation ``doithoai_vi`` is made from ICU's
``vi`` locale: a ă â b c d đ e ê … with tones after the letters and lower case first, CLDR's
Vietnamese order, the order ``app.domain.text.sort_key`` computes for the stored keys that SQLite
compares. Titles and catalogue names then sort on the server through it
(``app.services.ordering.vietnamese``); a server without ICU keeps the stored keys. Nothing
changes on SQLite.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

COLLATION = "doithoai_vi"  # app.services.ordering.VIETNAMESE_COLLATION


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    has_icu = bind.execute(text("SELECT 1 FROM pg_collation WHERE collprovider = 'i' LIMIT 1")).scalar()
    if not has_icu:
        return
    # Deterministic: two texts that differ only in ways the order ignores still differ (= stays =).
    op.execute(
        f"CREATE COLLATION IF NOT EXISTS {COLLATION} (provider = icu, locale = 'vi', deterministic = true)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP COLLATION IF EXISTS {COLLATION}")
