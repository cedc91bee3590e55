"""A small demo community for `make run`: three buildings, a few residents, two staff, a manager."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from storage import houses
from storage.clock import utcnow
from storage.models import Person, RosterEntry

# (openid, role, name, phone, (building, unit, room) | None, categories, buildings)
DEMO_PEOPLE: list[tuple[str, str, str, str, tuple[str, str, str] | None, str, str]] = [
    ("demo-resident-1", "resident", "王芳", "13800001111", ("3", "2", "501"), "", ""),
    ("demo-resident-2", "resident", "李强", "13800002222", ("1", "1", "302"), "", ""),
    ("demo-resident-3", "resident", "陈静", "13800003333", ("2", "3", "1203"), "", ""),
    ("demo-staff-1", "staff", "张师傅", "13900001111", None, "水电,管道疏通,燃气", "1,2,3"),
    (
        "demo-staff-2",
        "staff",
        "刘师傅",
        "13900002222",
        None,
        "门窗,电梯,公共照明,公共设施,其他",
        "1,2,3",
    ),
    ("demo-supervisor", "supervisor", "赵主管", "13900003333", None, "客服", "1,2,3"),
    ("demo-manager", "manager", "孙经理", "13900009999", None, "", ""),
]


def seed_demo(session: Session) -> int:
    """Idempotent: adds whoever is missing, returns how many people were added."""
    added = 0
    now = utcnow()
    for openid, role, name, phone, address, categories, buildings in DEMO_PEOPLE:
        if session.execute(select(Person).where(Person.openid == openid)).scalar_one_or_none():
            continue
        house_id = None
        if address:
            house = houses.get_or_create(session, *address)
            house_id = house.id
            session.add(RosterEntry(house_id=house.id, name=name, phone=phone, openid=openid))
        session.add(
            Person(
                openid=openid,
                role=role,
                name=name,
                phone=phone,
                house_id=house_id,
                categories=categories,
                buildings=buildings,
                subscribed_at=now,
            )
        )
        added += 1
    session.commit()
    return added
