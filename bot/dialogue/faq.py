"""Answer from the FAQ: directly when sure, as a numbered choice when not."""

from __future__ import annotations

from datetime import timedelta

from bot.dialogue.turn import Turn
from replies import fill
from storage import communities, conversations
from storage import faq as faq_store

CHOICE_TTL = timedelta(minutes=10)


def handle(turn: Turn) -> str | None:
    nlu = turn.services.nlu
    if turn.intent.faq_id and (entry := nlu.entry(turn.intent.faq_id)):
        if turn.conversation is not None and turn.conversation.kind == "faq_choice":
            conversations.clear(turn.session, turn.openid)
        # Fees, office hours, parking differ: the resident's community's own answer when it has one.
        answer = faq_store.answer_for(turn.session, entry.id, communities.home_of(turn.session, turn.person),
                                      entry.answer)
        if answer is None:  # another community's own question
            return turn.say("fallback")
        return fill(answer, turn.settings.community)
    ids, listing = offer(turn)
    if not ids:
        return turn.say("fallback")
    conversations.set_pending(turn.session, turn.openid, "faq_choice", {"choices": ids}, turn.now, CHOICE_TTL)
    return listing


def offer(turn: Turn) -> tuple[list[str], str]:
    """The intent's FAQ candidates that exist, and the "您是想问: 1… 2… 3…" text offering them."""
    shown = faq_store.visible(turn.session, list(turn.intent.candidates[:3]),
                              communities.home_of(turn.session, turn.person))
    choices = [e for fid in shown if (e := turn.services.nlu.entry(fid))]
    listing = "\n".join(f"{i}. {e.question}" for i, e in enumerate(choices, start=1))
    return [e.id for e in choices], turn.say("faq_choices", choices=listing)
