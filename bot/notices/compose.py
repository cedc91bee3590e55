"""Manager broadcasts (通知公告): who a notice is for, creating and scheduling one, what is shown
to residents who ask, and the per-recipient records behind `wuye notice status` / `resend`.

Sending itself happens in the worker (`bot.notice_delivery`): creating a notice only writes it and
a due job, so the webhook never does the work of reaching thousands of people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlmodel import Session

from bot.config import Settings
from bot.outbound import jobs
from bot.outbound.registry import JobKind
from replies import render
from storage import communities
from storage.models import House, Notice, NoticeBatch, NoticeDelivery, Person

STAFF_ROLES = ("staff", "supervisor", "manager")

_ALL = re.compile(r"^\s*(all|全体|全部|所有|全小区|全体业主|全体住户|所有业主|所有住户|全体居民)\s*$", re.I)
_STAFF = re.compile(r"^\s*(staff|员工|全体员工|工作人员|同事|物业员工|所有员工)\s*$", re.I)
# "building:3,5", "3栋、5栋", "3号楼和5号楼住户": building numbers and separators only.
_BUILDINGS = re.compile(r"^[0-9A-Za-z栋号楼幢座,，、和及与/\s]+$")


@dataclass(frozen=True)
class Audience:
    kind: str  # all | buildings | staff
    buildings: tuple[str, ...] = ()
    # Within this community; None: every community of the company.
    community_id: int | None = None

    def within(self, community_id: int | None) -> Audience:
        return Audience(self.kind, self.buildings, community_id)

    @property
    def spec(self) -> str:
        """How it is stored and typed on the command line: all | building:3,5 | staff."""
        return f"building:{','.join(self.buildings)}" if self.kind == "buildings" else self.kind

    def label(self, settings: Settings) -> str:
        if self.kind == "buildings":
            return render("notice_audience_buildings", settings.community, buildings="、".join(f"{b}栋" for b in self.buildings))
        return render(f"notice_audience_{self.kind}", settings.community)


def parse_audience(text: str) -> Audience | None:
    """`all`, `building:3,5`, `staff`, or the way a manager says it in chat: 全体 / 3栋、5栋 / 员工."""
    if _ALL.match(text):
        return Audience("all")
    if _STAFF.match(text):
        return Audience("staff")
    rest = re.sub(r"^\s*building\s*:", "", text, flags=re.I)
    rest = re.sub(r"(的)?(住户|业主|居民)$", "", rest.strip())
    if _BUILDINGS.match(rest):
        found = re.findall(r"[0-9A-Za-z]+", rest)
        if found and all(re.fullmatch(r"\d{1,3}[A-Za-z]?|[A-Za-z]\d{0,2}", b) for b in found):
            return Audience("buildings", tuple(dict.fromkeys(b.upper() for b in found)))
    return None


@dataclass
class Plan:
    """Who a notice would reach now: those who follow the account, and those who left it."""

    audience: Audience
    reachable: list[tuple[Person, str]] = field(default_factory=list)  # (person, building)
    unsubscribed: list[tuple[Person, str]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.reachable)


def plan(session: Session, audience: Audience) -> Plan:
    q = select(Person, House.building).outerjoin(House, Person.house_id == House.id).where(Person.openid.is_not(None))
    cid = audience.community_id
    if audience.kind == "staff":
        q = q.where(Person.role.in_(STAFF_ROLES))
    else:
        q = q.where(Person.role == "resident")
        if audience.kind == "buildings":
            q = q.where(House.building.in_(audience.buildings))
        if cid is not None:
            q = q.where(_resident_of(session, cid))
    out = Plan(audience)
    for person, building in session.execute(q.order_by(Person.id)).all():
        if audience.kind == "staff" and cid is not None and not communities.serves(session, person, cid):
            continue
        (out.reachable if person.active else out.unsubscribed).append((person, building or ""))
    return out


def _resident_of(session: Session, community_id: int) -> ColumnElement[bool]:
    """A resident of the community: by their home when bound, else by what they told us (nothing
    yet: the default community's)."""
    unbound = Person.community_ids == str(community_id)
    if community_id == communities.default_id(session):
        unbound = or_(unbound, Person.community_ids == "")
    return or_(House.community_id == community_id, and_(Person.house_id.is_(None), unbound))


def may_broadcast(person: Person | None) -> bool:
    return person is not None and person.role == "manager"


def may_address(session: Session, person: Person | None, community_id: int | None) -> bool:
    """A manager sends to their own communities; to the whole company only at company level
    (every manager of a one-community install is)."""
    if person is None:
        return True  # the command line without --as: the operator of the server
    return may_broadcast(person) and communities.serves(session, person, community_id)


def default_community_for(session: Session, person: Person | None) -> int | None:
    """What a manager's notice is for unless they say: the whole company at company level (every
    manager of a one-community install), else their (first) community."""
    if person is None or communities.is_company_level(session, person):
        return None
    ids = communities.ids_of(person)
    return ids[0] if ids else None


def parse_scoped_audience(session: Session, person: Person | None, text: str) -> Audience | None:
    """An audience as a manager writes it in chat, optionally after a community's name
    ("翠湖苑 3栋", "翠湖苑全体"); without one, the manager's default (default_community_for)."""
    named = communities.named_in(session, text)
    rest = text.replace(named.name, "").strip() if named is not None else text
    audience = parse_audience(rest or "all")
    if audience is None:
        return None
    return audience.within(named.id if named is not None else default_community_for(session, person))


def audience_label(session: Session, settings: Settings, audience: Audience) -> str:
    """全体住户 / 3栋住户, with the community's name in front when there are several."""
    text = audience.label(settings)
    if audience.community_id is None or communities.count(session) < 2:
        return text
    return communities.view(session, settings.community, audience.community_id).name + text


def local_label(settings: Settings, dt: datetime, fmt: str = "%m月%d日%H:%M") -> str:
    return dt.astimezone(settings.community.tz).strftime(fmt)


_TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d")


def parse_local(settings: Settings, value: str, *, end_of_day: bool = False) -> datetime:
    """"2026-12-01 09:00" in the community's time zone, as aware UTC. A bare date means its
    start, or with `end_of_day` the end of it (--until 2026-12-01: shown through that day)."""
    value = value.strip().replace("：", ":")
    tz = settings.community.tz
    for fmt in _TIME_FORMATS:
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=tz).astimezone(UTC)
        except ValueError:
            pass
    for fmt in _DATE_FORMATS:
        try:
            day = datetime.strptime(value, fmt).replace(tzinfo=tz)
        except ValueError:
            continue
        return (day + timedelta(days=1) if end_of_day else day).astimezone(UTC)
    raise ValueError(f"'{value}' is not a time like 2026-12-01 09:00")


