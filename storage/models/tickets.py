"""Tickets: the ticket, its history, its followers, and the counters that number them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.clock import utcnow


class Ticket(SQLModel, table=True):
    __tablename__ = "tickets"
    __table_args__ = (Index("ix_tickets_open_place", "status", "building", "category"),)

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=16, unique=True)
    # Left out when written, the default community (storage.models.communities fills it in).
    community_id: int | None = Field(default=None, foreign_key="communities.id", index=True, nullable=False)
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
