"""我的报修 / 进度怎么样: open tickets with status, assignee and time waiting; 催单 nudges."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.dialogue.turn import Turn
from bot.tickets import flow as ticket_flow
from bot.tickets.status import kind_label, status_label
from intents.nudge import is_nudge
from storage import tickets as store
from storage.models import Person, Ticket

# 我的报修 also lists what was finished lately, with how it ended: "no open tickets" right after
# the work was done reads as if the ticket were lost.
FINISHED_DAYS = 30
FINISHED_SHOWN = 5


def _pick(turn: Turn, open_: list[Ticket]) -> Ticket | None:
    number = turn.intent.slots.get("ticket_no")
    if number:
        return next((t for t in open_ if t.number == number), None)
    return open_[0] if open_ else None


def _one(turn: Turn, number: str) -> str:
    """The status of one ticket the person reported, follows, or (staff) works on."""
    ticket = store.by_number(turn.session, number)
    related = ticket is not None and (
        ticket.reporter_id == turn.person.id
        or turn.person.role in ("staff", "supervisor", "manager")
        or any(p.id == turn.person.id for p in store.followers(turn.session, ticket))
    )
    if ticket is None or not related:
        return turn.say("status_unknown_number", number=number)
    return _line(turn, ticket)


def _line(turn: Turn, ticket: Ticket) -> str:
    assignee = turn.session.get(Person, ticket.assignee_id) if ticket.assignee_id else None
    return turn.say(
        "status_line", number=ticket.number,
        category=ticket.category if ticket.kind == "repair" else kind_label(ticket.kind),
        status=status_label(ticket.status),
        assignee=ticket_flow.person_label(assignee) if assignee else turn.say("status_unassigned"),
        waited=ticket_flow.duration_label(turn.now - ticket.created_at),
    )


def handle(turn: Turn) -> str | None:
    number = turn.intent.slots.get("ticket_no")
    if number and not is_nudge(turn.text):
        return _one(turn, number)
    open_ = store.open_for_reporter(turn.session, turn.person)
    if open_ and is_nudge(turn.text):
        ticket = _pick(turn, open_)
        if ticket is not None:
            return ticket_flow.nudge(turn.session, turn.settings, ticket, turn.person, turn.now)
    finished = _finished(turn)
    if not open_ and not finished:
        return turn.say("status_none")
    lines = [turn.say("status_header")] if open_ else [turn.say("status_none_open")]
    lines += [_line(turn, t) for t in open_]
    if finished:
        lines.append(turn.say("status_finished_header", days=FINISHED_DAYS))
        lines += [_finished_line(turn, t) for t in finished]
    lines.append(turn.say("status_footer" if open_ else "status_footer_finished"))
    return "\n".join(lines)


def _finished(turn: Turn) -> list[Ticket]:
    since = turn.now - timedelta(days=FINISHED_DAYS)
    return list(turn.session.execute(
        select(Ticket).where(Ticket.reporter_id == turn.person.id, Ticket.kind.in_(("repair", "complaint", "human")))
        .where(Ticket.status.not_in([str(s) for s in store.OPEN_STATUSES]), Ticket.updated_at >= since)
        .order_by(Ticket.updated_at.desc()).limit(FINISHED_SHOWN)
    ).scalars())


def _finished_line(turn: Turn, ticket: Ticket) -> str:
    when = ticket.done_at or ticket.cancelled_at or ticket.updated_at
    return turn.say(
        "status_finished_line", number=ticket.number,
        category=ticket.category if ticket.kind == "repair" else kind_label(ticket.kind),
        status=status_label(ticket.status),
        when=ticket_flow.local(turn.settings, when).strftime("%m月%d日"),
    )
