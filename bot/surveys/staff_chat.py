"""已回访 BX… 说明: a supervisor closes the service recovery a low score opened."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.config import Settings
from bot.surveys import flow as survey
from bot.tickets import flow as ticket_flow
from bot.tickets.staff_chat import find_ticket
from intents.staff_commands import StaffCommand
from replies import render
from storage.models import Person


def mark_recovered(session: Session, settings: Settings, person: Person, cmd: StaffCommand, now: datetime) -> str:
    found = find_ticket(session, settings, person, cmd)
    if isinstance(found, str):
        return found
    ticket = found
    if person.role not in ("supervisor", "manager") and ticket.assignee_id != person.id:
        assignee = session.get(Person, ticket.assignee_id) if ticket.assignee_id else None
        return render("staff_refused", settings.community, number=ticket.number,
                      assignee=ticket_flow.person_label(assignee))
    return survey.mark_recovered(session, settings, ticket, person, cmd.note, now)
