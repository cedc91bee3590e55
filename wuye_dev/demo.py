"""A small demo company for `make run`: two communities that both have a 3栋 (the config's
[community], 阳光花园 by default, and 翠湖苑), each with its own residents, staff and supervisor,
and a company-level manager who sees both."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from storage import communities, houses
from storage.clock import utcnow
from storage.models import Community, Person, RosterEntry

SECOND = "翠湖苑"
# The second community's own contact details: replies to its residents carry these.
SECOND_DETAILS = {
    "address": "西湖区翠湖路88号", "hotline": "0571-8888-7777", "duty_phone": "139-0000-7777",
    "office_hours": "08:00-20:00", "office_location": "翠湖苑2栋1楼物业服务中心", "timezone": "Asia/Shanghai",
}
DEFAULT, COMPANY = "", "*"  # the community column: the default one (the config's), or every one

# (openid, role, name, phone, (building, unit, room) | None, categories, buildings, community)
DEMO_PEOPLE: list[tuple[str, str, str, str, tuple[str, str, str] | None, str, str, str]] = [
    ("demo-resident-1", "resident", "王芳", "13800001111", ("3", "2", "501"), "", "", DEFAULT),
    ("demo-resident-2", "resident", "李强", "13800002222", ("1", "1", "302"), "", "", DEFAULT),
    ("demo-resident-3", "resident", "陈静", "13800003333", ("2", "3", "1203"), "", "", DEFAULT),
    ("demo-staff-1", "staff", "张师傅", "13900001111", None, "水电,管道疏通,燃气", "1,2,3", DEFAULT),
    ("demo-staff-2", "staff", "刘师傅", "13900002222", None, "门窗,电梯,公共照明,公共设施,其他", "1,2,3", DEFAULT),
    ("demo-supervisor", "supervisor", "赵主管", "13900003333", None, "客服", "1,2,3", DEFAULT),
    ("demo-b-resident-1", "resident", "周敏", "13800004444", ("3", "2", "501"), "", "", SECOND),
    ("demo-b-resident-2", "resident", "吴刚", "13800005555", ("3", "1", "101"), "", "", SECOND),
    ("demo-b-staff-1", "staff", "钱师傅", "13900004444", None, "水电,管道疏通,燃气,门窗,电梯,公共照明,公共设施,其他",
     "", SECOND),
    ("demo-b-supervisor", "supervisor", "郑主管", "13900005555", None, "客服", "", SECOND),
    ("demo-manager", "manager", "孙经理", "13900009999", None, "", "", COMPANY),
]


def seed_demo(session: Session) -> int:
    """Idempotent: adds the second community and whoever is missing; returns how many people
    were added."""
    added = 0
    now = utcnow()
    second = communities.by_name(session, SECOND)
    if second is None:
        second = Community(name=SECOND, created_at=now, updated_at=now, **SECOND_DETAILS)
        session.add(second)
        session.flush()
    ids = {DEFAULT: communities.default(session).id, SECOND: second.id}
    for openid, role, name, phone, address, categories, buildings, community in DEMO_PEOPLE:
        if session.execute(select(Person).where(Person.openid == openid)).scalar_one_or_none():
            continue
        community_id = ids.get(community)
        house_id = None
        if address:
            house = houses.get_or_create(session, *address, community_id=community_id)
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
                community_ids="" if community == COMPANY else str(community_id),
                subscribed_at=now,
            )
        )
        added += 1
    session.commit()
    return added
