"""Pushes to people, as outbox rows: a customer-service text inside WeChat's 48-hour window,
a template message outside it when one is configured."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from bot.config import Settings
from bot.outbound import outbox
from replies import fill
from storage.models import Outbox, Person

CS_WINDOW = timedelta(hours=48)


def in_window(person: Person, now: datetime) -> bool:
    last = person.last_inbound_at
    if last is None:
        return False
    return now - last < CS_WINDOW


def _fields(mapping: dict[str, str], settings: Settings, values: dict[str, Any]) -> dict[str, str]:
    return {k: fill(v, settings.community, **values).strip() for k, v in mapping.items()}


def _url(settings: Settings, number: str | None) -> str | None:
    return settings.push.detail_url.replace("{number}", number or "") if settings.push.detail_url else None


def to_resident(
    session: Session,
    settings: Settings,
    person: Person | None,
    text: str,
    now: datetime,
    *,
    title: str = "",
    number: str = "",
    status: str = "",
    dedupe_key: str | None = None,
) -> Outbox | None:
    if person is None or not person.openid or not person.active:
        return None  # nobody to reach, or they unfollowed: WeChat would answer 43004
    tpl = settings.push.resident_template_id
    if tpl and not in_window(person, now):
        values = {"title": title or text.split("\n", 1)[0], "number": number, "status": status, "body": text}
        return outbox.enqueue_template(
            session, person.openid, tpl, _fields(settings.push.resident_template_fields, settings, values),
            url=_url(settings, number), dedupe_key=dedupe_key,
        )
    return outbox.enqueue_text(session, person.openid, text, dedupe_key=dedupe_key)


def to_staff(
    session: Session,
    settings: Settings,
    person: Person | None,
    text: str,
    card: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
) -> Outbox | None:
    """Staff get the ticket card as a template when configured (it reaches them outside the
    48-hour window), else as a customer-service text."""
    if person is None or not person.openid or not person.active:
        return None
    tpl = settings.push.staff_template_id
    if tpl and card is not None:
        return outbox.enqueue_template(
            session, person.openid, tpl, _fields(settings.push.staff_template_fields, settings, card),
            url=_url(settings, card.get("number")), dedupe_key=dedupe_key,
        )
    return outbox.enqueue_text(session, person.openid, text, dedupe_key=dedupe_key)
