"""转人工: the hotline, with office-hours and after-hours wording."""

from __future__ import annotations

from bot.handlers.base import Turn


def handle(turn: Turn) -> str | None:
    return turn.say("human")
