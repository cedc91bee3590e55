"""Houses by address, within a community (两个小区都有3栋)."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from storage.communities import default
from storage.models import House

AMBIGUOUS = "ambiguous"


def matching(session: Session, building: str, unit: str | None, room: str,
             community_id: int | None = None) -> list[House]:
    """Every house at this address (in one community, or in any when community_id is None)."""
    q = select(House).where(House.building == str(building), House.room == str(room))
    if unit:
        q = q.where(House.unit == str(unit))
    if community_id is not None:
        q = q.where(House.community_id == community_id)
    return list(session.execute(q.order_by(House.id)).scalars())


def find(session: Session, building: str, unit: str | None, room: str,
         community_id: int | None = None) -> House | str | None:
    """The house at this address in the community (the default one when not given); AMBIGUOUS
    when the unit is left out and several units match."""
    if community_id is None:
        community_id = default(session).id
    rows = matching(session, building, unit, room, community_id)
    if len(rows) > 1:
        return AMBIGUOUS
    return rows[0] if rows else None


def get_or_create(session: Session, building: str, unit: str, room: str, community_id: int | None = None) -> House:
    if community_id is None:
        community_id = default(session).id
    house = session.execute(
        select(House).where(House.community_id == community_id, House.building == building,
                            House.unit == unit, House.room == room)
    ).scalar_one_or_none()
    if house is None:
        house = House(community_id=community_id, building=building, unit=unit, room=room)
        session.add(house)
        session.flush()
    return house
