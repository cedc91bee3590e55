"""faq items

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 11:47:16.298811
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "faq_items",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("alternates", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("faq_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_faq_items_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_faq_items_updated_at"), ["updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("faq_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_faq_items_updated_at"))
        batch_op.drop_index(batch_op.f("ix_faq_items_category"))

    op.drop_table("faq_items")
