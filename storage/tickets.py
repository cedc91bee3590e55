"""Tickets in the database: numbering, lookups, events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from bot.tickets.status import OPEN_STATUSES
from storage.models import Counter, Person, Ticket, TicketEvent, TicketFollower

PREFIX = {"repair": "BX", "complaint": "TS", "praise": "BY", "human": "RG"}


def bump_counter(session: Session, name: str) -> int:
    """Atomically add one and return the new value (upsert … RETURNING on both databases)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = (
        insert(Counter)
        .values(name=name, value=1)
        .on_conflict_do_update(index_elements=["name"], set_={"value": Counter.value + 1})
        .returning(Counter.value)
    )
    return int(session.execute(stmt).scalar_one())


def next_number(session: Session, kind: str, local_day: datetime) -> str:
    """e.g. BX2611220001: prefix, yymmdd in the community's time zone, a 4-digit daily sequence."""
    prefix = PREFIX[kind]
    day = local_day.strftime("%y%m%d")
    return f"{prefix}{day}{bump_counter(session, prefix + day):04d}"


def by_number(session: Session, number: str) -> Ticket | None:
    return session.execute(select(Ticket).where(Ticket.number == number.upper())).scalar_one_or_none()


def add_event(
    session: Session, ticket: Ticket, action: str, actor: Person | None, now: datetime, note: str = ""
) -> TicketEvent:
    event = TicketEvent(
        ticket_id=ticket.id, actor_id=actor.id if actor else None, action=action, note=note, created_at=now
    )
    session.add(event)
    return event


def events(session: Session, ticket: Ticket) -> list[TicketEvent]:
    return list(
        session.execute(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)
        ).scalars()
    )


def open_for_reporter(session: Session, person: Person) -> list[Ticket]:
    followed = select(TicketFollower.ticket_id).where(TicketFollower.person_id == person.id)
    return list(
        session.execute(
            select(Ticket)
            .where(Ticket.status.in_(OPEN_STATUSES))
            .where((Ticket.reporter_id == person.id) | Ticket.id.in_(followed))
            .where(Ticket.kind.in_(("repair", "complaint", "human")))
            .order_by(Ticket.created_at.desc())
        ).scalars()
    )


def open_for_assignee(session: Session, person: Person) -> list[Ticket]:
    return list(
        session.execute(
            select(Ticket)
            .where(Ticket.assignee_id == person.id, Ticket.status.in_(OPEN_STATUSES))
            .order_by(Ticket.urgent.desc(), Ticket.created_at)
        ).scalars()
    )


def open_common_duplicate(session: Session, building: str, category: str, place_key: str,
                          community_id: int | None = None) -> Ticket | None:
    """An open common-area repair at the same place and of the same category (in the community)."""
    if not building:
        return None
    q = (
        select(Ticket)
        .where(Ticket.kind == "repair", Ticket.area == "common", Ticket.status.in_(OPEN_STATUSES))
        .where(Ticket.building == building, Ticket.category == category)
        .order_by(Ticket.created_at)
    )
    if community_id is not None:
        q = q.where(Ticket.community_id == community_id)
    rows = session.execute(q).scalars()
    for t in rows:
        if not place_key or place_key in t.place:
            return t
    return None


def open_load(session: Session, person_ids: list[int]) -> dict[int, int]:
    """Open tickets per assignee, for least-loaded routing."""
    if not person_ids:
        return {}
    counts = dict(
        session.execute(
            select(Ticket.assignee_id, func.count())
            .where(Ticket.assignee_id.in_(person_ids), Ticket.status.in_(OPEN_STATUSES))
            .group_by(Ticket.assignee_id)
        ).all()
    )
    return {pid: int(counts.get(pid, 0)) for pid in person_ids}


def followers(session: Session, ticket: Ticket) -> list[Person]:
    return list(
        session.execute(
            select(Person)
            .join(TicketFollower, TicketFollower.person_id == Person.id)
            .where(TicketFollower.ticket_id == ticket.id)
        ).scalars()
    )


def follow(session: Session, ticket: Ticket, person: Person, now: datetime) -> bool:
    exists = session.execute(
        select(TicketFollower).where(TicketFollower.ticket_id == ticket.id, TicketFollower.person_id == person.id)
    ).scalar_one_or_none()
    if exists or ticket.reporter_id == person.id:
        return False
    session.add(TicketFollower(ticket_id=ticket.id, person_id=person.id, created_at=now))
    return True
