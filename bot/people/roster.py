"""The resident roster from the company's spreadsheet (CSV): validated whole, then applied whole."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from storage import communities, houses
from storage.clock import utcnow
from storage.models import Person, RosterEntry

HEADERS = {
    "building": ("building", "楼栋", "栋", "楼号"),
    "unit": ("unit", "单元"),
    "room": ("room", "房号", "室", "房间"),
    "name": ("name", "姓名", "业主"),
    "phone": ("phone", "电话", "手机", "手机号"),
    "openid": ("openid",),
    "community": ("community", "小区", "项目", "小区名称"),
}
_PHONE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")
_TOKEN = re.compile(r"^[0-9A-Za-z]{1,8}$")


@dataclass
class RosterRow:
    line: int
    building: str
    unit: str
    room: str
    name: str
    phone: str
    openid: str | None
    community: str = ""  # the community's name; blank: the file's (--community) or the default


@dataclass
class RosterResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def _decode(raw: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ValueError("not UTF-8 or GB18030 text")


def _clean(value: str, suffixes: str) -> str:
    return value.strip().rstrip(suffixes).strip()


def parse_roster(path: str | Path) -> tuple[list[RosterRow], list[str]]:
    name = Path(path).name
    try:
        text = _decode(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        return [], [f"{name}: {exc}"]
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        return [], [f"{name} line 1: empty file"]
    cols: dict[str, int] = {}
    for i, h in enumerate(header):
        for key, names in HEADERS.items():
            if h.strip().lower() in names:
                cols[key] = i
    missing = [k for k in ("building", "room", "phone") if k not in cols]
    if missing:
        return [], [f"{name} line 1: missing column(s) {', '.join(missing)} (need building, unit, room, name, phone)"]
    rows, errors, seen = [], [], {}
    for line, rec in enumerate(reader, start=2):
        if not any(c.strip() for c in rec):
            continue

        def get(key: str, rec: list[str] = rec) -> str:
            i = cols.get(key)
            return rec[i].strip() if i is not None and i < len(rec) else ""

        building, unit, room = _clean(get("building"), "栋号楼幢座"), _clean(get("unit"), "单元"), _clean(get("room"), "室号")
        phone = re.sub(r"[\s-]", "", get("phone"))
        problems = []
        if not _TOKEN.match(building):
            problems.append(f"building '{get('building')}' is not like 3 or B")
        if unit and not _TOKEN.match(unit):
            problems.append(f"unit '{get('unit')}' is not like 2")
        if not re.fullmatch(r"\d{3,4}", room):
            problems.append(f"room '{get('room')}' is not like 501")
        m = _PHONE.match(phone)
        if not m:
            problems.append(f"phone '{get('phone')}' is not an 11-digit mobile number")
        if problems:
            errors.append(f"{name} line {line}: " + "; ".join(problems))
            continue
        key = (get("community"), building, unit, room, m.group(1))  # type: ignore[union-attr]
        if key in seen:
            errors.append(f"{name} line {line}: same room and phone as line {seen[key]}")
            continue
        seen[key] = line
        rows.append(RosterRow(line, building, unit, room, get("name"), m.group(1), get("openid") or None,  # type: ignore[union-attr]
                              get("community")))
    return rows, errors


def check_communities(session: Session, rows: list[RosterRow], community: str = "", source: str = "") -> list[str]:
    """Every community the rows (or --community) name must exist: one error line per unknown name."""
    errors = []
    if community and communities.by_name(session, community) is None:
        errors.append(f"--community: no community named '{community}' (add it with `wuye community add`)")
    for row in rows:
        if row.community and communities.by_name(session, row.community) is None:
            errors.append(f"{source} line {row.line}: no community named '{row.community}' "
                          "(add it with `wuye community add`)".lstrip())
    return errors


def apply_roster(session: Session, rows: list[RosterRow], community: str = "") -> RosterResult:
    """Rows without a community column go to `community` (a name), else the default community."""
    result = RosterResult()
    now = utcnow()
    default_id = (communities.by_name(session, community) or communities.default(session)).id
    ids: dict[str, int | None] = {}
    for row in rows:
        if row.community and row.community not in ids:
            found = communities.by_name(session, row.community)
            if found is None:
                raise ValueError(f"line {row.line}: no community named '{row.community}'")
            ids[row.community] = found.id
        community_id = ids[row.community] if row.community else default_id
        house = houses.get_or_create(session, row.building, row.unit, row.room, community_id)
        entry = session.execute(
            select(RosterEntry).where(RosterEntry.house_id == house.id, RosterEntry.phone == row.phone)
        ).scalar_one_or_none()
        if entry is None:
            session.add(RosterEntry(house_id=house.id, name=row.name, phone=row.phone, openid=row.openid))
            result.added += 1
        elif (entry.name, entry.openid) != (row.name, row.openid or entry.openid):
            entry.name, entry.openid, entry.updated_at = row.name, row.openid or entry.openid, now
            result.updated += 1
        else:
            result.unchanged += 1
        if row.openid:
            # A roster that already knows the openid binds that person directly.
            person = session.execute(select(Person).where(Person.openid == row.openid)).scalar_one_or_none()
            if person is None:
                person = Person(openid=row.openid, role="resident")
                session.add(person)
            person.house_id, person.phone, person.name = house.id, row.phone, row.name or person.name
            person.community_ids = str(house.community_id)
    session.flush()
    return result
