"""Surveys: the 回访 after each completion of a ticket."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.clock import utcnow


class Survey(SQLModel, table=True):
    """The satisfaction callback (回访) for one completion of one ticket."""

    __tablename__ = "surveys"
    __table_args__ = (UniqueConstraint("ticket_id", "round", name="uq_survey_ticket_round"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="tickets.id", index=True)
    community_id: int | None = Field(default=None, foreign_key="communities.id", index=True, nullable=False)
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
