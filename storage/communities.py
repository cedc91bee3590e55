"""Communities: looking them up, the default one kept in step with the config, and which
community a person belongs to or serves."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session

from storage.clock import utcnow
from storage.models import Community, FaqAnswer, FaqItem, Person
from storage.models.communities import GENERATION, default_community_id

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


# ---------------------------------------------------------------- the cached snapshot

# What every message needs (the default community, each community's details and names, which
# FAQ entries are one community's own, whether any community has its own answers) is read
# once per TTL per database, not per message. This process's writes are seen at once (the
# GENERATION bump); another process's (`wuye community add`) within TTL_SECONDS.
TTL_SECONDS = 10.0


@dataclass(frozen=True)
class Row:
    id: int
    name: str
    address: str
    hotline: str
    duty_phone: str
    office_hours: str
    office_location: str
    timezone: str
    is_default: bool


@dataclass(frozen=True)
class Snapshot:
    taken: float
    generation: int
    default_id: int
    rows: dict[int, Row]
    owned_faq: dict[str, int]  # FAQ entries only one community is answered from
    has_answers: bool  # some community has its own answer to a FAQ entry


_snapshots: dict[str, Snapshot] = {}
_lock = threading.Lock()


def snapshot(session: Session) -> Snapshot:
    key = session.get_bind().url.render_as_string(hide_password=True)
    snap = _snapshots.get(key)
    if snap is not None and snap.generation == GENERATION[0] and time.monotonic() - snap.taken < TTL_SECONDS:
        return snap
    generation = GENERATION[0]
    default_id = default_community_id(session)
    rows = {c.id: Row(c.id, c.name, c.address, c.hotline, c.duty_phone, c.office_hours, c.office_location,
                      c.timezone, c.is_default)
            for c in session.execute(select(Community).order_by(Community.id)).scalars() if c.id is not None}
    owned = {fid: cid for fid, cid in session.execute(
        select(FaqItem.id, FaqItem.community_id).where(FaqItem.community_id.is_not(None))).all()}
    has_answers = session.execute(select(FaqAnswer.id).limit(1)).first() is not None
    snap = Snapshot(time.monotonic(), generation, default_id, rows, owned, has_answers)
    with _lock:
        _snapshots[key] = snap
    return snap


def forget() -> None:
    """Read everything again at the next look (a new application; tests that empty a database)."""
    with _lock:
        _snapshots.clear()


# ---------------------------------------------------------------- look-ups


def default(session: Session) -> Community:
    row = session.get(Community, default_community_id(session))
    assert row is not None
    return row


def default_id(session: Session) -> int:
    return snapshot(session).default_id


def all_(session: Session) -> list[Community]:
    return list(session.execute(select(Community).order_by(Community.id)).scalars())


def count(session: Session) -> int:
    return len(snapshot(session).rows)


def ids(session: Session) -> list[int]:
    return list(snapshot(session).rows)


def by_name(session: Session, name: str) -> Community | None:
    name = name.strip()
    return session.execute(select(Community).where(Community.name == name)).scalar_one_or_none()


def named_in(session: Session, text: str) -> Row | None:
    """The community whose name the text mentions (the longest, so 阳光花园二期 beats 阳光花园)."""
    found = [c for c in snapshot(session).rows.values() if c.name and c.name in text]
    return max(found, key=lambda c: len(c.name)) if found else None


def pick(session: Session, text: str, choices: list[int]) -> int | None:
    """The community a person picked from a numbered list of `choices`, by number or by name."""
    text = text.strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    if digits and len(digits) <= 2 and 1 <= int(digits) <= len(choices):
        return choices[int(digits) - 1]
    rows = snapshot(session).rows
    named = sorted((rows[c] for c in choices if c in rows and rows[c].name and rows[c].name in text),
                   key=lambda r: -len(r.name))
    return named[0].id if named else None


def listing(session: Session, choices: list[int]) -> str:
    """"1. 阳光花园\n2. 翠湖苑": the communities to pick from, numbered."""
    rows = snapshot(session).rows
    return "\n".join(f"{i}. {rows[c].name}" for i, c in enumerate((c for c in choices if c in rows), start=1))


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
    snap = snapshot(session)
    row = snap.rows.get(community_id or snap.default_id) or snap.rows.get(snap.default_id)
    if row is None:  # the default row was just written back in this transaction
        return View(id=snap.default_id, name=config.name, company=config.company, hotline=config.hotline,
                    duty_phone=config.duty_phone, office_hours=config.office_hours,
                    office_location=config.office_location, timezone=config.timezone)
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
    return default_id(session)


def serves(session: Session, person: Person, community_id: int | None) -> bool:
    """Whether a staff member, supervisor or manager works for this community (blank: all).
    community_id None asks about the whole company: only company-level people serve that."""
    if community_id is None:
        return is_company_level(session, person)
    ids = ids_of(person)
    return not ids or community_id in ids


def is_company_level(session: Session, person: Person) -> bool:
    """Serving every community: blank, or every community there is (as in a one-community install)."""
    mine = set(ids_of(person))
    return not mine or set(ids(session)) <= mine


def served(session: Session, person: Person) -> list[int] | None:
    """The community ids a staff member may see; None: every community."""
    return None if is_company_level(session, person) else ids_of(person)
