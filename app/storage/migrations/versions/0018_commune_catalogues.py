"""catalogues and the audit log per commune; plans carry a version

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-02

On a server holding several communes each keeps its own thôn / tổ dân phố, lĩnh vực, ban ngành and
leaders (DOMAIN §5: "the list of fields and units are per-commune settings"), so ``unit``,
``hamlet``, ``field`` and ``leader`` get ``commune_id``; ``audit_event`` gets it too, so a commune's
Nhật ký shows only its own lines. A file made before this revision is one commune: everything it
holds becomes that commune's (the audit lines too, when there is exactly one commune; a server
that already held several keeps its older lines unassigned, seen by a province user only).

``plan.version`` is the plan's optimistic version (``version_id_col``), so a plan form loaded
minutes ago cannot silently overwrite another PC's edit.

Plain ``ALTER TABLE … ADD COLUMN`` (no batch rebuild): SQLite keeps the tables and their triggers.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0016"
branch_labels = None
depends_on = None

CATALOGUES = ("unit", "hamlet", "field", "leader")


def _add_commune(table: str) -> None:
    name = f"fk_{table}_commune_id_commune"
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN commune_id INTEGER CONSTRAINT {name} REFERENCES commune (id)"
        )
    else:
        op.add_column(
            table,
            sa.Column("commune_id", sa.Integer(), sa.ForeignKey("commune.id", name=name), nullable=True),
        )
    op.create_index(f"ix_{table}_commune_id", table, ["commune_id"])


def upgrade() -> None:
    for table in (*CATALOGUES, "audit_event"):
        _add_commune(table)
    # A leader of a body belongs to that body's commune; everything else to the first commune
    # (every file before 0011 was one commune).
    op.execute(
        "UPDATE leader SET commune_id = (SELECT organization.commune_id FROM organization "
        "WHERE organization.id = leader.organization_id)"
    )
    for table in CATALOGUES:
        op.execute(f"UPDATE {table} SET commune_id = (SELECT MIN(id) FROM commune) WHERE commune_id IS NULL")
    op.execute(
        "UPDATE audit_event SET commune_id = (SELECT MIN(id) FROM commune) "
        "WHERE (SELECT COUNT(*) FROM commune) = 1"
    )
    op.add_column("plan", sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("plan") as batch_op:
        batch_op.drop_column("version")
    for table in ("audit_event", *CATALOGUES):
        op.drop_index(f"ix_{table}_commune_id", table_name=table)
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("commune_id")
