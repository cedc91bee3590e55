"""People and homes: houses, residents and staff, the company roster, binding tries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.clock import utcnow

ROLES = ("resident", "staff", "supervisor", "manager")


class House(SQLModel, table=True):
    __tablename__ = "houses"
    __table_args__ = (UniqueConstraint("community_id", "building", "unit", "room", name="uq_house_address"),)

    id: int | None = Field(default=None, primary_key=True)
    # Left out when written, the default community (storage.models.communities fills it in).
    community_id: int | None = Field(default=None, foreign_key="communities.id", index=True, nullable=False)
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
    # Comma-separated community ids. A resident: the community of their home (blank: not known
    # yet, the default one). Staff, supervisors, managers: the communities they serve, their
    # categories and buildings applying within each; blank: every community (company level).
    community_ids: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    active: bool = Field(default=True)
    subscribed_at: datetime | None = None
    unsubscribed_at: datetime | None = None
    # WeChat only allows customer-service messages within 48 h of the person's last message.
    last_inbound_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


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
