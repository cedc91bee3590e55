"""Out of scope, gibberish, or something the bot can't do yet: a friendly way forward."""

from __future__ import annotations

from bot.dialogue.turn import Turn


def handle(turn: Turn) -> str | None:
    return turn.say("fallback")
