from __future__ import annotations

from bot.handlers.base import Turn


def handle(turn: Turn) -> str | None:
    return turn.say("chitchat")
