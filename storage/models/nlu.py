"""The learning loop's tables: review items, the company's labels, retrained models, last readings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from storage.clock import utcnow


class NluReviewItem(SQLModel, table=True):
    """A resident message the bot was unsure about, kept for someone to label."""

    __tablename__ = "nlu_review_items"

    id: int | None = Field(default=None, primary_key=True)
    openid: str = Field(default="", max_length=64)
    text: str = Field(sa_column=Column(Text, nullable=False))
    # the normalised text: items with the same key are one group in `wuye nlu review`
    group_key: str = Field(max_length=200, index=True)
    reason: str = Field(max_length=32)  # unknown | menu_not_picked | faq_rejected | form_abandoned
    reading: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="open", max_length=16, index=True)  # open | labelled | ignored
    label_id: int | None = Field(default=None, foreign_key="nlu_labels.id")
    created_at: datetime = Field(default_factory=utcnow)


class NluLabel(SQLModel, table=True):
    """The company's own reading of a message: a training line, or an alternate of an FAQ entry."""

    __tablename__ = "nlu_labels"

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    intent: str = Field(max_length=32)
    faq_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class NluModel(SQLModel, table=True):
    """A model retrained from shipped plus company data; the newest one is read."""

    __tablename__ = "nlu_models"

    id: int | None = Field(default=None, primary_key=True)
    n_labels: int = Field(default=0)
    payload: str = Field(sa_column=Column(Text, nullable=False))  # JSON (intents.company.CompanyModel)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow)


class NluLastReading(SQLModel, table=True):
    """What the bot last read from each resident, to notice an answer that missed."""

    __tablename__ = "nlu_last_readings"

    openid: str = Field(primary_key=True, max_length=64)
    text: str = Field(sa_column=Column(Text, nullable=False))
    intent: str = Field(max_length=32)
    faq_id: str | None = Field(default=None, max_length=64)
    offered: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    at: datetime = Field(default_factory=utcnow)
