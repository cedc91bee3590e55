"""One module per intent; HANDLERS maps intent names to them."""

from __future__ import annotations

from bot.handlers import chitchat, desk, fallback, faq, human
from bot.handlers.base import Handler, Turn

HANDLERS: dict[str, Handler] = {
    "faq": faq.handle,
    "chitchat": chitchat.handle,
    "human": human.handle,
    "unknown": fallback.handle,
    **{
        name: desk.handle
        for name in (
            "repair",
            "complaint",
            "praise",
            "ticket_status",
            "cancel_ticket",
            "notice_query",
            "bind",
        )
    },
}


def dispatch(turn: Turn) -> str | None:
    return HANDLERS.get(turn.intent.name, fallback.handle)(turn)


__all__ = ["HANDLERS", "Turn", "dispatch"]
