"""取消报修 [number]: cancel an open ticket before the work is done, and tell the assignee."""

from __future__ import annotations

from bot.dialogue.turn import Turn
from bot.tickets import flow as ticket_flow
from bot.tickets.status import Move, Status, allowed
from storage import tickets as store


def handle(turn: Turn) -> str | None:
    number = turn.intent.slots.get("ticket_no")
    if number:
        ticket = store.by_number(turn.session, number)
        if ticket is None or ticket.reporter_id != turn.person.id:
            return turn.say("cancel_not_found", number=f" {number}")
        if ticket.status == Status.DONE:
            return turn.say("cancel_too_late", number=ticket.number)
        if not allowed(Move.CANCEL, ticket.status):
            return turn.say("cancel_not_found", number=f" {number}")
    else:
        mine = [t for t in store.open_for_reporter(turn.session, turn.person) if t.reporter_id == turn.person.id]
        if not mine:
            return turn.say("cancel_not_found", number="")
        if len(mine) > 1:
            return turn.say("cancel_which", example=mine[0].number)
        ticket = mine[0]
    ticket_flow.cancel_by_resident(turn.session, turn.settings, ticket, turn.person, turn.now)
    return turn.say("cancel_done", number=ticket.number)
