"""communities: one official account, many communities; every existing row joins the default one

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 15:40:00

The default community is inserted with the built-in `[community]` values; the application
writes the config's values over them when it starts (storage.communities.sync_default).
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

DEFAULT = {
    "name": "阳光花园", "address": "", "hotline": "0571-8888-6666", "duty_phone": "138-0000-1234",
    "office_hours": "08:30-18:00", "office_location": "5栋1楼物业服务中心", "timezone": "Asia/Shanghai",
}
# Tables whose every row belongs to a community (NOT NULL), and those where blank means the
# whole company (notices, FAQ entries) or "not known yet" (people who never bound a home).
REQUIRED = ("houses", "tickets", "surveys")
OPTIONAL = ("notices", "faq_items")


def upgrade() -> None:
    communities = op.create_table(
        "communities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("hotline", sa.String(length=32), nullable=False),
        sa.Column("duty_phone", sa.String(length=32), nullable=False),
        sa.Column("office_hours", sa.String(length=32), nullable=False),
        sa.Column("office_location", sa.String(length=120), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    now = datetime.now(UTC)
    op.bulk_insert(communities, [DEFAULT | {"is_default": True, "created_at": now, "updated_at": now}])
    bind = op.get_bind()
    default_id = bind.execute(sa.text("SELECT id FROM communities WHERE is_default")).scalar_one()

    op.create_table(
        "faq_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("faq_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"]),
        sa.ForeignKeyConstraint(["faq_id"], ["faq_items.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("faq_id", "community_id", name="uq_faq_answer_community"),
    )
    op.create_index("ix_faq_answers_faq_id", "faq_answers", ["faq_id"])

    for table in (*REQUIRED, *OPTIONAL):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("community_id", sa.Integer(), nullable=True))
        bind.execute(sa.text(f"UPDATE {table} SET community_id = :c"), {"c": default_id})
        with op.batch_alter_table(table) as batch:
            if table in REQUIRED:
                batch.alter_column("community_id", existing_type=sa.Integer(), nullable=False)
            if table == "houses":
                batch.drop_constraint("uq_house_address", type_="unique")
                batch.create_unique_constraint("uq_house_address", ["community_id", "building", "unit", "room"])
            batch.create_foreign_key(f"fk_{table}_community_id", "communities", ["community_id"], ["id"])
            batch.create_index(f"ix_{table}_community_id", ["community_id"])

    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("community_ids", sa.String(length=200), nullable=False, server_default=""))
    # Everyone was the one community's: residents live there, staff serve it.
    bind.execute(sa.text("UPDATE people SET community_ids = :c"), {"c": str(default_id)})


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("community_ids")
    for table in (*OPTIONAL, *reversed(REQUIRED)):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_community_id")
            batch.drop_constraint(f"fk_{table}_community_id", type_="foreignkey")
            if table == "houses":
                batch.drop_constraint("uq_house_address", type_="unique")
                batch.create_unique_constraint("uq_house_address", ["building", "unit", "room"])
            batch.drop_column("community_id")
    op.drop_index("ix_faq_answers_faq_id", table_name="faq_answers")
    op.drop_table("faq_answers")
    op.drop_table("communities")