def create(
    session: Session,
    settings: Settings,
    *,
    title: str,
    body: str,
    audience: Audience,
    author: Person | None,
    now: datetime,
    send_at: datetime | None = None,
    until: datetime | None = None,
    recipients: int = 0,
) -> Notice:
    """Store the notice and its send step (a due job, so it goes out once however many workers run)."""
    notice = Notice(
        title=title.strip(), body=body.strip(), audience=audience.spec, author_id=author.id if author else None,
        community_id=audience.community_id,
        send_at=send_at or now, until=until, recipients=recipients, created_at=now,
    )
    session.add(notice)
    session.flush()
    jobs.schedule(session, JobKind.NOTICE_SEND, notice.id, notice.send_at, f"notice_send:{notice.id}")
    return notice


def audience_of(notice: Notice) -> Audience:
    parsed = parse_audience(notice.audience)
    assert parsed is not None, notice.audience
    return parsed.within(notice.community_id)


def message_text(settings: Settings, notice: Notice) -> str:
    """The notice as residents read it (push, chat answer)."""
    until = render("notice_until_line", settings.community, until=local_label(settings, notice.until)) if notice.until else ""
    return render("notice_push", settings.community, title=notice.title, body=notice.body, until=until)


# ---------------------------------------------------------------- what residents see


