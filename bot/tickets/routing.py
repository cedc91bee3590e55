"""Who handles a ticket: staff by category and building (least open tickets first), else a
supervisor; who is told when it goes wrong: supervisors, then managers."""

from __future__ import annotations

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlmodel import Session

from storage import communities
from storage import tickets as ticket_store
from storage.models import Person

DESK_CATEGORY = "客服"
# rapidfuzz ratio (0-100) a mistyped staff name must reach: one wrong character of three is 66.7.
NAME_MATCH_MIN = 66  # customer-service staff take complaints and call-back requests


def _split(value: str) -> set[str]:
    return {v.strip() for v in value.replace("，", ",").split(",") if v.strip()}


def covers(person: Person, category: str | None, building: str | None) -> bool:
    cats, blds = _split(person.categories), _split(person.buildings)
    if category and cats and category not in cats:
        return False
    return not (building and blds and building not in blds)


def reachable(session: Session, roles: tuple[str, ...], community_id: int | None = None) -> list[Person]:
    """Active people of these roles; with a community, only those who serve it (theirs or the
    whole company's): a ticket in one community never reaches another community's people."""
    people = list(
        session.execute(
            select(Person)
            .where(Person.role.in_(roles), Person.active.is_(True), Person.openid.is_not(None))
            .order_by(Person.id)
        ).scalars()
    )
    if community_id is None:
        return people
    return [p for p in people if communities.serves(session, p, community_id)]


def choose_assignee(session: Session, kind: str, category: str, building: str,
                    community_id: int | None = None) -> Person | None:
    wanted = category if kind == "repair" else DESK_CATEGORY
    staff = [p for p in reachable(session, ("staff",), community_id)
             if wanted in _split(p.categories) and covers(p, wanted, building)]
    if staff:
        load = ticket_store.open_load(session, [p.id for p in staff if p.id is not None])
        return min(staff, key=lambda p: (load.get(p.id or 0, 0), p.id))
    sups = supervisors(session, wanted, building, community_id)
    return sups[0] if sups else next(iter(reachable(session, ("manager",), community_id)), None)


def supervisors(session: Session, category: str | None = None, building: str | None = None,
                community_id: int | None = None) -> list[Person]:
    every = reachable(session, ("supervisor",), community_id)
    matching = [p for p in every if covers(p, category, building)]
    return matching or every


def managers(session: Session, community_id: int | None = None) -> list[Person]:
    return reachable(session, ("manager",), community_id) or reachable(session, ("supervisor",), community_id)


def find_staff_by_name(session: Session, name: str, community_id: int | None = None) -> Person | None:
    name = name.strip()
    staff = reachable(session, ("staff", "supervisor", "manager"), community_id)
    exact = [p for p in staff if p.name == name]
    if exact:
        return exact[0]
    # "张师傅" for 张建国: surname plus a title is how people name a technician.
    surname = name.rstrip("师傅工主管经理")
    partial = [p for p in staff if surname and p.name.startswith(surname)]
    if len(partial) == 1:
        return partial[0]
    # A mistyped character ("张建过" for 张建国): the one clearly closest name, else nobody.
    scored = sorted(((fuzz.ratio(surname, p.name), p) for p in staff if p.name), key=lambda sp: -sp[0])
    if scored and scored[0][0] >= NAME_MATCH_MIN and (len(scored) == 1 or scored[0][0] - scored[1][0] >= 15):
        return scored[0][1]
    return None
