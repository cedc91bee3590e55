"""media files: photos residents and staff send, downloaded before WeChat deletes them

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 11:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "media_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("openid", sa.String(length=64), nullable=False),
        sa.Column("media_id", sa.String(length=160), nullable=False),
        sa.Column("pic_url", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("media_id"),
    )
    op.create_index("ix_media_files_openid", "media_files", ["openid"])
    op.create_index("ix_media_files_pic_url", "media_files", ["pic_url"])


def downgrade() -> None:
    op.drop_index("ix_media_files_pic_url", table_name="media_files")
    op.drop_index("ix_media_files_openid", table_name="media_files")
    op.drop_table("media_files")
