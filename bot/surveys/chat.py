"""The resident's side of the 回访: a rating while a survey is open, and 没修好 after the work."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.dialogue.turn import Turn
from bot.surveys import flow as survey
from bot.tickets.status import Move, allowed
from intents.reopen import is_reopen
from storage.models import Person, Survey, Ticket


def open_for(session: Session, person: Person, now: datetime) -> Survey | None:
    return survey.open_for(session, person, now)


def answer(turn: Turn) -> str:
    open_survey = turn.open_survey
    rating = turn.intent.rating
    assert open_survey is not None and rating is not None
    settings = turn.services.settings
    comment = turn.text.strip() if turn.intent.has_comment else ""
    reply = survey.answer(turn.session, settings, open_survey, turn.person, rating, comment, turn.now)
    ticket = turn.session.get(Ticket, open_survey.ticket_id)
    if rating <= 2 and is_reopen(turn.text) and ticket is not None and allowed(Move.REOPEN, ticket.status):
        # "不满意，又漏了": the fault is back, so the work is redone as well as followed up.
        reply += "\n" + survey.reopen(turn.session, settings, ticket, turn.person, turn.text, turn.now)
    return reply


def is_reopen_of_recent(turn: Turn) -> bool:
    return turn.has_words and is_reopen(turn.text) and _recent(turn) is not None


def reopen(turn: Turn) -> str | None:
    done = _recent(turn)
    if done is None:
        return None
    return survey.reopen(turn.session, turn.services.settings, done, turn.person, turn.text, turn.now)


def _recent(turn: Turn) -> Ticket | None:
    return survey.recently_done(turn.session, turn.services.settings, turn.person, turn.now)
