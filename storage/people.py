"""Looking people up and keeping their WeChat state current."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from storage.models import Person


def by_openid(session: Session, openid: str) -> Person | None:
    return session.execute(select(Person).where(Person.openid == openid)).scalar_one_or_none()


# Within this, a new message doesn't rewrite last_inbound_at: one write fewer per message, and
# the 48-hour window is not that precise anyway.
TOUCH_GRANULARITY = timedelta(minutes=1)


def touch(
    session: Session, openid: str, now: datetime, known: Person | None = None, *, looked_up: bool = False
) -> Person:
    """The person behind an inbound message, created on first contact as an unbound resident.

    `known` is the row the caller already looked up; with `looked_up`, None means the caller
    found nobody (either saves a query on the hot path)."""
    person = known if known is not None or looked_up else by_openid(session, openid)
    if person is not None and person.active and person.last_inbound_at is not None:
        last = person.last_inbound_at
        if timedelta(0) <= now - last < TOUCH_GRANULARITY:
            return person
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
