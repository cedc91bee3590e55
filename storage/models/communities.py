"""Communities (小区/项目): one official account serves every community the company manages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint, event, insert, select
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Field, SQLModel

from storage.clock import utcnow

BUILT_IN_DEFAULT = "阳光花园"  # bot.config.CommunityConfig's name, until the config is applied


class Community(SQLModel, table=True):
    """A community the company manages, with the contact details its residents are given.

    The default one (is_default) is the config's `[community]` section, kept in step with it at
    start; the others are added with `wuye community add`."""

    __tablename__ = "communities"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)
    address: str = Field(default="", max_length=200)
    hotline: str = Field(default="", max_length=32)
    duty_phone: str = Field(default="", max_length=32)
    office_hours: str = Field(default="08:30-18:00", max_length=32)
    office_location: str = Field(default="", max_length=120)
    timezone: str = Field(default="Asia/Shanghai", max_length=64)
    is_default: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class FaqAnswer(SQLModel, table=True):
    """One community's own answer to a FAQ question (fees, office hours and parking differ)."""

    __tablename__ = "faq_answers"
    __table_args__ = (UniqueConstraint("faq_id", "community_id", name="uq_faq_answer_community"),)

    id: int | None = Field(default=None, primary_key=True)
    faq_id: str = Field(foreign_key="faq_items.id", max_length=64, index=True)
    community_id: int = Field(foreign_key="communities.id")
    answer: str = Field(sa_column=Column(Text, nullable=False))
    source: str = Field(default="", max_length=200)
    updated_at: datetime = Field(default_factory=utcnow)


# Rows that always belong to a community. Code that knows the community sets it; a row written
# without one (a single-community install, a tool, a test) belongs to the default community.
_COMMUNITY_REQUIRED = ("houses", "tickets", "surveys")


@event.listens_for(OrmSession, "before_flush")
def _default_community(session: OrmSession, _context: object, _instances: object) -> None:
    missing = [o for o in session.new
               if getattr(o, "__tablename__", "") in _COMMUNITY_REQUIRED and o.community_id is None]
    if not missing:
        return
    default_id = default_community_id(session)
    for row in missing:
        row.community_id = default_id


# Bumped whenever this process writes a community or a FAQ entry or answer: the cached
# snapshot in storage.communities is then read again (other processes' writes: within its TTL).
GENERATION = [0]


@event.listens_for(OrmSession, "after_flush")
def _note_changes(session: OrmSession, _context: object) -> None:
    from storage.models.dialogue import FaqItem

    for row in (*session.new, *session.dirty, *session.deleted):
        if isinstance(row, (Community, FaqAnswer, FaqItem)):
            GENERATION[0] += 1
            return


def default_community_id(session: OrmSession) -> int:
    """The default community's id; a database emptied by hand (or by a test) gets the row back
    with the built-in values, which the application overwrites from its config at start."""
    with session.no_autoflush:
        found = session.execute(select(Community.id).where(Community.is_default.is_(True))).scalar()
        if found is not None:
            return int(found)
        now = utcnow()
        GENERATION[0] += 1
        return int(session.execute(
            insert(Community).values(name=BUILT_IN_DEFAULT, is_default=True, address="", hotline="", duty_phone="",
                                     office_hours="08:30-18:00", office_location="", timezone="Asia/Shanghai",
                                     created_at=now, updated_at=now).returning(Community.id)
        ).scalar_one())
