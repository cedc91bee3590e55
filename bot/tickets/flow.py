"""The ticket lifecycle: open, route, push, accept, arrive, finish, transfer, cancel, nudge.

Every change writes a ticket event and its pushes (outbox rows) in the caller's transaction.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from bot.communities.scope import settings_for
from bot.config import Settings
from bot.outbound import jobs, notify
from bot.outbound.registry import JobKind
from bot.tickets import limits as ticket_limits
from bot.tickets import routing
from bot.tickets.status import Status, kind_label, status_label
from replies import label, render
from storage import communities
from storage import tickets as store
from storage.models import House, Person, Ticket


@dataclass
class Draft:
    kind: str
    description: str
    category: str = "其他"
    urgent: bool = False
    area: str = "home"
    house_id: int | None = None
    building: str = ""
    place: str = ""
    contact_phone: str = ""
    preferred_time: str = ""
    photos: list[str] = field(default_factory=list)
    # Blank: the community of the house, else the reporter's own.
    community_id: int | None = None


def scoped(session: Session, settings: Settings, ticket: Ticket) -> Settings:
    """The settings as the ticket's community sees them: its phones and hours in every text."""
    return settings_for(session, settings, ticket.community_id)


def local(settings: Settings, dt: datetime) -> datetime:
    return dt.astimezone(settings.community.tz)


