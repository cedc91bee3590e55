"""Houses by address."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from storage.models import House

AMBIGUOUS = "ambiguous"


def find(session: Session, building: str, unit: str | None, room: str) -> House | str | None:
    """The house at this address; AMBIGUOUS when the unit is left out and several units match."""
    q = select(House).where(House.building == str(building), House.room == str(room))
    if unit:
        q = q.where(House.unit == str(unit))
    rows = list(session.execute(q).scalars())
    if len(rows) > 1:
        return AMBIGUOUS
    return rows[0] if rows else None


def get_or_create(session: Session, building: str, unit: str, room: str) -> House:
    house = session.execute(
        select(House).where(House.building == building, House.unit == unit, House.room == room)
    ).scalar_one_or_none()
    if house is None:
        house = House(building=building, unit=unit, room=room)
        session.add(house)
        session.flush()
    return house
