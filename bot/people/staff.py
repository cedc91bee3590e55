"""Adding and editing staff, supervisors and managers (the CLI's `wuye staff add` and the
console's people page share this)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from bot.config import REPAIR_CATEGORIES
from storage import communities
from storage.models import Person

STAFF_ROLES = ("staff", "supervisor", "manager")
CATEGORIES = (*REPAIR_CATEGORIES, "客服")


class StaffError(ValueError):
    """A staff record that cannot be saved; the message names the field."""


def split_list(text: str) -> list[str]:
    return [c.strip() for c in text.replace("，", ",").replace("、", ",").split(",") if c.strip()]


def save(session: Session, *, openid: str, name: str, role: str, phone: str, categories: str, buildings: str,
         now: datetime, active: bool = True, community_ids: list[int] | None = None) -> tuple[Person, bool]:
    """Add the staff member with this openid, or update them: (person, whether they are new).

    community_ids: the communities they serve ([] every one, company level); None keeps what
    they had, and a new person serves the default community."""
    if role not in STAFF_ROLES:
        raise StaffError(f"role must be one of {', '.join(STAFF_ROLES)}")
    if not openid.strip() or not name.strip():
        raise StaffError("openid and name are required")
    cats = split_list(categories)
    unknown = [c for c in cats if c not in CATEGORIES]
    if unknown:
        raise StaffError(f"unknown categor(y/ies) {', '.join(unknown)}; known: {','.join(CATEGORIES)}")
    blds = [b.removesuffix("栋") for b in split_list(buildings)]
    person = session.execute(select(Person).where(Person.openid == openid.strip())).scalar_one_or_none()
    new = person is None
    person = person or Person(openid=openid.strip(), created_at=now)
    person.name, person.role, person.categories, person.buildings = name.strip(), role, ",".join(cats), ",".join(blds)
    person.phone = phone.strip() or person.phone
    person.active, person.updated_at = active, now
    if community_ids is not None:
        person.community_ids = communities.join_ids(community_ids)
    elif new:
        person.community_ids = str(communities.default_id(session))
    session.add(person)
    session.flush()
    return person, new


def community_ids(session: Session, names: tuple[str, ...] | list[str]) -> list[int] | None:
    """The ids of these community names (comma-separated or repeated); None when none are given."""
    wanted = [n for raw in names for n in split_list(raw)]
    if not wanted:
        return None
    ids = []
    for name in wanted:
        row = communities.by_name(session, name)
        if row is None or row.id is None:
            known = "、".join(c.name for c in communities.all_(session))
            raise StaffError(f"--community: no community named '{name}' (known: {known}; `wuye community add`)")
        ids.append(row.id)
    return ids
