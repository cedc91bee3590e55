"""Tables. Times are aware UTC (`storage.clock.utcnow()`); the community time zone is applied
only when talking to people."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.clock import utcnow

ROLES = ("resident", "staff", "supervisor", "manager")


class House(SQLModel, table=True):
    __tablename__ = "houses"
    __table_args__ = (UniqueConstraint("building", "unit", "room", name="uq_house_address"),)

    id: int | None = Field(default=None, primary_key=True)
    building: str = Field(max_length=16, index=True)
    unit: str = Field(default="", max_length=16)
    room: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow)


class Person(SQLModel, table=True):
    __tablename__ = "people"

    id: int | None = Field(default=None, primary_key=True)
    openid: str | None = Field(default=None, max_length=64, unique=True)
    role: str = Field(default="resident", max_length=16, index=True)
    name: str = Field(default="", max_length=64)
    phone: str = Field(default="", max_length=20, index=True)
    house_id: int | None = Field(default=None, foreign_key="houses.id", index=True)
    # Staff routing: comma-separated repair categories and buildings they cover.
    categories: str = Field(default="", max_length=200)
    buildings: str = Field(default="", max_length=200)
    active: bool = Field(default=True)
    subscribed_at: datetime | None = None
    unsubscribed_at: datetime | None = None
    # WeChat only allows customer-service messages within 48 h of the person's last message.
    last_inbound_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class InboundMessage(SQLModel, table=True):
    """One delivery from WeChat; the unique key is what makes WeChat's retries harmless."""

    __tablename__ = "inbound_messages"

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(max_length=160, unique=True)
    openid: str = Field(max_length=64, index=True)
    msg_type: str = Field(max_length=32)
    event: str = Field(default="", max_length=64)
    content: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    status: str = Field(default="processing", max_length=16)  # processing | done
    # The plaintext reply XML (or "success"), replayed to retries of the same delivery.
    reply: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    received_at: datetime = Field(default_factory=utcnow, index=True)
    finished_at: datetime | None = None


class Conversation(SQLModel, table=True):
    """A pending dialogue (repair form, survey, FAQ choice) for one openid."""

    __tablename__ = "conversations"

    openid: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=32)
    state: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    expires_at: datetime = Field(index=True)
    updated_at: datetime = Field(default_factory=utcnow)


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
    # A caller-chosen key makes enqueueing idempotent (e.g. "survey:BX2611220001").
    dedupe_key: str | None = Field(default=None, max_length=160, unique=True)
    result: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


class FaqItem(SQLModel, table=True):
    """The FAQ the bot answers from: seeded at first start, then edited by import/remove."""

    __tablename__ = "faq_items"

    id: str = Field(primary_key=True, max_length=64)
    category: str = Field(default="其他", max_length=32, index=True)
    question: str = Field(sa_column=Column(Text, nullable=False))
    answer: str = Field(sa_column=Column(Text, nullable=False))
    alternates: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    source: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)
