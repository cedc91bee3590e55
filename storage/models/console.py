"""The web console's sign-in links."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.clock import utcnow


class ConsoleLink(SQLModel, table=True):
    """A one-time sign-in link to the web console. Only a hash of the token is kept, so the
    table leaks nothing that signs anyone in."""

    __tablename__ = "console_links"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    person_id: int = Field(foreign_key="people.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None
