"""Dialogue: the pending form of each conversation and the FAQ the bot answers from."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from storage.clock import utcnow


class Conversation(SQLModel, table=True):
    """A pending dialogue (repair form, survey, FAQ choice) for one openid."""

    __tablename__ = "conversations"

    openid: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=32)
    state: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    expires_at: datetime = Field(index=True)
    updated_at: datetime = Field(default_factory=utcnow)


class FaqItem(SQLModel, table=True):
    """The FAQ the bot answers from: seeded at first start, then edited by import/remove."""

    __tablename__ = "faq_items"

    id: str = Field(primary_key=True, max_length=64)
    category: str = Field(default="其他", max_length=32, index=True)
    # Blank: a company-wide entry; else a question only this community's residents get answered
    # (per-community answers to company-wide questions are FaqAnswer rows).
    community_id: int | None = Field(default=None, foreign_key="communities.id", index=True)
    question: str = Field(sa_column=Column(Text, nullable=False))
    answer: str = Field(sa_column=Column(Text, nullable=False))
    alternates: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    source: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)
