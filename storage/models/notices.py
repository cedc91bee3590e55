"""Notices: the broadcast, its mass sends, and each recipient's copy."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.clock import utcnow


class Notice(SQLModel, table=True):
    """A manager's broadcast (通知公告): who it is for, when it goes out and until when it is shown."""

    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_current", "status", "send_at"),)

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=100)
    body: str = Field(sa_column=Column(Text, nullable=False))
    # The community it is for; blank: every community of the company (company managers only).
    community_id: int | None = Field(default=None, foreign_key="communities.id", index=True)
    # all | building:3,5 | staff (within the community)
    audience: str = Field(default="all", max_length=200)
    # scheduled -> tagging (waiting for building tags) -> sending -> sent; cancelled
    status: str = Field(default="scheduled", max_length=16)
    # How it goes out, decided when it is sent: mass (by tag) | template | text
    via: str = Field(default="", max_length=16)
    author_id: int | None = Field(default=None, foreign_key="people.id")
    send_at: datetime = Field(default_factory=utcnow)
    # After this it is no longer shown to residents who ask (blank: [notice] show_days).
    until: datetime | None = None
    recipients: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


class NoticeBatch(SQLModel, table=True):
    """One mass send (by building tag, or to everyone) of a notice, as WeChat reports it back."""

    __tablename__ = "notice_batches"

    id: int | None = Field(default=None, primary_key=True)
    notice_id: int = Field(foreign_key="notices.id", index=True)
    building: str = Field(default="", max_length=16)  # blank: is_to_all
    tag_id: int | None = None
    # pending -> submitted -> finished | failed
    status: str = Field(default="pending", max_length=16)
    msg_id: str | None = Field(default=None, max_length=32, index=True)
    # From MASSSENDJOBFINISH: WeChat's own counts and status text ("send success", "err(10001)").
    total_count: int | None = None
    sent_count: int | None = None
    error_count: int | None = None
    result: str = Field(default="", max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None


class NoticeDelivery(SQLModel, table=True):
    """One recipient of one notice: what happened to their copy."""

    __tablename__ = "notice_deliveries"
    __table_args__ = (
        UniqueConstraint("notice_id", "person_id", name="uq_notice_delivery_person"),
        Index("ix_notice_deliveries_status", "notice_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    notice_id: int = Field(foreign_key="notices.id")
    person_id: int = Field(foreign_key="people.id")
    openid: str = Field(default="", max_length=64)
    building: str = Field(default="", max_length=16)
    # pending -> sent | failed; unsubscribed (not sent: they unfollowed the account)
    status: str = Field(default="pending", max_length=16)
    via: str = Field(default="", max_length=16)  # mass | template | text
    batch_id: int | None = Field(default=None, foreign_key="notice_batches.id", index=True)
    # WeChat's msgid (template) or msg_id (mass), to match the job-finish events.
    msgid: str | None = Field(default=None, max_length=32, index=True)
    errcode: int | None = None
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    resends: int = Field(default=0)
    sent_at: datetime | None = None
    # When WeChat's TEMPLATESENDJOBFINISH said it reached the phone.
    confirmed_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)
