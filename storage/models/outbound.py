"""Outbound: messages to WeChat and time-driven jobs, both claimed by the worker."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel

from storage.clock import utcnow


class Outbox(SQLModel, table=True):
    """A message to WeChat, written in the transaction of the change that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    # text | template | mass_tag | mass_openids | api (raw POST)
    kind: str = Field(max_length=32)
    openid: str | None = Field(default=None, max_length=64, index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # pending -> sending -> sent | dead (pending again after a failed try with attempts left)
    status: str = Field(default="pending", max_length=16)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow)
    lease_until: datetime | None = None
    claim_token: str | None = Field(default=None, max_length=40, index=True)
    last_errcode: int | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # A caller-chosen key makes enqueueing idempotent (e.g. "survey:42").
    dedupe_key: str | None = Field(default=None, max_length=160, unique=True)
    # What this message is about (e.g. "notice_delivery", 17): delivery results are reported
    # back to it through bot.delivery.on_result hooks.
    ref_kind: str | None = Field(default=None, max_length=32)
    ref_id: int | None = Field(default=None)
    result: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


class Job(SQLModel, table=True):
    """A time-driven step (escalation, survey, scheduled notice): due rows the worker claims."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    ref_id: int | None = Field(default=None, index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # pending -> running -> done | cancelled | failed
    status: str = Field(default="pending", max_length=16)
    due_at: datetime = Field(default_factory=utcnow)
    # Makes "exactly once" a constraint: e.g. "escalate_accept:42".
    dedupe_key: str | None = Field(default=None, max_length=160, unique=True)
    attempts: int = Field(default=0)
    lease_until: datetime | None = None
    claim_token: str | None = Field(default=None, max_length=40, index=True)
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow)
    done_at: datetime | None = None


class ServiceWindow(SQLModel, table=True):
    """Customer-service messages used of one person's current WeChat window (a message opens 5
    for 48 hours; a menu click, follow or scan 3 for one minute). One row per openid and scene,
    counted in the database so that every process shares the count."""

    __tablename__ = "service_windows"

    openid: str = Field(primary_key=True, max_length=64)
    scene: str = Field(primary_key=True, max_length=16)  # message | event
    opened_at: datetime
    used: int = Field(default=0)


class SubscribeConsent(SQLModel, table=True):
    """A person's consent to one subscribe-message (订阅通知) template, from WeChat's
    subscribe_msg_popup_event / subscribe_msg_change_event. A one-time consent (一次性订阅) lets
    one message through per accept; a long-term one (长期订阅) lets any number through until
    the person turns it off."""

    __tablename__ = "subscribe_consents"

    openid: str = Field(primary_key=True, max_length=64)
    template_id: str = Field(primary_key=True, max_length=128)
    status: str = Field(default="accept", max_length=16)  # accept | reject
    remaining: int = Field(default=0)  # one-time sends still allowed (accepts not yet used)
    scene: str = Field(default="", max_length=16)  # 1 H5 page, 2 article (PopupScene); "" for a change
    updated_at: datetime = Field(default_factory=utcnow)
