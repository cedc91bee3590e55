"""The resident's side of the 回访: a rating while a survey is open, and 没修好 after the work."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from bot.dialogue import form_answers as answers
from bot.dialogue.turn import Turn
from bot.surveys import flow as survey
from bot.tickets.status import Move, allowed
from intents import extract_slots
from intents.normalize import normalize_surface
from intents.reopen import is_reopen
from storage import conversations
from storage.models import Person, Survey, Ticket

# After a middling or poor score the bot asks what was wrong: the next message is that comment.
COMMENT_FORM = "survey_comment"
COMMENT_TTL = timedelta(minutes=30)
ASKS_COMMENT_BELOW = 4
# A rating no other question of the bot's could be answered with: points, stars, 满意-words.
_CLEARLY_RATING = re.compile(r"\d\s*分|[一二两三四五壹贰叁肆伍]\s*分(?!钟)|颗?星|⭐|★|满意|好评|差评|打分|评分")
# "没有了", "没了", "就这些": nothing to add.
_NOTHING_MORE = re.compile(r"^(?:没有?了?|没什么了?|没啥了?|没别的了?|没有别的了?|就这些|就这样|没意见|都挺好的?|不用了|暂时没有)"
                           r"[\s,.!。~]*(?:谢谢|了|吧)?[\s,.!。~]*$")


def asked_at(open_survey: Survey) -> datetime | None:
    """When the bot last asked for this rating (the push or its reminder)."""
    return max((t for t in (open_survey.sent_at, open_survey.reminded_at) if t is not None), default=None)


def is_clearly_rating(text: str) -> bool:
    return bool(_CLEARLY_RATING.search(normalize_surface(text)))


def open_for(session: Session, person: Person, now: datetime) -> Survey | None:
    return survey.open_for(session, person, now)


def answer(turn: Turn) -> str:
    open_survey = turn.open_survey
    rating = turn.intent.rating
    assert open_survey is not None and rating is not None
    settings = turn.settings
    comment = turn.text.strip() if turn.intent.has_comment else ""
    if turn.conversation is not None and turn.conversation.kind == COMMENT_FORM:
        conversations.clear(turn.session, turn.openid)
    reply = survey.answer(turn.session, settings, open_survey, turn.person, rating, comment, turn.now)
    ticket = turn.session.get(Ticket, open_survey.ticket_id)
    if rating <= 2 and is_reopen(turn.text) and ticket is not None and allowed(Move.REOPEN, ticket.status):
        # "不满意，又漏了": the fault is back, so the work is redone as well as followed up.
        return reply + "\n" + survey.reopen(turn.session, settings, ticket, turn.person, turn.text, turn.now)
    if rating < ASKS_COMMENT_BELOW:
        # the reply asks what fell short (or who calls back): what comes next is the comment
        conversations.set_pending(turn.session, turn.openid, COMMENT_FORM, {"survey_id": open_survey.id},
                                  turn.now, COMMENT_TTL)
    return reply


def continue_comment(turn: Turn) -> str | None:
    """The resident's words after "还有哪里做得不够好？": the survey's comment, not a new ticket.
    A fault coming back, a question the FAQ answers or 我的报修 are let through."""
    assert turn.conversation is not None
    answered = turn.session.get(Survey, turn.conversation.state.get("survey_id"))
    conversations.clear(turn.session, turn.openid)
    if answered is None or not turn.has_words:
        return None
    if is_reopen(turn.text) and _recent(turn) is not None:
        return None
    if turn.intent.name in ("ticket_status", "cancel_ticket", "notice_query", "bind"):
        return None
    if turn.intent.name == "faq" and turn.intent.faq_id and turn.intent.confidence >= 0.8:
        return None
    if _NOTHING_MORE.match(normalize_surface(turn.text)) or answers.abandons(turn.text):
        return turn.say("survey_comment_none")
    survey.add_comment(turn.session, turn.settings, answered, turn.person, turn.text.strip(), turn.now)
    return turn.say("survey_comment_saved")


def is_reopen_of_recent(turn: Turn) -> bool:
    return turn.has_words and is_reopen(turn.text) and _recent(turn) is not None


def reopen(turn: Turn) -> str | None:
    done = _recent(turn)
    if done is None:
        return None
    return survey.reopen(turn.session, turn.settings, done, turn.person, turn.text, turn.now)


def _recent(turn: Turn) -> Ticket | None:
    """The ticket done in the last days that the words point at: "5栋电梯又坏了" is not about the
    1栋 lift, "卫生间又漏了" not about the kitchen tap."""
    slots = extract_slots(turn.text)
    for ticket in survey.recently_done(turn.session, turn.settings, turn.person, turn.now):
        if _points_at(turn.text, slots, ticket):
            return ticket
    return None


def _points_at(text: str, slots: dict[str, Any], ticket: Ticket) -> bool:
    if slots.get("building") and ticket.building and str(slots["building"]) != str(ticket.building):
        return False
    if slots.get("room") and ticket.place and str(slots["room"]) not in ticket.place:
        return False
    category = slots.get("category")
    if category and category != "其他" and ticket.category not in (category, "其他"):
        return False
    part = answers.home_part(text)
    said = f"{ticket.place}{ticket.description}"
    return not (part and answers.home_part(said) and part not in said)
