"""shared server: communes, users with roles, each petition's body, and «Chuyển dữ liệu» progress

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

``app_user`` holds the people who sign in once a database is shared (a file without users keeps
working without sign-in); ``transfer_state`` records how far a copy into this database got, so a
transfer that was killed continues where it stopped.

One server can hold many communes. An Organization is an issuing body (UBND, HĐND, Đảng ủy), and
a commune has several, so ``commune`` groups them (``organization.commune_id``); data is scoped
by commune through the body that carries it. Plans and dialogues already carry theirs; a petition
now carries ``organization_id`` too: its dialogue's, or for one collected outside any dialogue the
office's current body. Existing databases become one commune holding all their bodies.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _add_reference(table: str, column: str, referred: str) -> None:
    """A nullable column pointing at ``referred``: a plain ALTER TABLE (no batch rebuild, which would
    drop the search triggers of petition); SQLite takes the named REFERENCES inline."""
    name = f"fk_{table}_{column}_{referred}"
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} INTEGER CONSTRAINT {name} REFERENCES {referred} (id)"
        )
    else:
        op.add_column(
            table, sa.Column(column, sa.Integer(), sa.ForeignKey(f"{referred}.id", name=name), nullable=True)
        )


def upgrade() -> None:
    op.create_table(
        "commune",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=20), server_default="", nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commune")),
    )
    _add_reference("organization", "commune_id", "commune")
    # Every database so far is one commune: its bodies (UBND, HĐND, Đảng ủy) form it, named by
    # the địa danh of the office's body.
    op.execute(
        "INSERT INTO commune (name, code, active) SELECT place_name, '', true FROM organization "
        "WHERE id = COALESCE((SELECT CAST(CAST(value AS TEXT) AS INTEGER) FROM setting "
        "WHERE key = 'current_organization_id'), (SELECT MIN(id) FROM organization))"
    )
    op.execute("UPDATE organization SET commune_id = (SELECT MIN(id) FROM commune)")
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
        sa.ForeignKeyConstraint(["commune_id"], ["commune.id"], name=op.f("fk_app_user_commune_id_commune")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("login", name=op.f("uq_app_user_login")),
    )
    op.create_table(
        "transfer_state",
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("copied", sa.Integer(), nullable=False),
        sa.Column("last_key", sa.JSON(), nullable=True),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("table_name", name=op.f("pk_transfer_state")),
    )

    _add_reference("petition", "organization_id", "organization")
    op.execute(
        "UPDATE petition SET organization_id = "
        "(SELECT dialogue.organization_id FROM dialogue WHERE dialogue.id = petition.dialogue_id)"
    )
    # The office's own organisation (Cài đặt), else the first one: where loose petitions belong.
    op.execute(
        "UPDATE petition SET organization_id = COALESCE("
        "(SELECT CAST(CAST(value AS TEXT) AS INTEGER) FROM setting WHERE key = 'current_organization_id'), "
        "(SELECT MIN(id) FROM organization)) WHERE organization_id IS NULL"
    )
    op.create_index(
        "ix_petition_organization_dialogue",
        "petition",
        ["organization_id", sa.text("dialogue_id DESC"), "position", "deleted_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_petition_organization_dialogue", table_name="petition")
    with op.batch_alter_table("petition") as batch_op:
        batch_op.drop_column("organization_id")
    op.drop_table("transfer_state")
    op.drop_table("app_user")
    with op.batch_alter_table("organization") as batch_op:
        batch_op.drop_column("commune_id")
    op.drop_table("commune")
