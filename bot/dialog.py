"""From a parsed WeChat message to the text the bot answers, inside one transaction."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session
from wechatpy.messages import BaseMessage

from bot import outage, survey
from bot.events import handle_event
from bot.handlers import Turn, bind, complaint, dispatch, notice_form, notice_query, repair, staff
from bot.handlers import outage as outage_form
from bot.services import Services
from intents.model import Context, Intent
from intents.nudge import is_nudge
from intents.reopen import is_reopen
from intents.staff_commands import parse_staff_command
from replies import render
from storage import conversations, people, tickets
from storage.models import Conversation, Person, Survey, Ticket

MEDIA_REPLIES = {
    "image": "image_received",
    "location": "location_received",
    "link": "link_received",
}

# Open conversations that take over the next message.
FORMS = {
    repair.FORM: repair.continue_form,
    repair.URGENT_FOLLOWUP: repair.urgent_place,
    complaint.FORM: complaint.continue_form,
    bind.FORM: bind.continue_form,
    notice_form.FORM: notice_form.continue_form,
    outage_form.FORM: outage_form.continue_form,
}
# Intents a current outage/maintenance notice may answer before the FAQ does.
OUTAGE_QUESTIONS = ("faq", "notice_query", "unknown", "chitchat")

# readings a nudge may get from the words alone, before the dialogue knows a ticket is open
_NUDGE_READINGS = frozenset({"unknown", "chitchat", "complaint", "faq"})


def raw_type(msg: BaseMessage) -> str:
    """MsgType as WeChat sent it (wechatpy reports types it doesn't know as "unknown")."""
    return str(msg._data.get("MsgType") or msg.type or "unknown").lower()


def raw_event(msg: BaseMessage) -> str:
    return str(msg._data.get("Event") or "").lower()


def message_text(msg: BaseMessage) -> str | None:
    """The words in a message: its text, or what WeChat heard in a voice message."""
    if msg.type == "text":
        return msg.content or ""
    if msg.type == "voice":
        return (getattr(msg, "recognition", None) or "").strip() or None
    return None


def _image(session: Session, services: Services, msg: BaseMessage, person: Person,
           conv: Conversation | None, now: datetime) -> str:
    url = str(msg._data.get("PicUrl") or msg._data.get("MediaId") or "")
    turn = Turn(session, services, person, "", Intent("unknown", 0.0), conv, now)
    if conv is not None and conv.kind == repair.FORM:
        return repair.add_photo(turn, url)
    if conv is not None and conv.kind == "proof" and person.role in staff.STAFF_ROLES:
        conversations.clear(session, person.openid or "")
        return staff.attach_proof(session, services.settings, person, int(conv.state["ticket_id"]), url, now)
    return render("image_received", services.settings.community)


def _survey_answer(turn: Turn, open_survey: Survey) -> str:
    settings = turn.services.settings
    rating = turn.intent.rating
    assert rating is not None
    comment = turn.text.strip() if turn.intent.has_comment else ""
    reply = survey.answer(turn.session, settings, open_survey, turn.person, rating, comment, turn.now)
    ticket = turn.session.get(Ticket, open_survey.ticket_id)
    if rating <= 2 and is_reopen(turn.text) and ticket is not None and ticket.status == "done":
        # "不满意，又漏了": the fault is back, so the work is redone as well as followed up.
        reply += "\n" + survey.reopen(turn.session, settings, ticket, turn.person, turn.text, turn.now)
    return reply


def respond(session: Session, services: Services, msg: BaseMessage, now: datetime) -> str | None:
    community = services.settings.community
    if raw_type(msg) == "event":
        return handle_event(session, services, msg, raw_event(msg), now)
    # Read and understand first, write last: on SQLite the write lock is taken at the first
    # write and held to the commit, so the NLU must not run while holding it.
    conv = conversations.get_pending(session, msg.source, now)
    text = message_text(msg) if msg.type != "image" else None
    known = people.by_openid(session, msg.source)
    command = parse_staff_command(text) if text and known and known.role in staff.STAFF_ROLES else None
    open_survey = survey.open_for(session, known, now) if known is not None and conv is None else None
    intent = None
    publish = text is not None and command is None and notice_form.is_start(text)
    if publish:
        intent = Intent("notice_query", 1.0)  # "发布通知" is a command, not a question
    elif text is not None and command is None:
        context = Context(
            pending=conv.kind if conv else ("survey" if open_survey else None),
            faq_choices=_offered_choices(conv),
            data=dict(conv.state) if conv else {},
        )
        intent = services.nlu.understand(text, context)

    person = people.touch(session, msg.source, now, known)
    if msg.type == "image":
        return _image(session, services, msg, person, conv, now)
    if text is None:
        if msg.type == "voice":
            return render("voice_unrecognised", community)
        return render(MEDIA_REPLIES.get(msg.type, "unsupported"), community)
    if command is not None:
        return staff.handle_command(session, services.settings, person, command, now)
    assert intent is not None
    turn = Turn(session, services, person, text, intent, conv, now)
    if publish:
        return notice_form.start(turn)
    if conv is not None and conv.kind in FORMS:
        return FORMS[conv.kind](turn)
    if open_survey is not None and intent.rating is not None:
        return _survey_answer(turn, open_survey)
    if is_reopen(text) and (done := survey.recently_done(session, services.settings, person, now)):
        return survey.reopen(session, services.settings, done, person, text, now)
    if intent.name in ("unknown", "chitchat") and intent.slots.get("ticket_no") and not is_nudge(text):
        # A bare ticket number: the resident wants to know how it stands.
        turn.intent = Intent("ticket_status", max(intent.confidence, 0.8), slots=intent.slots)
    elif intent.name in _NUDGE_READINGS and is_nudge(text) and tickets.open_for_reporter(session, person):
        # "催一下" means something only to someone waiting on a ticket; "还要等多久" may read
        # as an FAQ question (repair response times) to someone who is not waiting.
        turn.intent = Intent("ticket_status", max(intent.confidence, 0.8), slots=intent.slots)
    elif turn.intent.name in OUTAGE_QUESTIONS and (notice := outage.matching(session, services.settings, person, text, now)):
        return notice_query.answer_outage(turn, notice)
    elif (turn.intent.name == "repair" and not intent.slots.get("urgent")
          and (notice := outage.matching(session, services.settings, person, text, now))):
        # "家里没水了" during an announced 停水: the notice, not a ticket (unless they insist).
        return outage_form.instead_of_ticket(turn, notice)
    return dispatch(turn)


def _offered_choices(conv: Conversation | None) -> tuple[str, ...]:
    """FAQ ids the resident was last offered as a numbered list, if a reply may pick one."""
    if conv is None:
        return ()
    key = "choices" if conv.kind == "faq_choice" else "faq_choices"  # a form keeps its own
    return tuple(conv.state.get(key) or ())
