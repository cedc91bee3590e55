"""From a parsed WeChat message to the text the bot answers, inside one transaction.

The policy is one ordered table of named routes (as Rasa chooses a dialogue policy by stated
priority). Each route has a `match` that looks at the turn and a `handle` that answers it; the
first route that matches and answers (a route that may decline returns None) wins. The order is
the design, and each step has its reason:

1. media and staff commands first: they are not resident talk at all;
2. what must never wait behind a half-filled form: an emergency, a call for a person, a binding,
   a 回访 answer. Each pending form states which of these it lets through (`Pending.lets_through`):
   a repair form lets all of them through, a manager's notice draft none (its text is the notice);
3. the pending form keeps everything else, and handles give-up ("算了不修了") and corrections;
4. a fresh reading: reopen, ticket number, nudge, outage, then by what the words mean, where a
   reading too weak to open a ticket asks instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session
from wechatpy.messages import BaseMessage

from bot.console import chat as console_chat
from bot.dialogue import chitchat, fallback, faq, human, review
from bot.dialogue.turn import Handler, Turn
from bot.notices import form_chat as notice_form
from bot.notices import outage
from bot.notices import outage_chat as outage_form
from bot.notices import query_chat as notice_query
from bot.people import bind_chat as bind
from bot.services import Services
from bot.surveys import chat as survey_chat
from bot.surveys import staff_chat as survey_staff
from bot.tickets import cancel_chat, praise, staff_chat, status_chat
from bot.tickets import complaint_form as complaint
from bot.tickets import repair_form as repair
from bot.tickets.limits import TicketLimitReached
from bot.wechat import media
from bot.wechat.events import handle_event
from bot.wechat.message import message_text, raw_event, raw_type
from intents.model import Context, Intent
from intents.normalize import cjk_count
from intents.nudge import is_nudge
from intents.slots import repair_category
from intents.staff_commands import parse_staff_command
from intents.survey import read_survey_answer
from intents.thresholds import (
    HUMAN_MIN_CONFIDENCE,
    TICKET_FLOOR_WITH_REQUEST,
    TICKET_MIN_CONFIDENCE,
)
from intents.urgency import is_emergency
from replies import render
from storage import conversations, people, tickets
from storage.models import Conversation

MEDIA_REPLIES = {
    "image": "image_received",
    "location": "location_received",
    "link": "link_received",
}

# The routes a resident's message may take past a pending form (see the module docstring).
URGENT, HUMAN, BIND, SURVEY = "urgent_report", "human_handoff", "bind_request", "survey_answer"
EVERY_WAY_OUT = frozenset({URGENT, HUMAN, BIND, SURVEY})


@dataclass(frozen=True)
class Pending:
    handler: Handler
    lets_through: frozenset[str]


# A pending conversation of each kind: the handler its next message goes to, and which routes
# may answer before it.
FORMS: dict[str, Pending] = {
    repair.FORM: Pending(repair.continue_form, EVERY_WAY_OUT),
    repair.URGENT_FOLLOWUP: Pending(repair.urgent_place, EVERY_WAY_OUT),
    complaint.FORM: Pending(complaint.continue_form, EVERY_WAY_OUT),
    bind.FORM: Pending(bind.continue_form, frozenset({URGENT, HUMAN, SURVEY})),
    notice_form.FORM: Pending(notice_form.continue_form, frozenset()),  # the next message is the notice
    outage_form.FORM: Pending(outage_form.continue_form, EVERY_WAY_OUT),
    survey_chat.COMMENT_FORM: Pending(survey_chat.continue_comment, frozenset({URGENT, HUMAN, BIND, SURVEY})),
}
# A numbered FAQ menu ("faq_choice") is no form: the NLU reads a number as a pick, and anything
# else is a new message.

# The handler for each intent, when no route before the last one claimed the message.
INTENTS: dict[str, Handler] = {
    "repair": repair.handle,
    "complaint": complaint.handle,
    "praise": praise.handle,
    "faq": faq.handle,
    "ticket_status": status_chat.handle,
    "cancel_ticket": cancel_chat.handle,
    "notice_query": notice_query.handle,
    "human": human.handle,
    "bind": bind.handle,
    "chitchat": chitchat.handle,
    "unknown": fallback.handle,
}

# Intents a current outage/maintenance notice may answer before the FAQ does.
OUTAGE_QUESTIONS = ("faq", "notice_query", "unknown", "chitchat")
# Readings a nudge may get from the words alone, before the dialogue knows a ticket is open.
NUDGE_READINGS = frozenset({"unknown", "chitchat", "complaint", "faq"})


@dataclass(frozen=True)
class Route:
    name: str
    claims: str  # in words: what this route takes, for readers and for the test of the order
    match: Callable[[Turn], bool]
    handle: Handler
    # A route that may decline answers None to let the next route try (an outage question with
    # no outage in force); for the others None means "no reply".
    may_decline: bool = False


def _image(turn: Turn) -> str | None:
    media.keep(turn.session, turn.settings, turn.openid, turn.raw, turn.now)
    conv = turn.conversation
    if conv is not None and conv.kind == repair.FORM:
        return repair.add_photo(turn, turn.media_url)
    if conv is not None and conv.kind == "proof" and turn.person.role in staff_chat.STAFF_ROLES:
        conversations.clear(turn.session, turn.openid)
        return staff_chat.attach_proof(turn.session, turn.settings, turn.person,
                                       int(conv.state["ticket_id"]), turn.media_url, turn.now)
    return turn.say("image_received")


def _no_words(turn: Turn) -> str:
    if turn.msg_type == "voice":
        return turn.say("voice_unrecognised")
    return turn.say(MEDIA_REPLIES.get(turn.msg_type, "unsupported"))


def _staff_command(turn: Turn) -> str:
    assert turn.command is not None
    settings = turn.settings
    if turn.command.action == "help":
        return turn.say("staff_help")
    if turn.command.action == "recovered":
        return survey_staff.mark_recovered(turn.session, settings, turn.person, turn.command, turn.now)
    return staff_chat.handle_command(turn.session, settings, turn.person, turn.command, turn.now)


def _as_status(turn: Turn) -> str | None:
    turn.intent = Intent("ticket_status", max(turn.intent.confidence, 0.8), slots=turn.intent.slots)
    return status_chat.handle(turn)


def _pending_form(turn: Turn) -> str | None:
    assert turn.conversation is not None
    reply = FORMS[turn.conversation.kind].handler(turn)
    if reply is None:  # the form let the message through: answer it as a new one
        turn.conversation = None
    return reply


def _past_form(name: str) -> Callable[[Turn], bool]:
    """Whether a route may answer with the pending form (if any) still open."""
    def allowed(turn: Turn) -> bool:
        conv = turn.conversation
        return conv is None or conv.kind not in FORMS or name in FORMS[conv.kind].lets_through
    return allowed


def _is_emergency(turn: Turn) -> bool:
    return turn.has_words and turn.person.role not in staff_chat.STAFF_ROLES and is_emergency(turn.text)


def _emergency(turn: Turn) -> str | None:
    return repair.emergency(turn)


def _asks_for_person(turn: Turn) -> bool:
    return turn.has_words and human.asks_for_person(turn.text)


def _hand_off(turn: Turn) -> str | None:
    if turn.conversation is not None and turn.conversation.kind in FORMS:
        conversations.clear(turn.session, turn.openid)  # a person takes over from the form
    return human.handle(turn)


def _binds(turn: Turn) -> bool:
    return turn.has_words and bind.is_request(turn.text)


def _survey_answer(turn: Turn) -> bool:
    """A rating while a 回访 is open, unless a newer question of the bot's is what it answers."""
    survey = turn.open_survey
    if survey is None or turn.intent.rating is None:
        return False
    if turn.intent.name == "repair" and repair_category(turn.text) and not survey_chat.is_clearly_rating(turn.text):
        return False  # "客厅灯不亮了 上次师傅修得不错": a new fault, with a kind word on the side
    conv = turn.conversation
    if conv is None or conv.kind == survey_chat.COMMENT_FORM:
        return True
    asked_at = survey_chat.asked_at(survey)
    if asked_at is not None and conv.updated_at <= asked_at:
        return True  # the survey came after the menu or the form: the answer is the survey's
    # the form or menu is newer: only an unmistakable rating goes past it ("5分", "非常满意")
    return survey_chat.is_clearly_rating(turn.text)


