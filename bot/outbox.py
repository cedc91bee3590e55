"""Writing outbound WeChat calls as outbox rows, inside the caller's transaction.

Nothing here talks to the network; `bot.worker` delivers the rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from storage.clock import utcnow
from storage.models import Outbox

CUSTOM_SEND = "message/custom/send"
TEMPLATE_SEND = "message/template/send"
MASS_SENDALL = "message/mass/sendall"


def enqueue(
    session: Session,
    *,
    kind: str,
    endpoint: str,
    body: dict[str, Any],
    openid: str | None = None,
    dedupe_key: str | None = None,
    due: datetime | None = None,
    ref: tuple[str, int] | None = None,
) -> Outbox:
    """Add a row; with a dedupe_key, enqueueing the same thing twice returns the first row.

    `ref` ("notice_delivery", 17) names what the message is about, for delivery.on_result hooks."""
    if dedupe_key is not None:
        existing = session.execute(
            select(Outbox).where(Outbox.dedupe_key == dedupe_key)
        ).scalar_one_or_none()
        if existing is not None:
            return existing
    row = Outbox(
        kind=kind,
        openid=openid,
        payload={"endpoint": endpoint, "body": body},
        dedupe_key=dedupe_key,
        next_attempt_at=due or utcnow(),
        ref_kind=ref[0] if ref else None,
        ref_id=ref[1] if ref else None,
    )
    session.add(row)
    session.flush()
    return row


def enqueue_text(
    session: Session, openid: str, content: str, dedupe_key: str | None = None
) -> Outbox:
    body = {"touser": openid, "msgtype": "text", "text": {"content": content}}
    return enqueue(
        session, kind="text", endpoint=CUSTOM_SEND, body=body, openid=openid, dedupe_key=dedupe_key
    )


def enqueue_template(
    session: Session,
    openid: str,
    template_id: str,
    data: dict[str, str],
    url: str | None = None,
    dedupe_key: str | None = None,
    ref: tuple[str, int] | None = None,
) -> Outbox:
    body: dict[str, Any] = {
        "touser": openid,
        "template_id": template_id,
        "data": {k: {"value": v} for k, v in data.items()},
    }
    if url:
        body["url"] = url
    return enqueue(
        session,
        kind="template",
        endpoint=TEMPLATE_SEND,
        body=body,
        openid=openid,
        dedupe_key=dedupe_key,
    )


def enqueue_mass_text_by_tag(
    session: Session,
    tag_id: int | None,
    content: str,
    dedupe_key: str | None = None,
    ref: tuple[str, int] | None = None,
) -> Outbox:
    # wechatpy 1.8.18 sends the retired `group_id`; WeChat's API wants `tag_id` (or is_to_all).
    filt: dict[str, Any] = {"is_to_all": tag_id is None}
    if tag_id is not None:
        filt["tag_id"] = tag_id
    body = {"filter": filt, "msgtype": "text", "text": {"content": content}}
    return enqueue(
        session, kind="mass_tag", endpoint=MASS_SENDALL, body=body, dedupe_key=dedupe_key
    )
