"""Adding and editing staff, supervisors and managers (the CLI's `wuye staff add` and the
console's people page share this)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from bot.config import REPAIR_CATEGORIES
from storage.models import Person

STAFF_ROLES = ("staff", "supervisor", "manager")
CATEGORIES = (*REPAIR_CATEGORIES, "客服")


class StaffError(ValueError):
    """A staff record that cannot be saved; the message names the field."""


def split_list(text: str) -> list[str]:
    return [c.strip() for c in text.replace("，", ",").replace("、", ",").split(",") if c.strip()]


def save(session: Session, *, openid: str, name: str, role: str, phone: str, categories: str, buildings: str,
         now: datetime, active: bool = True) -> tuple[Person, bool]:
    """Add the staff member with this openid, or update them: (person, whether they are new)."""
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
    session.add(person)
    session.flush()
    return person, new