def _outage_notice(turn: Turn):  # type: ignore[no-untyped-def]
    return outage.matching(turn.session, turn.settings, turn.person, turn.text, turn.now)


def _outage_answer(turn: Turn) -> str | None:
    notice = _outage_notice(turn)
    if notice is None:
        later = outage.upcoming(turn.session, turn.services.settings, turn.person, turn.text, turn.now)
        return outage_form.question_before_outage(turn, *later) if later is not None else None
    # "还是要报修" after the answer opens the repair from what was first said
    outage_form.remember(turn, notice)
    return notice_query.answer_outage(turn, notice)


def _instead_of_ticket(turn: Turn) -> str | None:
    notice = _outage_notice(turn)
    if notice is not None:
        return outage_form.instead_of_ticket(turn, notice)
    later = outage.upcoming(turn.session, turn.services.settings, turn.person, turn.text, turn.now)
    if later is None:
        return None
    # a real fault before a planned outage: the repair goes ahead, and the resident hears the two
    # are unrelated (otherwise they wait for a window that has not even begun)
    reply = _by_intent(turn)
    return outage_form.not_yet(turn, *later) + "\n" + reply if reply else reply


# Intents that open a ticket. How sure a reading must be to open one (with or without a word
# that asks for it, and for a hand-off) is calibrated in intents/thresholds.py: "全体" read as
# a complaint at 0.35, or "3栋" as a repair, get a question back.
TICKET_INTENTS = ("repair", "complaint", "praise", "human")
# A ticket needs a request: this many characters of words besides an address and a phone, or a
# word that asks for one.
TICKET_MIN_WORDS = 3
_ASKS_FOR_TICKET = re.compile(
    r"报修|维修|修|投诉|举报|反映|表扬|感谢|谢谢|点赞|辛苦|坏|漏|堵|不亮|没水|没电|吵|噪|扰民|脏|乱|臭|味|占|"
    r"装修|态度|没人管|不管|收费|乱停|垃圾|狗|蚊|虫|老鼠|渗|裂|掉|响|卡|停"
)


