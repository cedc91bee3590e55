"""Exactly-once handling of WeChat deliveries.

WeChat retries a message up to three times when it hears nothing within 5 s. The first delivery
claims a unique key in `inbound_messages`; the work and the stored reply commit together; a retry
replays that reply, or answers "success" (WeChat's "no reply") while the first is still running.
"""

from __future__ import annotations

import logging

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from wechatpy.messages import BaseMessage
from wechatpy.replies import TextReply

from bot.dialogue.policy import respond
from bot.services import Services
from bot.wechat.message import raw_event, raw_type
from replies import render
from storage.clock import utcnow
from storage.models import InboundMessage

log = logging.getLogger("wuye.inbox")

NO_REPLY = "success"


def dedupe_key(msg: BaseMessage) -> str:
    msg_id = msg._data.get("MsgId")
    if raw_type(msg) != "event" and msg_id:
        return f"msg:{msg_id}"
    return f"evt:{msg.source}:{int(msg.time)}:{raw_event(msg)}"


def _text_of(msg: BaseMessage) -> str:
    for attr in ("content", "recognition", "url", "label", "key"):
        value = getattr(msg, attr, None)
        if value:
            return str(value)[:2000]
    return ""


def process(services: Services, msg: BaseMessage) -> str:
    """Returns the plaintext reply XML, or "success"."""
    key = dedupe_key(msg)
    engine = services.engine
    claim = (
        insert(InboundMessage)
        .values(
            dedupe_key=key, openid=msg.source or "", msg_type=raw_type(msg), event=raw_event(msg),
            content=_text_of(msg), status="processing", received_at=utcnow(),
        )
        .returning(InboundMessage.id)
    )
    with Session(engine) as session:
        try:
            row_id = session.execute(claim).scalar_one()
            session.commit()
        except IntegrityError:
            session.rollback()
            seen = session.execute(
                select(InboundMessage.status, InboundMessage.reply).where(InboundMessage.dedupe_key == key)
            ).one()
            log.info("retry of %s (%s)", key, seen.status)
            return seen.reply if seen.status == "done" and seen.reply else NO_REPLY

    try:
        with Session(engine, expire_on_commit=False) as session:
            now = utcnow()
            text = respond(session, services, msg, now)
            reply = TextReply(message=msg, content=text).render() if text else NO_REPLY
            session.execute(
                update(InboundMessage)
                .where(InboundMessage.id == row_id)
                .values(status="done", reply=reply, finished_at=now)
            )
            session.commit()
            return reply
    except Exception:
        log.exception(
            "handling %s failed; the claim is released so that WeChat's retry tries again", key
        )
        # Nothing of the failed attempt was committed, so letting a retry in is safe.
        with Session(engine) as session:
            session.execute(delete(InboundMessage).where(InboundMessage.id == row_id))
            session.commit()
        return TextReply(message=msg, content=render("busy", services.settings.community)).render()
