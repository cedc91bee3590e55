from __future__ import annotations

from bot.dialogue.turn import Turn


def handle(turn: Turn) -> str | None:
    return turn.say("chitchat")
