"""Notice the messages the bot was unsure about and keep them for review (storage/nlu_review.py).

Called once per answered turn from the policy, after the route has answered. A message
becomes a review item when:
- it was read as unknown (the fallback answered it);
- a numbered FAQ menu was offered and the next message picked none of it;
- an FAQ answer was followed within REVIEW_WINDOW by a request for a person, "不是这个" or
  a rephrasing of the same question (the item is the question that was answered);
- a half-filled form was dropped ("算了" inside a repair or complaint form).
Recording shares the turn's transaction (a SAVEPOINT under pysqlite would end it early) and
only adds rows, read and written by openid; an error is logged, never raised, so at worst
the turn's commit fails and the inbox lets WeChat's retry run it again.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

from rapidfuzz import fuzz

from bot.dialogue.turn import Turn
from storage import nlu_review

log = logging.getLogger("wuye.review")

# How soon after an FAQ answer a complaint about it or a rephrasing counts against it:
# a resident who read the answer and moved on writes about something else.
REVIEW_WINDOW = timedelta(minutes=5)
# Two questions this alike (rapidfuzz ratio of the normalised texts) are one asked again.
REPHRASE_SIMILARITY = 45
NOT_THIS = re.compile(r"不是这个|不是我问的|答非所问|没用|不对|没回答|看不懂|说的不是")


def _reading(turn: Turn) -> dict[str, Any]:
    i = turn.intent
    return {"intent": i.name, "confidence": i.confidence, "faq_id": i.faq_id,
            "candidates": list(i.candidates[:3])}


def observe(turn: Turn, route: str) -> None:
    if not turn.has_words or turn.command is not None or not turn.text.strip():
        return
    try:
        _observe(turn, route)
    except Exception:  # the review is a by-product; never lose the reply over it
        log.exception("review: could not record the turn of %s", turn.openid)


def _observe(turn: Turn, route: str) -> None:
    openid, text, intent, now = turn.openid, turn.text, turn.intent, turn.now
    conv = turn.conversation
    previous = nlu_review.last_reading(turn.session, openid)
    recent = previous is not None and now - _aware(previous.at, now) <= REVIEW_WINDOW
    picked = intent.name == "faq" and intent.confidence >= 1.0 and intent.faq_id is not None
    if recent and previous is not None and previous.offered and not picked and (
        conv is None or conv.kind == "faq_choice"
    ):
        nlu_review.record(turn.session, openid, previous.text, "menu_not_picked",
                          {"intent": "faq", "candidates": previous.offered}, now)
    elif recent and previous is not None and previous.faq_id and _rejects(turn, previous.text):
        nlu_review.record(turn.session, openid, previous.text, "faq_rejected",
                          {"intent": "faq", "faq_id": previous.faq_id}, now)
    if route == "by_intent" and intent.name == "unknown":
        nlu_review.record(turn.session, openid, text, "unknown", _reading(turn), now)
    if intent.name == "cancel_ticket" and intent.slots.get("cancels") == "pending" and conv is not None:
        started = str((conv.state or {}).get("text") or (conv.state or {}).get("description") or text)
        nlu_review.record(turn.session, openid, started, "form_abandoned",
                          {**_reading(turn), "form": conv.kind}, now)
    offered = list(intent.candidates[:3]) if intent.name == "faq" and not intent.faq_id else []
    answered = intent.faq_id if intent.name == "faq" and route == "by_intent" else None
    nlu_review.remember(turn.session, openid, text, intent.name, answered, offered, now,
                        previous, looked_up=True)


def _rejects(turn: Turn, previous_text: str) -> bool:
    """转人工, "不是这个", or the same question asked again in other words."""
    if turn.intent.name == "human" or NOT_THIS.search(turn.text):
        return True
    if turn.intent.name not in ("faq", "unknown") or turn.text == previous_text:
        return False
    a, b = nlu_review.group_key(turn.text), nlu_review.group_key(previous_text)
    return a != b and fuzz.ratio(a, b) >= REPHRASE_SIMILARITY


def _aware(at: Any, now: Any) -> Any:
    # SQLite hands back naive datetimes; they were stored in UTC
    if at.tzinfo is None and now.tzinfo is not None:
        return at.replace(tzinfo=now.tzinfo)
    return at
