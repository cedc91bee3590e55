"""Communities: looking them up, the default one kept in step with the config, and which
community a person belongs to or serves."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlmodel import Session

from storage.clock import utcnow
from storage.models import Community, Person
from storage.models.communities import default_community_id

STAFF_ROLES = ("staff", "supervisor", "manager")
FIELDS = ("hotline", "duty_phone", "office_hours", "office_location", "timezone")


class Defaults(Protocol):
    """What the config's `[community]` section holds (bot.config.CommunityConfig)."""

    name: str
    company: str
    hotline: str
    duty_phone: str
    office_hours: str
    office_location: str
    timezone: str


@dataclass(frozen=True)
class View:
    """A community as replies see it ({community}, {hotline}, {office_hours} ...), with its id."""

    id: int
    name: str
    company: str
    hotline: str
    duty_phone: str
    office_hours: str
    office_location: str
    timezone: str
    address: str = ""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def default(session: Session) -> Community:
    row = session.get(Community, default_community_id(session))
    assert row is not None
    return row


def all_(session: Session) -> list[Community]:
    return list(session.execute(select(Community).order_by(Community.id)).scalars())


def count(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(Community)).scalar_one())


def by_name(session: Session, name: str) -> Community | None:
    name = name.strip()
    return session.execute(select(Community).where(Community.name == name)).scalar_one_or_none()


def named_in(session: Session, text: str) -> Community | None:
    """The community whose name the text mentions (the longest, so 阳光花园二期 beats 阳光花园)."""
    found = [c for c in all_(session) if c.name and c.name in text]
    return max(found, key=lambda c: len(c.name)) if found else None


def sync_default(session: Session, config: Defaults) -> Community:
    """Write the config's `[community]` over the default community's row (names included)."""
    row = default(session)
    wanted = {"name": config.name, **{f: getattr(config, f) for f in FIELDS}}
    if any(getattr(row, k) != v for k, v in wanted.items()):
        for k, v in wanted.items():
            setattr(row, k, v)
        row.updated_at = utcnow()
        session.add(row)
        session.flush()
    return row


def view(session: Session, config: Defaults, community_id: int | None) -> View:
    """What replies say for this community (the default one when None). The default community's
    row is the config's `[community]` (sync_default at start); blank fields fall back to `config`."""
    row = session.get(Community, community_id) if community_id else None
    if row is None:
        row = default(session)
    assert row.id is not None
    return View(id=row.id, name=row.name or config.name, company=config.company,
                hotline=row.hotline or config.hotline, duty_phone=row.duty_phone or config.duty_phone,
                office_hours=row.office_hours or config.office_hours,
                office_location=row.office_location or config.office_location,
                timezone=row.timezone or config.timezone, address=row.address)


# ---------------------------------------------------------------- people


def ids_of(person: Person) -> list[int]:
    return [int(v) for v in (person.community_ids or "").split(",") if v.strip().isdigit()]


def join_ids(ids: Iterable[int]) -> str:
    return ",".join(str(i) for i in dict.fromkeys(ids))


def home_of(session: Session, person: Person | None) -> int:
    """The community a resident belongs to: their home's, else the one they said, else the default."""
    if person is not None:
        ids = ids_of(person)
        if ids:
            return ids[0]
    did = default(session).id
    assert did is not None
    return did


def serves(session: Session, person: Person, community_id: int | None) -> bool:
    """Whether a staff member, supervisor or manager works for this community (blank: all).
    community_id None asks about the whole company: only company-level people serve that."""
    if community_id is None:
        return is_company_level(session, person)
    ids = ids_of(person)
    return not ids or community_id in ids


def is_company_level(session: Session, person: Person) -> bool:
    """Serving every community: blank, or every community there is (as in a one-community install)."""
    ids = set(ids_of(person))
    return not ids or {c.id for c in all_(session)} <= ids


def served(session: Session, person: Person) -> list[int] | None:
    """The community ids a staff member may see; None: every community."""
    return None if is_company_level(session, person) else ids_of(person)
