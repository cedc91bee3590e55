"""Which channel a push to one person takes, under WeChat's rules since mid-2023.

- A customer-service (客服) text while the person's window allows it: a message they sent opens
  5 texts for 48 hours, a menu click, follow or scan 3 for one minute (45015 outside, 45047 over
  the count). The count is kept per openid in the database (`service_windows`), so every process
  shares it, and taken in the transaction that writes the outbox row.
- Else a template message, when one is configured for this kind of push.
- Else a subscribe message (订阅通知, `message/subscribe/bizsend`) where the person consented to
  its template (bot/outbound/consents.py); a one-time consent is used up by one message.
- Else a dead letter that says why (`wuye outbox list --status dead`).

A text that WeChat refuses with 45015/45047 anyway (the worker was down past the window, another
tool used the count) carries its template in the row and goes out as that instead. A subscribe
message WeChat refuses with 43101 ends the consent we counted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.outbound import consents, outbox
from bot.outbound.registry import Outcome, RefKind, Registry
from storage.models import InboundMessage, Outbox, Person, ServiceWindow

log = logging.getLogger("wuye.planner")


@dataclass(frozen=True)
class Scene:
    name: str
    span: timedelta
    quota: int


MESSAGE = Scene("message", timedelta(hours=48), 5)
EVENT = Scene("event", timedelta(minutes=1), 3)
# Events that open a (short) window; other events (view, location, unsubscribe) open none.
OPENING_EVENTS = ("subscribe", "click", "scan", "scancode_push", "scancode_waitmsg")
WINDOW_ERRCODES = frozenset({45015, 45047})


@dataclass
class Template:
    template_id: str
    data: dict[str, str]
    url: str | None = None


@dataclass
class Subscription:
    """A subscribe-message template filled in for one push; `once`: one-time consents."""

    template_id: str
    data: dict[str, str]
    page: str | None = None
    once: bool = True


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def window_opened(session: Session, openid: str, scene: Scene, now: datetime) -> datetime | None:
    """When the person's current window of this scene opened, if it is still open at `now`."""
    q = select(func.max(InboundMessage.received_at)).where(InboundMessage.openid == openid)
    if scene is MESSAGE:
        q = q.where(InboundMessage.msg_type != "event")
    else:
        q = q.where(InboundMessage.msg_type == "event", InboundMessage.event.in_(OPENING_EVENTS))
    opened = session.execute(q).scalar_one_or_none()
    if opened is None:
        return None
    if isinstance(opened, str):  # SQLite hands aggregates back untyped
        opened = datetime.fromisoformat(opened)
    return opened if now - _aware(opened) < scene.span else None


def _take(session: Session, openid: str, scene: Scene, opened: datetime) -> bool:
    """One message of the window, atomically: a conditional UPDATE is a row lock on PostgreSQL
    and runs under the write lock on SQLite, so two processes can't both take the fifth."""
    w = ServiceWindow
    key = and_(w.openid == openid, w.scene == scene.name)
    for _ in range(2):
        same = session.execute(
            update(w).where(key, w.opened_at == opened, w.used < scene.quota).values(used=w.used + 1)
        )
        if same.rowcount:
            return True
        newer = session.execute(update(w).where(key, w.opened_at < opened).values(opened_at=opened, used=1))
        if newer.rowcount:
            return True
        if session.execute(select(w.used).where(key)).first() is not None:
            return False  # this window's count is used up
        try:
            with session.begin_nested():
                session.execute(insert(w).values(openid=openid, scene=scene.name, opened_at=opened, used=1))
            return True
        except IntegrityError:
            continue  # another process opened the row first: count against it
    return False


def take_text_slot(session: Session, openid: str, now: datetime) -> str | None:
    """The scene whose window lets one more customer-service text through, taking it; else None."""
    for scene in (MESSAGE, EVENT):
        opened = window_opened(session, openid, scene, now)
        if opened is not None and _take(session, openid, scene, opened):
            return scene.name
    return None


def used_up(session: Session, openid: str) -> None:
    """WeChat said the window is closed or full: stop planning texts into it."""
    session.execute(update(ServiceWindow).where(ServiceWindow.openid == openid).values(used=MESSAGE.quota))


def _why(session: Session, openid: str, now: datetime, missing: str) -> str:
    opened = session.execute(
        select(func.max(InboundMessage.received_at)).where(
            InboundMessage.openid == openid, InboundMessage.msg_type != "event"
        )
    ).scalar_one_or_none()
    if opened is None:
        state = "they have never written to the account"
    elif window_opened(session, openid, MESSAGE, now) is None:
        state = "their last message was more than 48 hours ago"
    else:
        state = f"the {MESSAGE.quota} customer-service messages their last message allows are used up"
    return (f"no channel: a customer-service text can't reach {openid} ({state}) and {missing}; "
            f"set it, then `wuye outbox resend ID`")