def is_current(settings: Settings, notice: Notice, now: datetime) -> bool:
    if notice.status not in ("sending", "sent") or notice.send_at > now:
        return False
    if notice.until is not None:
        return notice.until > now
    return notice.send_at >= now - timedelta(days=settings.notice.show_days)


def for_person(session: Session, person: Person) -> tuple[str | None, bool]:
    """(building of their bound home, whether they are staff)."""
    building = None
    if person.house_id:
        house = session.get(House, person.house_id)
        building = house.building if house else None
    return building, person.role in STAFF_ROLES


def _meant_for_community(session: Session, person: Person, notice: Notice) -> bool:
    """A notice of the whole company reaches everyone; a community's, only its own people."""
    if notice.community_id is None:
        return True
    if person.role in STAFF_ROLES:
        return communities.serves(session, person, notice.community_id)
    house = session.get(House, person.house_id) if person.house_id else None
    home = house.community_id if house is not None else communities.home_of(session, person)
    return home == notice.community_id


def current(session: Session, settings: Settings, person: Person, now: datetime, limit: int = 5) -> list[Notice]:
    """Notices in force now that are meant for this person, newest first (their community's and
    the company's only)."""
    building, is_staff = for_person(session, person)
    oldest = now - timedelta(days=max(settings.notice.show_days, 1) * 10)
    rows = session.execute(
        select(Notice)
        .where(Notice.status.in_(("sending", "sent")), Notice.send_at <= now)
        .where(or_(Notice.until.is_(None), Notice.until > now))
        .where(or_(Notice.until.is_not(None), Notice.send_at >= oldest))
        .order_by(Notice.send_at.desc(), Notice.id.desc())
        .limit(200)
    ).scalars()
    out = []
    for n in rows:
        aud = parse_audience(n.audience)
        if aud is None or not is_current(settings, n, now) or not _meant_for_community(session, person, n):
            continue
        meant = (
            aud.kind == "all"
            or (aud.kind == "buildings" and building in aud.buildings)
            or (aud.kind == "staff" and is_staff)
        )
        if meant:
            out.append(n)
        if len(out) >= limit:
            break
    return out


# ---------------------------------------------------------------- records


def counts(session: Session, notice_id: int) -> dict[str, int]:
    rows = session.execute(
        select(NoticeDelivery.status, func.count()).where(NoticeDelivery.notice_id == notice_id).group_by(NoticeDelivery.status)
    ).all()
    out = {"pending": 0, "sent": 0, "failed": 0, "unsubscribed": 0}
    out.update({status: n for status, n in rows})
    out["confirmed"] = session.execute(
        select(func.count()).select_from(NoticeDelivery)
        .where(NoticeDelivery.notice_id == notice_id, NoticeDelivery.confirmed_at.is_not(None))
    ).scalar_one()
    return out


def failures(session: Session, notice_id: int, limit: int = 50) -> list[tuple[NoticeDelivery, str]]:
    rows = session.execute(
        select(NoticeDelivery, Person.name).join(Person, Person.id == NoticeDelivery.person_id)
        .where(NoticeDelivery.notice_id == notice_id, NoticeDelivery.status == "failed")
        .order_by(NoticeDelivery.id).limit(limit)
    ).all()
    return [(d, name) for d, name in rows]


def batches(session: Session, notice_id: int) -> list[NoticeBatch]:
    return list(session.execute(select(NoticeBatch).where(NoticeBatch.notice_id == notice_id).order_by(NoticeBatch.id)).scalars())


def cancel(session: Session, notice: Notice) -> bool:
    """Only a notice that has not started going out can be cancelled."""
    if notice.status != "scheduled":
        return False
    notice.status = "cancelled"
    jobs.cancel(session, JobKind.NOTICE_SEND, notice.id)  # type: ignore[arg-type]
    return True
