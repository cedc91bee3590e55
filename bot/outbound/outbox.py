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
SUBSCRIBE_SEND = "message/subscribe/bizsend"
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
    method: str = "post",
) -> Outbox:
    """Add a row; with a dedupe_key, enqueueing the same thing twice returns the first row.

    `ref` ("notice_delivery", 17) names what the message is about, for delivery.on_result hooks.
    `method` "get" sends `body` as query parameters (look-ups such as tags/get)."""
    if dedupe_key is not None:
        existing = session.execute(
            select(Outbox).where(Outbox.dedupe_key == dedupe_key)
        ).scalar_one_or_none()
        if existing is not None:
            return existing
    payload: dict[str, Any] = {"endpoint": endpoint, "body": body}
    if method != "post":
        payload["method"] = method
    row = Outbox(
        kind=kind,
        openid=openid,
        payload=payload,
        dedupe_key=dedupe_key,
        next_attempt_at=due or utcnow(),
        ref_kind=ref[0] if ref else None,
        ref_id=ref[1] if ref else None,
    )
    session.add(row)
    session.flush()
    return row


def text_body(openid: str, content: str) -> dict[str, Any]:
    return {"touser": openid, "msgtype": "text", "text": {"content": content}}


def _filled_template(
    openid: str, template_id: str, data: dict[str, str], link_key: str, link: str | None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "touser": openid,
        "template_id": template_id,
        "data": {k: {"value": v} for k, v in data.items()},
    }
    if link:
        body[link_key] = link
    return body


def template_body(
    openid: str, template_id: str, data: dict[str, str], url: str | None = None
) -> dict[str, Any]:
    return _filled_template(openid, template_id, data, "url", url)


def subscribe_body(
    openid: str, template_id: str, data: dict[str, str], page: str | None = None
) -> dict[str, Any]:
    """`message/subscribe/bizsend`: like a template message, with `page` for the link."""
    return _filled_template(openid, template_id, data, "page", page)


def enqueue_text(
    session: Session,
    openid: str,
    content: str,
    dedupe_key: str | None = None,
    due: datetime | None = None,
    ref: tuple[str, int] | None = None,
) -> Outbox:
    return enqueue(
        session, kind="text", endpoint=CUSTOM_SEND, body=text_body(openid, content), openid=openid,
        dedupe_key=dedupe_key, due=due, ref=ref,
    )


def enqueue_template(
    session: Session,
    openid: str,
    template_id: str,
    data: dict[str, str],
    url: str | None = None,
    dedupe_key: str | None = None,
    ref: tuple[str, int] | None = None,
    due: datetime | None = None,
) -> Outbox:
    return enqueue(
        session,
        kind="template",
        endpoint=TEMPLATE_SEND,
        body=template_body(openid, template_id, data, url),
        openid=openid,
        dedupe_key=dedupe_key,
        due=due,
        ref=ref,
    )


def enqueue_mass_text_by_tag(
    session: Session,
    tag_id: int | None,
    content: str,
    dedupe_key: str | None = None,
    ref: tuple[str, int] | None = None,
    client_msg_id: str | None = None,
) -> Outbox:
    # wechatpy 1.8.18 sends the retired `group_id`; WeChat's API wants `tag_id` (or is_to_all).
    filt: dict[str, Any] = {"is_to_all": tag_id is None}
    if tag_id is not None:
        filt["tag_id"] = tag_id
    body: dict[str, Any] = {"filter": filt, "msgtype": "text", "text": {"content": content}}
    if client_msg_id:
        # WeChat refuses a repeated clientmsgid (45065): a retry after a lost answer can't
        # send the same mass message twice.
        body["clientmsgid"] = client_msg_id
    return enqueue(
        session, kind="mass_tag", endpoint=MASS_SENDALL, body=body, dedupe_key=dedupe_key, ref=ref
    )


def enqueue_fresh(session: Session, rows: list[Outbox]) -> list[Outbox]:
    """Add many new rows at once (a notice to thousands). Unlike `enqueue`, no look-up per
    dedupe_key: the caller's keys are new, and the unique constraint still refuses a repeat."""
    session.add_all(rows)
    session.flush()
    return rows