def send(
    session: Session,
    person: Person | None,
    text: str,
    now: datetime,
    *,
    template: Template | None = None,
    prefer_template: bool = False,
    missing: str = "no template is configured",
    dedupe_key: str | None = None,
    subscribe: Subscription | None = None,
) -> Outbox | None:
    """Plan and enqueue one push; None when there is nobody to reach (unknown or unfollowed).

    Returns the outbox row: a text, a template, or a dead letter (status "dead") saying why."""
    if person is None or not person.openid or not person.active:
        return None  # WeChat would answer 43004
    openid = person.openid
    if dedupe_key is not None:
        existing = session.execute(select(Outbox).where(Outbox.dedupe_key == dedupe_key)).scalar_one_or_none()
        if existing is not None:
            return existing
    if template is not None and prefer_template:
        return _template(session, openid, template, dedupe_key)
    if take_text_slot(session, openid, now):
        row = outbox.enqueue_text(session, openid, text, dedupe_key=dedupe_key,
                                  ref=(RefKind.PUSH, person.id or 0))
        if template is not None:
            row.payload = {**row.payload, "fallback": _template_payload(openid, template)}
        return row
    if template is not None:
        return _template(session, openid, template, dedupe_key)
    if subscribe is not None:
        if consents.take(session, openid, subscribe.template_id, subscribe.once):
            return outbox.enqueue(session, kind="subscribe", endpoint=outbox.SUBSCRIBE_SEND,
                                  body=outbox.subscribe_body(openid, subscribe.template_id, subscribe.data,
                                                             subscribe.page),
                                  openid=openid, dedupe_key=dedupe_key, ref=(RefKind.PUSH, person.id or 0))
        missing += (f", and they have no consent left for the subscribe message {subscribe.template_id}"
                    " (they accept it in an H5 page or an article; a one-time consent allows one message)")
    row = Outbox(
        kind="text", openid=openid, status="dead", dedupe_key=dedupe_key,
        payload={"endpoint": outbox.CUSTOM_SEND, "body": outbox.text_body(openid, text)},
        last_error=_why(session, openid, now, missing), next_attempt_at=now,
    )
    session.add(row)
    session.flush()
    log.warning("outbox #%s dead on arrival: %s", row.id, row.last_error)
    return row


@dataclass
class Recipient:
    """One copy of a push to many (a notice): who, when it is due, what it is about."""

    openid: str
    due: datetime
    ref: tuple[str, int] | None = None
    dedupe_key: str | None = None


def send_many(
    session: Session,
    recipients: list[Recipient],
    text: str,
    now: datetime,
    *,
    template: Template | None = None,
    prefer_template: bool = False,
    missing: str = "no template is configured",
) -> list[Outbox]:
    """`send` for thousands at once, in order, one row each (a text, a template or a dead letter
    saying why), added in one flush; the windows are counted exactly as for a single push."""
    rows: list[Outbox] = []
    for r in recipients:
        ref_kind, ref_id = r.ref if r.ref else (None, None)
        text_payload = {"endpoint": outbox.CUSTOM_SEND, "body": outbox.text_body(r.openid, text)}
        status, error = "pending", None
        if template is not None and prefer_template:
            kind, payload = "template", _template_payload(r.openid, template)
        elif take_text_slot(session, r.openid, now):
            kind, payload = "text", text_payload
            if template is not None:
                payload = {**payload, "fallback": _template_payload(r.openid, template)}
        elif template is not None:
            kind, payload = "template", _template_payload(r.openid, template)
        else:
            kind, payload = "text", text_payload
            status, error = "dead", _why(session, r.openid, now, missing)
        rows.append(Outbox(kind=kind, openid=r.openid, payload=payload, status=status, last_error=error,
                           dedupe_key=r.dedupe_key, next_attempt_at=r.due, ref_kind=ref_kind, ref_id=ref_id))
    return outbox.enqueue_fresh(session, rows)


def _template_payload(openid: str, t: Template) -> dict[str, Any]:
    return {"endpoint": outbox.TEMPLATE_SEND, "body": outbox.template_body(openid, t.template_id, t.data, t.url)}


def _template(session: Session, openid: str, t: Template, dedupe_key: str | None) -> Outbox:
    return outbox.enqueue_template(session, openid, t.template_id, t.data, url=t.url, dedupe_key=dedupe_key)


def on_result(session: Session, row: Outbox, outcome: Outcome) -> None:
    """A text refused for the window goes out as its template instead; a subscribe message
    refused for want of consent ends the consent we counted."""
    if row.kind == "subscribe" and outcome.status == "dead" and outcome.errcode == consents.NO_CONSENT and row.openid:
        template_id = str(((row.payload or {}).get("body") or {}).get("template_id") or "")
        consents.revoke(session, row.openid, template_id, datetime.now(UTC))
        return
    if outcome.status != "dead" or outcome.errcode not in WINDOW_ERRCODES or not row.openid:
        return
    used_up(session, row.openid)
    fallback = (row.payload or {}).get("fallback")
    if not fallback:
        return
    key = f"{row.dedupe_key}:template" if row.dedupe_key else f"push:{row.id}:template"
    outbox.enqueue(session, kind="template", endpoint=fallback["endpoint"], body=fallback["body"],
                   openid=row.openid, dedupe_key=key)


def install(registry: Registry) -> None:
    registry.on_result(RefKind.PUSH, on_result)