def _too_weak(turn: Turn) -> bool:
    intent = turn.intent
    if intent.name not in TICKET_INTENTS or intent.slots.get("urgent"):
        return False
    if intent.name == "human":
        return not human.asks_for_person(turn.text) and (
            intent.confidence < HUMAN_MIN_CONFIDENCE or cjk_count(repair.describe(turn.text)) < TICKET_MIN_WORDS)
    if _ASKS_FOR_TICKET.search(turn.text):
        return intent.confidence < TICKET_FLOOR_WITH_REQUEST
    return cjk_count(repair.describe(turn.text)) < TICKET_MIN_WORDS or intent.confidence < TICKET_MIN_CONFIDENCE


def _by_intent(turn: Turn) -> str | None:
    if _too_weak(turn):
        return turn.say("clarify") if turn.intent.name != "praise" else chitchat.handle(turn)
    return INTENTS.get(turn.intent.name, fallback.handle)(turn)


ROUTES: tuple[Route, ...] = (
    Route("image", "a photo: added to the open repair form, kept as a staff member's proof of work, else acknowledged",
          lambda t: t.msg_type == "image", _image),
    Route("no_words", "voice WeChat could not transcribe, locations, links and other media",
          lambda t: t.msg_type != "image" and not t.has_words, _no_words),
    Route("staff_command", "接单/到场/完成/转派/我的工单/已回访 from staff, supervisors and managers",
          lambda t: t.command is not None, _staff_command),
    Route("console_link", "后台: a one-time sign-in link to the web console, pushed to staff",
          lambda t: t.has_words and console_chat.is_request(t.text), console_chat.handle),
    Route("publish_notice", "发布通知: a manager starts composing a notice",
          lambda t: t.has_words and notice_form.is_start(t.text), notice_form.start),
    Route(URGENT, "an emergency (gas smell, people trapped, a burst pipe, fire), even asked as a question: "
          "a ticket at once, past any form that lets it through",
          lambda t: _is_emergency(t) and _past_form(URGENT)(t), _emergency, may_decline=True),
    Route(HUMAN, "转人工 / 找客服: a call-back ticket, and the form (if any) is dropped",
          lambda t: _asks_for_person(t) and _past_form(HUMAN)(t), _hand_off),
    Route(BIND, "绑定 3栋2单元501 手机号: binding, after which an open repair form carries on",
          lambda t: _binds(t) and _past_form(BIND)(t), bind.handle_request),
    Route(SURVEY, "a rating while a 回访 survey is open, past a stale menu or an older form",
          lambda t: _survey_answer(t) and _past_form(SURVEY)(t), survey_chat.answer),
    Route("pending_form", "the next message of an open form (repair, complaint, binding, notice, outage, "
          "the survey's comment, an FAQ menu); the form handles give-up and corrections itself",
          lambda t: t.conversation is not None and t.conversation.kind in FORMS, _pending_form,
          may_decline=True),
    Route("reopen", "没修好 / 又坏了 about a ticket done in the last days: the work is redone",
          survey_chat.is_reopen_of_recent, survey_chat.reopen),
    Route("bare_ticket_number", "a ticket number alone: how that ticket stands",
          lambda t: t.intent.name in ("unknown", "chitchat") and bool(t.intent.slots.get("ticket_no"))
          and not is_nudge(t.text), _as_status),
    Route("nudge", "催一下 / 还要等多久 from someone with an open ticket",
          lambda t: t.intent.name in NUDGE_READINGS and is_nudge(t.text)
          and bool(tickets.open_for_reporter(t.session, t.person)), _as_status),
    Route("outage_question", "a question an announced outage answers (今天停水吗)",
          lambda t: t.intent.name in OUTAGE_QUESTIONS, _outage_answer, may_decline=True),
    Route("repair_during_outage", "家里没水了 during an announced 停水: the notice, unless they insist",
          lambda t: t.intent.name == "repair" and not t.intent.slots.get("urgent"), _instead_of_ticket,
          may_decline=True),
    Route("by_intent", "everything else, by what the words mean", lambda t: True, _by_intent),
)


