"""notices and wechat tags

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 12:13:03.477306
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wechat_tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("building", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=30), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("building"),
    )
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("audience", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("send_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["people.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.create_index("ix_notices_current", ["status", "send_at"], unique=False)

    op.create_table(
        "notice_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("building", sa.String(length=16), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("msg_id", sa.String(length=32), nullable=True),
        sa.Column("total_count", sa.Integer(), nullable=True),
        sa.Column("sent_count", sa.Integer(), nullable=True),
        sa.Column("error_count", sa.Integer(), nullable=True),
        sa.Column("result", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["notices.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("notice_batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_batches_msg_id"), ["msg_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_notice_batches_notice_id"), ["notice_id"], unique=False
        )

    op.create_table(
        "notice_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("openid", sa.String(length=64), nullable=False),
        sa.Column("building", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("msgid", sa.String(length=32), nullable=True),
        sa.Column("errcode", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("resends", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["notice_batches.id"],
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["notices.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("notice_id", "person_id", name="uq_notice_delivery_person"),
    )
    with op.batch_alter_table("notice_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notice_deliveries_batch_id"), ["batch_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_notice_deliveries_msgid"), ["msgid"], unique=False)
        batch_op.create_index("ix_notice_deliveries_status", ["notice_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notice_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_notice_deliveries_status")
        batch_op.drop_index(batch_op.f("ix_notice_deliveries_msgid"))
        batch_op.drop_index(batch_op.f("ix_notice_deliveries_batch_id"))

    op.drop_table("notice_deliveries")
    with op.batch_alter_table("notice_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_batches_notice_id"))
        batch_op.drop_index(batch_op.f("ix_notice_batches_msg_id"))

    op.drop_table("notice_batches")
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_index("ix_notices_current")

    op.drop_table("notices")
    op.drop_table("wechat_tags")
