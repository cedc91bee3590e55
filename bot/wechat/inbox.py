"""Exactly-once handling of WeChat deliveries.

WeChat retries a message up to three times when it hears nothing within 5 s, with the same
MsgId. The first delivery claims (openid, MsgId) in `inbound_messages` with a short lease; the
work, the stored reply and the "done" mark commit together, and only while the claim is still
ours. So, whatever moment the process dies at:

* before the claim commits: nothing is stored and the retry claims it afresh;
* after the claim, before the work commits: the lease runs out and the retry takes the claim
  over and does the work (the dead holder committed nothing);
* after the work commits: the retry gets the stored reply.

A retry that arrives while the first delivery is still running waits (up to `retry_wait`) for
its reply rather than answering "success", because WeChat shows the resident nothing after
"success". A holder that outlives its lease loses the race at its commit and rolls back.

The reply budget: WeChat stops listening 5 s after it sent the message. When handling ran past
`[server] reply_budget_seconds`, the reply goes out as a customer-service message through the
outbox (in the same transaction) and the passive answer is "success", so that the resident gets
the answer once, whichever of the two WeChat would have shown. `Deferral` is that seam.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from wechatpy.messages import BaseMessage
from wechatpy.replies import TextReply

from bot.dialogue.policy import respond
from bot.services import Services
from bot.wechat import nonces
from bot.wechat.message import raw_event, raw_type, reply_xml
from bot.wechat.nonces import SignedUrl
from replies import render
from storage.clock import utcnow
from storage.models import InboundMessage

log = logging.getLogger("wuye.inbox")

NO_REPLY = "success"
POLL_SECONDS = 0.05
# Events whose repeat in the same second after another event of the same person is a new
# occurrence, not a retry (subscribe, unsubscribe, subscribe within one second).
_OCCURRENCE_SEP = "#"


def message_key(msg: BaseMessage) -> str | None:
    """(openid, MsgId) for messages: a MsgId is only unique per sender."""
    msg_id = msg._data.get("MsgId")
    if raw_type(msg) != "event" and msg_id:
        return f"msg:{msg.source}:{msg_id}"
    return None


def event_key(msg: BaseMessage) -> str:
    return f"evt:{msg.source}:{int(msg.time)}:{raw_event(msg)}"


def dedupe_key(msg: BaseMessage) -> str:
    return message_key(msg) or event_key(msg)


def _text_of(msg: BaseMessage) -> str:
    for attr in ("content", "recognition", "url", "label", "key"):
        value = getattr(msg, attr, None)
        if value:
            return str(value)
    return ""


@dataclass
class Claim:
    row_id: int
    token: str


def _limits(services: Services) -> tuple[float, float]:
    server = services.settings.server
    return float(server.claim_lease_seconds), float(server.retry_wait_seconds)


def process(
    services: Services, msg: BaseMessage, started: float | None = None, signed: SignedUrl | None = None
) -> str:
    """Returns the plaintext reply XML, or "success". `started` is when the request arrived
    (time.monotonic()), from which the reply budget counts. `signed`: the plain-mode URL to
    remember with the claim (raises nonces.Replayed if it came before with another body)."""
    started = time.monotonic() if started is None else started
    lease, wait = _limits(services)
    key = dedupe_key(msg) if message_key(msg) else _event_occurrence_key(services, msg)
    deadline = time.monotonic() + wait
    while True:
        held = _claim(services, msg, key, lease, signed)
        if held is None:
            held = _await_or_take_over(services, key, lease, deadline)
        if held is not None:
            break
        # The first attempt failed and released the claim while we looked: claim it afresh.
    if isinstance(held, str):
        return held
    return _handle(services, msg, held, started)


def _claim(
    services: Services, msg: BaseMessage, key: str, lease: float, signed: SignedUrl | None
) -> Claim | None:
    token = uuid.uuid4().hex
    now = utcnow()
    claim = (
        insert(InboundMessage)
        .values(
            dedupe_key=key, openid=msg.source or "", msg_type=raw_type(msg), event=raw_event(msg),
            content=_text_of(msg), status="processing", received_at=now,
            claim_token=token, lease_until=now + timedelta(seconds=lease), attempts=1,
        )
        .returning(InboundMessage.id)
    )
    with Session(services.engine) as session:
        if signed is not None and not nonces.record(session, signed):
            session.rollback()
            raise nonces.Replayed
        try:
            row_id = session.execute(claim).scalar_one()
            session.commit()
            return Claim(row_id, token)
        except IntegrityError:
            session.rollback()
            return None


def _await_or_take_over(
    services: Services, key: str, lease: float, deadline: float
) -> Claim | str | None:
    """A retry: the stored reply once the first delivery is done, the claim if its holder died,
    None if the claim was released (claim it afresh), or "success" if the holder is alive but
    still busy at `deadline` (it defers its reply)."""
    engine = services.engine
    while True:
        with Session(engine) as session:
            row = session.execute(
                select(
                    InboundMessage.id, InboundMessage.status, InboundMessage.reply,
                    InboundMessage.lease_until,
                ).where(InboundMessage.dedupe_key == key)
            ).one_or_none()
            if row is None:
                return None
            if row.status == "done":
                log.info("retry of %s answered from the stored reply", key)
                return row.reply or NO_REPLY
            now = utcnow()
            if row.lease_until is None or row.lease_until < now:
                token = uuid.uuid4().hex
                taken = session.execute(
                    update(InboundMessage)
                    .where(
                        InboundMessage.id == row.id,
                        InboundMessage.status == "processing",
                        (InboundMessage.lease_until.is_(None)) | (InboundMessage.lease_until < now),
                    )
                    .values(
                        claim_token=token, lease_until=now + timedelta(seconds=lease),
                        attempts=InboundMessage.attempts + 1,
                    )
                )
                session.commit()
                if taken.rowcount == 1:
                    log.warning("claim on %s had run out (holder died?); taken over", key)
                    return Claim(row.id, token)
        if time.monotonic() >= deadline:
            log.info("retry of %s: first delivery still running; it will send the reply", key)
            return NO_REPLY
        time.sleep(POLL_SECONDS)


def _handle(services: Services, msg: BaseMessage, claim: Claim, started: float) -> str:
    engine = services.engine
    budget = services.settings.server.reply_budget_seconds
    try:
        with Session(engine, expire_on_commit=False) as session:
            now = utcnow()
            if _flooding(services, msg):
                text: str | None = render("slow_down", services.settings.community)
            else:
                text = respond(session, services, msg, now)
            reply = reply_xml(msg, text) if text else NO_REPLY
            if text and time.monotonic() - started > budget:
                reply = defer_reply(session, msg, claim, text)
            finished = session.execute(
                update(InboundMessage)
                .where(
                    InboundMessage.id == claim.row_id,
                    InboundMessage.claim_token == claim.token,
                    InboundMessage.status == "processing",
                )
                .values(status="done", reply=reply, finished_at=now, lease_until=None)
            )
            if finished.rowcount != 1:
                # Our lease ran out and a retry took the claim over: its work is the one that counts.
                session.rollback()
                log.warning("lost the claim on inbound #%s to a retry; our work is dropped", claim.row_id)
                return _stored_reply(services, claim.row_id)
            session.commit()
            return reply
    except Exception:
        log.exception(
            "handling inbound #%s failed; the claim is released so that WeChat's retry tries again",
            claim.row_id,
        )
        # Nothing of the failed attempt was committed, so letting a retry in is safe.
        with Session(engine) as session:
            session.execute(
                delete(InboundMessage).where(
                    InboundMessage.id == claim.row_id, InboundMessage.claim_token == claim.token
                )
            )
            session.commit()
        return TextReply(message=msg, content=render("busy", services.settings.community)).render()


def _flooding(services: Services, msg: BaseMessage) -> bool:
    """Past the per-person message limit (events are WeChat's, not the person's typing)."""
    if raw_type(msg) == "event" or services.flood is None:
        return False
    return not services.flood.allow(msg.source or "")


def defer_reply(session: Session, msg: BaseMessage, claim: Claim, text: str) -> str:
    """Send `text` as a customer-service message instead of the passive reply (in the caller's
    transaction: it goes out only if the work commits); the passive answer becomes "success"."""
    from bot.outbound.outbox import enqueue_text

    enqueue_text(session, msg.source, text, dedupe_key=f"inbox-reply:{claim.row_id}")
    log.info("reply to inbound #%s deferred to a customer-service message", claim.row_id)
    return NO_REPLY


def _stored_reply(services: Services, row_id: int) -> str:
    with Session(services.engine) as session:
        row = session.execute(
            select(InboundMessage.status, InboundMessage.reply).where(InboundMessage.id == row_id)
        ).one_or_none()
    return row.reply if row is not None and row.status == "done" and row.reply else NO_REPLY


def _event_occurrence_key(services: Services, msg: BaseMessage) -> str:
    """Events have no MsgId: WeChat's retry repeats openid + CreateTime + Event. The same event
    again after another event of the same person in between (subscribe, unsubscribe, subscribe
    in one second) is a new occurrence, so it gets the next suffix."""
    base = event_key(msg)
    with Session(services.engine) as session:
        rows = session.execute(
            select(InboundMessage.dedupe_key)
            .where(InboundMessage.openid == (msg.source or ""))
            .where(InboundMessage.received_at >= utcnow() - timedelta(minutes=1))
            .order_by(InboundMessage.id.desc())
            .limit(20)
        ).scalars().all()
    rows = [k for k in rows if k.startswith("evt:")]
    if not rows:
        return base
    mine = [k for k in rows if k == base or k.startswith(base + _OCCURRENCE_SEP)]
    if not mine:
        return base
    latest_of_mine = mine[0]
    # rows are newest first: was something else from this person claimed after it?
    if rows[0] == latest_of_mine:
        return latest_of_mine  # nothing in between: a retry of that occurrence
    n = int(latest_of_mine.rsplit(_OCCURRENCE_SEP, 1)[1]) + 1 if _OCCURRENCE_SEP in latest_of_mine else 2
    return f"{base}{_OCCURRENCE_SEP}{n}"