def route(turn: Turn) -> tuple[str, str | None]:
    """The name of the route that answered, and its answer."""
    for r in ROUTES:
        if r.match(turn):
            reply = r.handle(turn)
            if reply is not None or not r.may_decline:
                return r.name, reply
    raise AssertionError("the last route matches everything")


def respond(session: Session, services: Services, msg: BaseMessage, now: datetime) -> str | None:
    if raw_type(msg) == "event":
        return handle_event(session, services, msg, raw_event(msg), now)
    turn = read(session, services, msg, now)
    try:
        name, reply = route(turn)
    except TicketLimitReached:
        # One person's flood of reports is not a flood of work orders: a person answers it.
        conversations.clear(session, msg.source)
        return turn.say("tickets_hourly_limit", limit=services.settings.limits.tickets_per_hour)
    review.observe(turn, name)  # messages the bot was unsure about, kept for labelling
    return reply


def read(session: Session, services: Services, msg: BaseMessage, now: datetime) -> Turn:
    """Everything the routes look at. Read and understand first, write last: on SQLite the write
    lock is taken at the first write and held to the commit, so the NLU must not run under it."""
    conv = conversations.get_pending(session, msg.source, now)
    msg_type = msg.type if msg.type != "unknown" else raw_type(msg)
    text = message_text(msg) if msg_type != "image" else None
    known = people.by_openid(session, msg.source)
    is_staff = known is not None and known.role in staff_chat.STAFF_ROLES
    command = parse_staff_command(text) if text and is_staff else None
    open_survey = survey_chat.open_for(session, known, now) if known is not None else None
    intent = Intent("unknown", 0.0)
    if text is not None and command is None:
        if notice_form.is_start(text):
            intent = Intent("notice_query", 1.0)  # "发布通知" is a command, not a question
        else:
            context = Context(
                pending=conv.kind if conv else ("survey" if open_survey else None),
                faq_choices=_offered_choices(conv),
                data=dict(conv.state) if conv else {},
            )
            intent = services.nlu.understand(text, context)
        if open_survey is not None and command is None:
            # read as an answer to the survey whatever else is pending: the route decides
            intent.rating, intent.has_comment = read_survey_answer(text)
    person = people.touch(session, msg.source, now, known, looked_up=True)
    return Turn(
        session, services, person, text or "", intent, conv, now,
        msg_type=msg_type, has_words=text is not None,
        media_url=str(msg._data.get("PicUrl") or msg._data.get("MediaId") or ""),
        raw=dict(msg._data), command=command, open_survey=open_survey,
    )


def _offered_choices(conv: Conversation | None) -> tuple[str, ...]:
    """FAQ ids the resident was last offered as a numbered list, if a reply may pick one."""
    if conv is None:
        return ()
    key = "choices" if conv.kind == "faq_choice" else "faq_choices"  # a form keeps its own
    return tuple(conv.state.get(key) or ())


__all__ = ["FORMS", "INTENTS", "ROUTES", "Route", "read", "render", "respond", "route"]
