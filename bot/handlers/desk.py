"""Intents whose chat flow is not built yet: hand the person to the service desk by phone."""

from __future__ import annotations

from bot.handlers.base import Turn


def handle(turn: Turn) -> str | None:
    return turn.say("desk")
