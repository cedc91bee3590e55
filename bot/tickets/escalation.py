"""Response-time standards: a ticket nobody accepted in time goes to the supervisor; one not done
within its category's hours goes to the manager. Each fires once (job dedupe keys)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.communities.scope import settings_for
from bot.config import Settings
from bot.outbound import notify
from bot.tickets import routing
from bot.tickets.flow import person_label
from bot.tickets.status import Status, is_open, status_label
from replies import render
from storage import tickets as store
from storage.models import Job, Person, Ticket


def escalate_accept(session: Session, settings: Settings, job: Job, now: datetime) -> None:
    ticket = session.get(Ticket, job.ref_id)
    if ticket is None or ticket.status != Status.OPEN:
        return  # accepted, done or cancelled in time
    settings = settings_for(session, settings, ticket.community_id)
    assignee = session.get(Person, ticket.assignee_id) if ticket.assignee_id else None
    text = render("escalate_accept", settings.community, number=ticket.number, category=ticket.category,
                  place=ticket.place or "-", minutes=job.payload.get("minutes", ""), assignee=person_label(assignee))
    targets = [p for p in routing.supervisors(session, ticket.category, ticket.building, ticket.community_id)
               if p.id != ticket.assignee_id]
    for person in targets or routing.managers(session, ticket.community_id):
        notify.to_staff(session, settings, person, text, dedupe_key=f"job:{job.id}:{person.id}", now=now)
    store.add_event(session, ticket, "escalated", None, now, "超时未接单 → 主管")


def escalate_resolve(session: Session, settings: Settings, job: Job, now: datetime) -> None:
    ticket = session.get(Ticket, job.ref_id)
    if ticket is None or not is_open(ticket.status):
        return
    settings = settings_for(session, settings, ticket.community_id)
    assignee = session.get(Person, ticket.assignee_id) if ticket.assignee_id else None
    text = render("escalate_resolve", settings.community, number=ticket.number, category=ticket.category,
                  place=ticket.place or "-", hours=job.payload.get("hours", ""),
                  status=status_label(ticket.status), assignee=person_label(assignee))
    for person in routing.managers(session, ticket.community_id):
        notify.to_staff(session, settings, person, text, dedupe_key=f"job:{job.id}:{person.id}", now=now)
    store.add_event(session, ticket, "escalated", None, now, "超时未完成 → 经理")


def overdue(settings: Settings, ticket: Any, now: datetime) -> str:
    """Which response-time standard an open ticket has missed ("" for none): the same limits the
    escalation jobs fire on, read off the ticket so a list can sort by them. `ticket` is a Ticket
    or any row with its status, kind, category, urgent and created_at."""
    from datetime import timedelta

    from bot.tickets.flow import category_key

    if ticket.status not in store.OPEN_STATUSES:
        return ""
    t = settings.tickets
    created = ticket.created_at
    if ticket.status == "open":
        accept_in = t.urgent_accept_minutes if ticket.urgent else t.accept_minutes
        if now - created > timedelta(minutes=accept_in):
            return "超时未接单"
    if now - created > timedelta(hours=t.resolution_hours.get(category_key(ticket), 24)):
        return "超时未完成"
    return ""
