"""转人工: an RG call-back request to the desk, with office-hours or after-hours wording."""

from __future__ import annotations

from bot.config import parse_hours
from bot.dialogue.turn import Turn
from bot.tickets import flow as ticket_flow


def in_office_hours(turn: Turn) -> bool:
    start, end = parse_hours(turn.services.settings.community.office_hours)
    t = ticket_flow.local(turn.services.settings, turn.now)
    minute = t.hour * 60 + t.minute
    return start <= minute < end if start <= end else (minute >= start or minute < end)


def handle(turn: Turn) -> str | None:
    draft = ticket_flow.Draft(kind="human", description=turn.text, category="人工",
                              contact_phone=turn.intent.slots.get("phone") or turn.person.phone)
    ticket = ticket_flow.open_ticket(turn.session, turn.services.settings, draft, turn.person, turn.now)
    key = "human_created_office" if in_office_hours(turn) else "human_created_after"
    return turn.say(key, number=ticket.number)
