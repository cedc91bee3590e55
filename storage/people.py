"""Looking people up and keeping their WeChat state current."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from storage.models import Person


def by_openid(session: Session, openid: str) -> Person | None:
    return session.execute(select(Person).where(Person.openid == openid)).scalar_one_or_none()


def touch(session: Session, openid: str, now: datetime) -> Person:
    """The person behind an inbound message, created on first contact as an unbound resident."""
    person = by_openid(session, openid)
    if person is None:
        person = Person(openid=openid, role="resident", created_at=now, updated_at=now)
        session.add(person)
    person.last_inbound_at = now
    if not person.active:
        # Writing to us again means they follow the account again.
        person.active = True
        person.unsubscribed_at = None
    person.updated_at = now
    session.flush()
    return person
