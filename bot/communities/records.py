"""Adding, listing and describing communities (the CLI and the console share this)."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlmodel import Session

from bot.config import Settings, parse_hours
from bot.tickets.status import OPEN_STATUSES
from storage import communities
from storage.clock import utcnow
from storage.models import Community, House, Person, Ticket


class CommunityError(ValueError):
    """A community that cannot be saved or found; the message says what to do."""


@dataclass
class Summary:
    id: int
    name: str
    hotline: str
    default: bool
    houses: int
    residents: int
    staff: int
    open_tickets: int


def save(session: Session, settings: Settings, *, name: str, address: str = "", hotline: str = "",
         duty_phone: str = "", office_hours: str = "", office_location: str = "",
         timezone: str = "") -> tuple[Community, bool]:
    """Add the community with this name or update it: (row, whether it is new)."""
    name = name.strip()
    if not name:
        raise CommunityError("community: --name is required")
    if office_hours:
        try:
            parse_hours(office_hours)
        except ValueError as exc:
            raise CommunityError(f"community: --office-hours {exc}") from None
    if timezone:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise CommunityError(f"community: unknown --timezone '{timezone}' (use an IANA name like Asia/Shanghai)") from None
    communities.sync_default(session, settings.community)
    row = communities.by_name(session, name)
    if row is not None and row.is_default:
        raise CommunityError(f"community: {name} is the default community; change it in the config's [community] section")
    new = row is None
    now = utcnow()
    c = settings.community
    row = row or Community(name=name, created_at=now, hotline=c.hotline, duty_phone=c.duty_phone,
                           office_hours=c.office_hours, timezone=c.timezone)
    for key, value in (("address", address), ("hotline", hotline), ("duty_phone", duty_phone),
                       ("office_hours", office_hours), ("office_location", office_location),
                       ("timezone", timezone)):
        if value.strip():
            setattr(row, key, value.strip())
    row.updated_at = now
    session.add(row)
    session.flush()
    return row, new


def summaries(session: Session, settings: Settings) -> list[Summary]:
    communities.sync_default(session, settings.community)
    houses = dict(session.execute(select(House.community_id, func.count()).group_by(House.community_id)).all())
    residents = dict(session.execute(
        select(House.community_id, func.count(Person.id)).join(Person, Person.house_id == House.id)
        .where(Person.role == "resident").group_by(House.community_id)).all())
    open_tickets = dict(session.execute(
        select(Ticket.community_id, func.count()).where(Ticket.status.in_(OPEN_STATUSES))
        .group_by(Ticket.community_id)).all())
    staff = [p for p in session.execute(select(Person).where(Person.role.in_(communities.STAFF_ROLES))).scalars()]
    out = []
    for c in communities.all_(session):
        assert c.id is not None
        out.append(Summary(
            id=c.id, name=c.name, hotline=c.hotline, default=c.is_default, houses=int(houses.get(c.id, 0)),
            residents=int(residents.get(c.id, 0)), open_tickets=int(open_tickets.get(c.id, 0)),
            staff=sum(1 for p in staff if communities.serves(session, p, c.id)),
        ))
    return out


def find(session: Session, name: str) -> Community:
    row = communities.by_name(session, name)
    if row is None:
        known = "、".join(c.name for c in communities.all_(session))
        raise CommunityError(f"community: no community named '{name}' (known: {known}; add one with `wuye community add`)")
    return row


def describe(session: Session, settings: Settings, name: str) -> list[str]:
    communities.sync_default(session, settings.community)
    row = find(session, name)
    v = communities.view(session, settings.community, row.id)
    people = [p for p in session.execute(
        select(Person).where(Person.role.in_(communities.STAFF_ROLES)).order_by(Person.role, Person.id)).scalars()
        if communities.serves(session, p, row.id)]
    lines = [
        f"{v.name} (id {v.id}{', default: the config' + chr(39) + 's [community]' if row.is_default else ''})",
        f"address:         {v.address or '-'}",
        f"hotline:         {v.hotline}",
        f"duty phone:      {v.duty_phone}",
        f"office hours:    {v.office_hours}",
        f"office location: {v.office_location or '-'}",
        f"time zone:       {v.timezone}",
        f"staff ({len(people)}):",
    ]
    for p in people:
        scope = "all communities" if not communities.ids_of(p) else "this community"
        lines.append(f"  {p.role:<10} {p.name:<8} {p.openid} categories={p.categories or '-'} "
                     f"buildings={p.buildings or 'all'} ({scope})")
    return lines
