"""Staff move their tickets from chat: 接单 / 到场 / 完成 / 转派 / 我的工单."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from bot.config import Settings
from bot.tickets import flow as ticket_flow
from bot.tickets.status import allowed, status_label, verb_label
from intents.staff_commands import StaffCommand
from replies import label, render
from storage import conversations
from storage import tickets as store
from storage.models import Person, Ticket

STAFF_ROLES = ("staff", "supervisor", "manager")

def handle_command(session: Session, settings: Settings, person: Person, cmd: StaffCommand, now: datetime) -> str:
    def say(key: str, **kw: object) -> str:
        return render(key, settings.community, **kw)

    mine = store.open_for_assignee(session, person)
    if cmd.action == "mine":
        if not mine:
            return say("staff_mine_none")
        lines = [say("staff_mine_header", count=len(mine))]
        for t in mine:
            waited = ticket_flow.duration_label(now - t.created_at)
            lines.append(label("staff_mine_line", urgent=label("staff_mine_urgent") if t.urgent else "",
                               number=t.number, status=status_label(t.status), place=t.place or "-",
                               description=t.description[:20], waited=waited))
        return "\n".join(lines)

    found = find_ticket(session, settings, person, cmd, mine)
    if isinstance(found, str):
        return found
    ticket = found
    if not ticket_flow.may_move(ticket, person):
        assignee = session.get(Person, ticket.assignee_id) if ticket.assignee_id else None
        return say("staff_refused", number=ticket.number, assignee=ticket_flow.person_label(assignee))
    if not allowed(cmd.action, ticket.status):
        return say("staff_bad_state", number=ticket.number, status=status_label(ticket.status),
                   verb=verb_label(cmd.action))

    if cmd.action == "accept":
        return ticket_flow.accept(session, settings, ticket, person, now)
    if cmd.action == "arrive":
        return ticket_flow.arrive(session, settings, ticket, person, now)
    if cmd.action == "done":
        reply = ticket_flow.finish(session, settings, ticket, person, cmd.note, now)
        # A photo sent next is proof of work.
        conversations.set_pending(session, person.openid or "", "proof", {"ticket_id": ticket.id}, now,
                                  timedelta(minutes=settings.tickets.proof_photo_minutes))
        return reply
    from bot.tickets.routing import find_staff_by_name

    target = find_staff_by_name(session, cmd.note, ticket.community_id)
    if target is None:
        return say("staff_transfer_unknown", name=cmd.note or "?")
    return ticket_flow.transfer(session, settings, ticket, person, target, now)


def find_ticket(
    session: Session, settings: Settings, person: Person, cmd: StaffCommand, mine: list[Ticket] | None = None
) -> Ticket | str:
    """The ticket a command names, or the only one the person has open; else the reply that asks."""
    if mine is None:
        mine = store.open_for_assignee(session, person)
    if cmd.number:
        ticket = store.by_number(session, cmd.number)
        if ticket is None:
            return render("staff_not_found", settings.community, number=cmd.number)
        return ticket
    if len(mine) == 1:
        return mine[0]
    example = mine[0].number if mine else "BX2611220001"
    numbers = "、".join(t.number for t in mine) or label("staff_which_none")
    return render("staff_which", settings.community, verb=verb_label(cmd.action), example=example, numbers=numbers)


def attach_proof(session: Session, settings: Settings, person: Person, ticket_id: int, url: str, now: datetime) -> str:
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        return render("image_received", settings.community)
    ticket.photos = [*ticket.photos, url]
    store.add_event(session, ticket, "proof_photo", person, now, url)
    return render("staff_proof_added", settings.community, number=ticket.number)
