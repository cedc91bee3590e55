"""service windows: customer-service messages used per openid and window

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 11:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "service_windows",
        sa.Column("openid", sa.String(length=64), nullable=False),
        sa.Column("scene", sa.String(length=16), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("openid", "scene"),
    )


def downgrade() -> None:
    op.drop_table("service_windows")
