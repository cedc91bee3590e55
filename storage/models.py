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
    # A caller-chosen key makes enqueueing idempotent (e.g. "survey:42").
    dedupe_key: str | None = Field(default=None, max_length=160, unique=True)
    # What this message is about (e.g. "notice_delivery", 17): delivery results are reported
    # back to it through bot.delivery.on_result hooks.
    ref_kind: str | None = Field(default=None, max_length=32)
    ref_id: int | None = Field(default=None)
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


class RosterEntry(SQLModel, table=True):
    """Who lives where, as the company's records say (`wuye residents import`).

    Binding by chat succeeds only when a person's room and phone match a row here."""

    __tablename__ = "roster"
    __table_args__ = (UniqueConstraint("house_id", "phone", name="uq_roster_house_phone"),)

    id: int | None = Field(default=None, primary_key=True)
    house_id: int = Field(foreign_key="houses.id", index=True)
    name: str = Field(default="", max_length=64)
    phone: str = Field(max_length=20, index=True)
    openid: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class BindState(SQLModel, table=True):
    """Failed binding tries per openid; three in a row lock binding for an hour."""

    __tablename__ = "bind_states"

    openid: str = Field(primary_key=True, max_length=64)
    failures: int = Field(default=0)
    locked_until: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class Ticket(SQLModel, table=True):
    __tablename__ = "tickets"
    __table_args__ = (Index("ix_tickets_open_place", "status", "building", "category"),)

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=16, unique=True)
    # repair | complaint | praise | human
    kind: str = Field(max_length=16, index=True)
    # open -> accepted -> on_site -> done; cancelled; (done -> open again when reopened)
    status: str = Field(default="open", max_length=16, index=True)
    category: str = Field(default="其他", max_length=16)
    urgent: bool = Field(default=False)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    area: str = Field(default="home", max_length=8)  # home | common
    house_id: int | None = Field(default=None, foreign_key="houses.id")
    building: str = Field(default="", max_length=16)
    place: str = Field(default="", max_length=120)
    reporter_id: int | None = Field(default=None, foreign_key="people.id", index=True)
    contact_phone: str = Field(default="", max_length=20)
    preferred_time: str = Field(default="", max_length=60)
    photos: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    assignee_id: int | None = Field(default=None, foreign_key="people.id", index=True)
    # Times the ticket came back after being done ("没修好"); each round gets its own survey.
    reopen_count: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    expected_done_at: datetime | None = None
    last_nudged_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow, index=True)
    accepted_at: datetime | None = None
    arrived_at: datetime | None = None
    done_at: datetime | None = None
    cancelled_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class TicketEvent(SQLModel, table=True):
    __tablename__ = "ticket_events"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="tickets.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="people.id")
    # created, assigned, accepted, arrived, done, cancelled, transferred, nudged, escalated,
    # followed, photo, reopened ...
    action: str = Field(max_length=24)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow)


class TicketFollower(SQLModel, table=True):
    """A resident who reported the same common-area fault and follows the first ticket."""

    __tablename__ = "ticket_followers"
    __table_args__ = (UniqueConstraint("ticket_id", "person_id", name="uq_ticket_follower"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="tickets.id", index=True)
    person_id: int = Field(foreign_key="people.id")
    created_at: datetime = Field(default_factory=utcnow)


class Counter(SQLModel, table=True):
    """Named sequences (ticket numbers per prefix and day), bumped atomically."""

    __tablename__ = "counters"

    name: str = Field(primary_key=True, max_length=40)
    value: int = Field(default=0)


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


class Survey(SQLModel, table=True):
    """The satisfaction callback (回访) for one completion of one ticket."""

    __tablename__ = "surveys"
    __table_args__ = (UniqueConstraint("ticket_id", "round", name="uq_survey_ticket_round"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="tickets.id", index=True)
    round: int = Field(default=0)  # the ticket's reopen_count when it was completed
    person_id: int | None = Field(default=None, foreign_key="people.id", index=True)
    # scheduled -> sent -> (reminded) -> answered | expired; cancelled when the ticket reopens
    status: str = Field(default="scheduled", max_length=16, index=True)
    due_at: datetime
    sent_at: datetime | None = None
    via: str = Field(default="", max_length=16)  # text | template
    reminded_at: datetime | None = None
    answered_at: datetime | None = None
    expires_at: datetime | None = None
    rating: int | None = None
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # Service recovery (补救) after a score of 1-2: who calls back, by when, and when they did.
    recovery_owner_id: int | None = Field(default=None, foreign_key="people.id")
    recovery_due_at: datetime | None = None
    recovery_done_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Notice(SQLModel, table=True):
    """A manager's broadcast (通知公告): who it is for, when it goes out and until when it is shown."""

    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_current", "status", "send_at"),)

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=100)
    body: str = Field(sa_column=Column(Text, nullable=False))
    # all | building:3,5 | staff
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


class WeChatTag(SQLModel, table=True):
    """The WeChat user tag kept for one building, so a notice can go out as one mass send."""

    __tablename__ = "wechat_tags"

    id: int | None = Field(default=None, primary_key=True)
    building: str = Field(max_length=16, unique=True)
    name: str = Field(max_length=30)
    tag_id: int | None = None
    # ok | missing (looked up, not found: create it) | failed (the API refused; send per person)
    state: str = Field(default="unknown", max_length=16)
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    updated_at: datetime = Field(default_factory=utcnow)
