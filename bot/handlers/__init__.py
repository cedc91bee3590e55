"""One module per intent; HANDLERS maps intent names to them."""

from __future__ import annotations

from bot.handlers import (
    bind,
    cancel_ticket,
    chitchat,
    complaint,
    fallback,
    faq,
    human,
    notice_query,
    praise,
    repair,
    ticket_status,
)
from bot.handlers.base import Handler, Turn

HANDLERS: dict[str, Handler] = {
    "repair": repair.handle,
    "complaint": complaint.handle,
    "praise": praise.handle,
    "faq": faq.handle,
    "ticket_status": ticket_status.handle,
    "cancel_ticket": cancel_ticket.handle,
    "notice_query": notice_query.handle,
    "human": human.handle,
    "bind": bind.handle,
    "chitchat": chitchat.handle,
    "unknown": fallback.handle,
}


def dispatch(turn: Turn) -> str | None:
    return HANDLERS.get(turn.intent.name, fallback.handle)(turn)


__all__ = ["HANDLERS", "Turn", "dispatch"]
