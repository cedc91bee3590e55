"""Answer from the FAQ: directly when sure, as a numbered choice when not."""

from __future__ import annotations

from datetime import timedelta

from bot.handlers.base import Turn
from replies import fill
from storage import conversations

CHOICE_TTL = timedelta(minutes=10)


def handle(turn: Turn) -> str | None:
    nlu = turn.services.nlu
    if turn.intent.faq_id and (entry := nlu.entry(turn.intent.faq_id)):
        if turn.conversation is not None and turn.conversation.kind == "faq_choice":
            conversations.clear(turn.session, turn.openid)
        return fill(entry.answer, turn.services.settings.community)
    choices = [e for fid in turn.intent.candidates[:3] if (e := nlu.entry(fid))]
    if not choices:
        return turn.say("fallback")
    conversations.set_pending(
        turn.session,
        turn.openid,
        "faq_choice",
        {"choices": [e.id for e in choices]},
        turn.now,
        CHOICE_TTL,
    )
    listing = "\n".join(f"{i}. {e.question}" for i, e in enumerate(choices, start=1))
    return turn.say("faq_choices", choices=listing)
