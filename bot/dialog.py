"""From a parsed WeChat message to the text the bot answers, inside one transaction."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session
from wechatpy.messages import BaseMessage

from bot.events import handle_event
from bot.handlers import Turn, dispatch
from bot.services import Services
from intents.model import Context
from replies import render
from storage import conversations, people

MEDIA_REPLIES = {
    "image": "image_received",
    "location": "location_received",
    "link": "link_received",
}


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


def respond(session: Session, services: Services, msg: BaseMessage, now: datetime) -> str | None:
    community = services.settings.community
    if raw_type(msg) == "event":
        return handle_event(session, services, msg, raw_event(msg), now)
    person = people.touch(session, msg.source, now)
    text = message_text(msg)
    if text is None:
        if msg.type == "voice":
            return render("voice_unrecognised", community)
        return render(MEDIA_REPLIES.get(msg.type, "unsupported"), community)
    conv = conversations.get_pending(session, msg.source, now)
    context = Context(
        pending=conv.kind if conv else None,
        faq_choices=tuple(conv.state.get("choices", ()))
        if conv and conv.kind == "faq_choice"
        else (),
        data=dict(conv.state) if conv else {},
    )
    intent = services.nlu.understand(text, context)
    return dispatch(Turn(session, services, person, text, intent, conv, now))