def duration_label(delta: timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 60:
        return label("duration_minutes", minutes=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return label("duration_hours_minutes", hours=hours, minutes=minutes) if minutes else label(
            "duration_hours", hours=hours)
    return label("duration_days_hours", days=hours // 24, hours=hours % 24)


def address_label(building: str, unit: str, room: str) -> str:
    """3栋2单元501, or 3栋501 without a unit."""
    if unit:
        return label("house_with_unit", building=building, unit=unit, room=room)
    return label("house_without_unit", building=building, room=room)


def house_label(house: House) -> str:
    return address_label(house.building, house.unit, house.room)


def person_label(person: Person | None) -> str:
    if person is None:
        return label("person_on_duty")
    return person.name or label("person_unnamed")


def category_key(ticket: Ticket) -> str:
    return {"complaint": "投诉", "human": "人工"}.get(ticket.kind, ticket.category)


def card_values(session: Session, settings: Settings, ticket: Ticket) -> dict[str, Any]:
    assignee = session.get(Person, ticket.assignee_id) if ticket.assignee_id else None
    photos = " ".join(ticket.photos)
    kind = kind_label(ticket.kind)
    return {
        "title": label("card_title_urgent" if ticket.urgent else "card_title_new", kind=kind),
        "number": ticket.number,
        "category": ticket.category if ticket.kind == "repair" else kind,
        "place": ticket.place or label("place_unknown"),
        "description": ticket.description,
        "contact": ticket.contact_phone or label("contact_none"),
        "preferred_time": ticket.preferred_time or label("time_asap"),
        "photos": label("card_photos", photos=photos) if photos else "",
        "remark": label("card_remark_photos", photos=photos) if photos else label("card_remark_none"),
        "status": status_label(ticket.status),
        "urgent": label("card_urgent_mark") if ticket.urgent else "",
        "assignee": person_label(assignee),
        "photo_refs": list(ticket.photos),
    }


def _say(settings: Settings, key: str, **values: Any) -> str:
    return render(key, settings.community, **values)


def estimate_done_at(session: Session, settings: Settings, ticket: Ticket, now: datetime) -> datetime:
    """Median of how long recent tickets of this category took; the configured hours until
    there is enough history to go on."""
    rows = session.execute(
        select(Ticket.created_at, Ticket.done_at)
        .where(Ticket.kind == ticket.kind, Ticket.category == ticket.category, Ticket.status == Status.DONE)
        .where(Ticket.done_at.is_not(None))
        .order_by(Ticket.done_at.desc())
        .limit(50)
    ).all()
    spans = [(d - c).total_seconds() for c, d in rows if c and d]
    if len(spans) >= 3:
        return now + timedelta(seconds=statistics.median(spans))
    return now + timedelta(hours=settings.tickets.resolution_hours.get(category_key(ticket), 24))


def _reporters(session: Session, ticket: Ticket) -> list[Person]:
    people = [session.get(Person, ticket.reporter_id)] if ticket.reporter_id else []
    return [p for p in people if p] + store.followers(session, ticket)


def tell_residents(session: Session, settings: Settings, ticket: Ticket, text: str, now: datetime) -> None:
    settings = scoped(session, settings, ticket)
    for person in _reporters(session, ticket):
        notify.to_resident(
            session, settings, person, text, now,
            title=label("ticket_updated_title", status=status_label(ticket.status)), number=ticket.number,
            status=status_label(ticket.status),
        )


def push_card(session: Session, settings: Settings, ticket: Ticket, to: Person | None, prefix: str = "",
              now: datetime | None = None) -> None:
    settings = scoped(session, settings, ticket)
    values = card_values(session, settings, ticket)
    text = _say(settings, "staff_card", **values)
    notify.to_staff(session, settings, to, prefix + text, card=values, now=now)


# ---------------------------------------------------------------- opening


def open_ticket(session: Session, settings: Settings, draft: Draft, reporter: Person | None, now: datetime) -> Ticket:
    """A new ticket, or the one this resident opened for the same fault a moment ago (see
    bot.tickets.limits); raises TicketLimitReached past the hourly number of tickets."""
    same = ticket_limits.same_fault(session, settings, reporter, draft.kind, draft.category, now)
    if same is not None:
        return same
    if draft.kind != "praise":
        ticket_limits.check_hourly(session, settings, reporter, now)
    community_id = draft.community_id or _community_of(session, draft, reporter)
    settings = settings_for(session, settings, community_id)
    ticket = Ticket(
        community_id=community_id,
        number=store.next_number(session, draft.kind, local(settings, now)),
        kind=draft.kind, category=draft.category, urgent=draft.urgent, description=draft.description,
        area=draft.area, house_id=draft.house_id, building=draft.building, place=draft.place,
        reporter_id=reporter.id if reporter else None, contact_phone=draft.contact_phone,
        preferred_time=draft.preferred_time, photos=list(draft.photos), created_at=now, updated_at=now,
    )
    session.add(ticket)
    session.flush()
    store.add_event(session, ticket, "created", reporter, now, draft.description[:500])
    if draft.kind == "praise":
        ticket.status = Status.CLOSED
        return ticket
    assignee = routing.choose_assignee(session, draft.kind, draft.category, draft.building, community_id)
    if assignee is not None:
        ticket.assignee_id = assignee.id
        store.add_event(session, ticket, "assigned", None, now, person_label(assignee))
        push_card(session, settings, ticket, assignee, now=now)
    if draft.urgent:
        values = card_values(session, settings, ticket)
        for sup in routing.supervisors(session, draft.category, draft.building, community_id):
            if sup.id != ticket.assignee_id:
                notify.to_staff(session, settings, sup, _say(settings, "staff_urgent_card", **values), card=values,
                                now=now)
    schedule_escalations(session, settings, ticket, now)
    return ticket


def _community_of(session: Session, draft: Draft, reporter: Person | None) -> int:
    house = session.get(House, draft.house_id) if draft.house_id else None
    if house is not None and house.community_id is not None:
        return house.community_id
    return communities.home_of(session, reporter)


def schedule_escalations(session: Session, settings: Settings, ticket: Ticket, now: datetime, round_: int = 0) -> None:
    t = settings.tickets
    accept_in = t.urgent_accept_minutes if ticket.urgent else t.accept_minutes
    suffix = f":{round_}" if round_ else ""
    jobs.schedule(session, JobKind.ESCALATE_ACCEPT, ticket.id, now + timedelta(minutes=accept_in),
                  f"escalate_accept:{ticket.id}{suffix}", {"minutes": accept_in})
    hours = t.resolution_hours.get(category_key(ticket), 24)
    jobs.schedule(session, JobKind.ESCALATE_RESOLVE, ticket.id, now + timedelta(hours=hours),
                  f"escalate_resolve:{ticket.id}{suffix}", {"hours": hours})


# ---------------------------------------------------------------- staff moves


def may_move(ticket: Ticket, actor: Person) -> bool:
    """The assignee, or a supervisor or manager of the ticket's community (or the company's)."""
    if ticket.assignee_id == actor.id:
        return True
    ids = communities.ids_of(actor)
    return actor.role in ("supervisor", "manager") and (not ids or ticket.community_id in ids)


def accept(session: Session, settings: Settings, ticket: Ticket, actor: Person, now: datetime) -> str:
    settings = scoped(session, settings, ticket)
    if ticket.assignee_id != actor.id:
        ticket.assignee_id = actor.id  # a supervisor taking it on becomes the assignee
    ticket.status, ticket.accepted_at, ticket.updated_at = Status.ACCEPTED, now, now
    ticket.expected_done_at = estimate_done_at(session, settings, ticket, now)
    store.add_event(session, ticket, "accepted", actor, now)
    jobs.cancel(session, JobKind.ESCALATE_ACCEPT, ticket.id)  # type: ignore[arg-type]
    eta = local(settings, ticket.expected_done_at).strftime("%m月%d日 %H:%M")
    tell_residents(session, settings, ticket, _say(
        settings, "resident_accepted", number=ticket.number, assignee=person_label(actor),
        phone=actor.phone or settings.community.hotline, eta=eta,
    ), now)
    return _say(settings, "staff_accepted", number=ticket.number)


def arrive(session: Session, settings: Settings, ticket: Ticket, actor: Person, now: datetime) -> str:
    settings = scoped(session, settings, ticket)
    if ticket.accepted_at is None:
        ticket.accepted_at = now
        jobs.cancel(session, JobKind.ESCALATE_ACCEPT, ticket.id)  # type: ignore[arg-type]
    ticket.status, ticket.arrived_at, ticket.updated_at = Status.ON_SITE, now, now
    store.add_event(session, ticket, "arrived", actor, now)
    tell_residents(session, settings, ticket, _say(
        settings, "resident_arrived", number=ticket.number, assignee=person_label(actor)), now)
    return _say(settings, "staff_arrived", number=ticket.number)


def finish(session: Session, settings: Settings, ticket: Ticket, actor: Person, note: str, now: datetime) -> str:
    settings = scoped(session, settings, ticket)
    if ticket.accepted_at is None:
        ticket.accepted_at = now
    ticket.status, ticket.done_at, ticket.updated_at = Status.DONE, now, now
    store.add_event(session, ticket, "done", actor, now, note)
    jobs.cancel(session, JobKind.ESCALATE_ACCEPT, ticket.id)  # type: ignore[arg-type]
    jobs.cancel(session, JobKind.ESCALATE_RESOLVE, ticket.id)  # type: ignore[arg-type]
    tell_residents(session, settings, ticket, _say(
        settings, "resident_done" if ticket.kind == "repair" else "resident_done_other", number=ticket.number, note=note or label("done_note_none")), now)
    # The 回访 is the surveys domain's, scheduled through a job written in this transaction,
    # so a completion can never commit without its survey (and tickets import no survey code).
    jobs.schedule(session, JobKind.SURVEY_SCHEDULE, ticket.id, now,
                  f"survey_schedule:{ticket.id}:{ticket.reopen_count}", {"round": ticket.reopen_count})
    return _say(settings, "staff_done", number=ticket.number, minutes=settings.tickets.proof_photo_minutes)


def transfer(session: Session, settings: Settings, ticket: Ticket, actor: Person, to: Person, now: datetime) -> str:
    settings = scoped(session, settings, ticket)
    ticket.assignee_id, ticket.updated_at = to.id, now
    ticket.status = Status.OPEN  # the new assignee has to accept it
    store.add_event(session, ticket, "transferred", actor, now, person_label(to))
    card = _say(settings, "staff_card", **card_values(session, settings, ticket))
    notify.to_staff(session, settings, to, _say(
        settings, "staff_transfer_push", by=person_label(actor), number=ticket.number, card=card),
        card=card_values(session, settings, ticket), now=now)
    tell_residents(session, settings, ticket, _say(
        settings, "resident_transferred", number=ticket.number, assignee=person_label(to),
        phone=to.phone or settings.community.hotline), now)
    return _say(settings, "staff_transferred", number=ticket.number, to=person_label(to))


def cancel_by_resident(session: Session, settings: Settings, ticket: Ticket, actor: Person, now: datetime) -> None:
    settings = scoped(session, settings, ticket)
    ticket.status, ticket.cancelled_at, ticket.updated_at = Status.CANCELLED, now, now
    store.add_event(session, ticket, "cancelled", actor, now)
    jobs.cancel(session, JobKind.ESCALATE_ACCEPT, ticket.id)  # type: ignore[arg-type]
    jobs.cancel(session, JobKind.ESCALATE_RESOLVE, ticket.id)  # type: ignore[arg-type]
    if ticket.assignee_id:
        notify.to_staff(session, settings, session.get(Person, ticket.assignee_id), _say(
            settings, "cancel_push", number=ticket.number, place=ticket.place or "-",
            description=ticket.description[:60]), now=now)


def nudge(session: Session, settings: Settings, ticket: Ticket, actor: Person, now: datetime) -> str:
    """催单: remind the assignee (or the dispatchers when nobody has it), at most once per interval."""
    settings = scoped(session, settings, ticket)
    interval = timedelta(minutes=settings.tickets.nudge_interval_minutes)
    assignee = session.get(Person, ticket.assignee_id) if ticket.assignee_id else None
    last = ticket.last_nudged_at
    if last is not None and now - last < interval:
        left = int((interval - (now - last)).total_seconds() // 60) + 1
        return _say(settings, "nudge_too_soon", number=ticket.number, assignee=person_label(assignee), minutes=left)
    ticket.last_nudged_at = now
    store.add_event(session, ticket, "nudged", actor, now)
    text = _say(settings, "nudge_push", number=ticket.number, place=ticket.place or "-",
                description=ticket.description[:60], waited=duration_label(now - ticket.created_at))
    targets = [assignee] if assignee else routing.supervisors(session, ticket.category, ticket.building,
                                                              ticket.community_id)
    for person in targets:
        notify.to_staff(session, settings, person, text, now=now)
    return _say(settings, "nudge_sent", number=ticket.number, assignee=person_label(assignee))
