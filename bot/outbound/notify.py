"""Pushes to people, as outbox rows; `planner` chooses the channel (a customer-service text while
WeChat's window allows, else the configured template, else a dead letter that says why)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlmodel import Session

from bot.config import Settings
from bot.outbound import planner, templates
from replies import label
from storage.clock import utcnow
from storage.models import MediaFile, Outbox, Person

_TICKET_NUMBER = re.compile(r"\b(?:BX|TS|BY|RG)\d{6,}\b")


def _url(settings: Settings, number: str | None, photo: str = "") -> str | None:
    url = settings.push.detail_url
    if not url or ("{photo}" in url and not photo):
        return None  # a link to nothing is worse than none
    return url.replace("{number}", number or "").replace("{photo}", photo)


def _photo(session: Session, refs: list[str]) -> str:
    """The kept name of the first photo among a ticket's photo references (PicUrl or MediaId)."""
    if not refs:
        return ""
    name = session.execute(
        select(MediaFile.name)
        .where(or_(MediaFile.pic_url.in_(refs), MediaFile.media_id.in_(refs)))
        .order_by(MediaFile.id)
    ).scalars().first()
    return name or ""


def _common(settings: Settings, now: datetime) -> dict[str, Any]:
    c = settings.community
    return {"community": c.name, "company": c.company, "hotline": c.hotline, "duty_phone": c.duty_phone,
            "time": now}


_HEADLINE = re.compile(r"^【([^】]{1,12})】\s*")


def _split(text: str) -> tuple[str, str]:
    """(headline, the rest as one line): "【催单】住户在催…" -> ("催单", "住户在催…")."""
    text = text.strip()
    m = _HEADLINE.match(text)
    if m:
        return m.group(1), " ".join(text[m.end():].split())
    first, _, rest = text.partition("\n")
    return first.strip(), " ".join(rest.split())


def _number_in(text: str) -> str:
    m = _TICKET_NUMBER.search(text)
    return m.group(0) if m else ""


def _resident_values(settings: Settings, text: str, now: datetime, title: str, number: str,
                     status: str) -> dict[str, Any]:
    """What a resident's push fills in, from the chat text it stands for when not given."""
    first, rest = _split(text)
    return _common(settings, now) | {
        "title": title or first, "number": number or _number_in(text) or "-",
        "status": status or label("push_status_default"), "body": rest or first,
    }


def resident_template(settings: Settings, text: str, now: datetime, *, title: str = "", number: str = "",
                      status: str = "") -> planner.Template | None:
    p = settings.push
    if not p.resident_template_id:
        return None
    values = _resident_values(settings, text, now, title, number, status)
    data = templates.render(p.resident_template_fields, values, settings.community.tz)
    return planner.Template(p.resident_template_id, data, _url(settings, number))


def resident_subscription(settings: Settings, text: str, now: datetime, *, title: str = "", number: str = "",
                          status: str = "") -> planner.Subscription | None:
    """The same push as a subscribe message, for residents who consented ([subscribe])."""
    sub = settings.subscribe
    if not sub.template_id:
        return None
    values = _resident_values(settings, text, now, title, number, status)
    data = templates.render(sub.template_fields, values, settings.community.tz)
    return planner.Subscription(sub.template_id, data, _url(settings, number), once=sub.kind == "once")


def staff_template(session: Session, settings: Settings, text: str, now: datetime,
                   card: dict[str, Any] | None) -> planner.Template | None:
    p = settings.push
    if not p.staff_template_id:
        return None
    first, rest = _split(text)
    if card is not None:
        values = {"contact_phone": _phone(card.get("contact", ""))} | card
        if _HEADLINE.match(text.strip()):
            values["title"] = first  # 【转派工单】, 【返修】: why this card comes again
    else:
        # A text for staff that isn't a ticket card (an escalation, a nudge) still reaches them
        # through the card's template: its first line as the title, the rest as the description.
        number = _number_in(text)
        body = (rest or first).replace(f"工单 {number}", "").replace(number, "").strip() if number else rest or first
        values = {"title": first, "number": number or "-", "category": "", "place": "",
                  "description": body, "contact": "", "contact_phone": "",
                  "preferred_time": "", "status": "", "urgent": "", "assignee": "", "body": rest}
    values = _common(settings, now) | values
    data = templates.render(p.staff_template_fields, values, settings.community.tz)
    photo = _photo(session, list(values.get("photo_refs") or [])) if "{photo}" in p.detail_url else ""
    return planner.Template(p.staff_template_id, data, _url(settings, values.get("number"), photo))


def _phone(contact: str) -> str:
    digits = re.sub(r"[^0-9+\-]", "", str(contact))
    return digits if sum(ch.isdigit() for ch in digits) >= 7 else ""


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
    """The row that carries the push; None when nobody can be reached (unfollowed, unknown, or no
    channel left: then a dead letter records why)."""
    tpl = resident_template(settings, text, now, title=title, number=number, status=status)
    sub = resident_subscription(settings, text, now, title=title, number=number, status=status)
    row = planner.send(session, person, text, now, template=tpl, dedupe_key=dedupe_key, subscribe=sub,
                       missing="[push] resident_template_id is empty")
    return None if row is None or row.status == "dead" else row


def to_staff(
    session: Session,
    settings: Settings,
    person: Person | None,
    text: str,
    card: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
    now: datetime | None = None,
) -> Outbox | None:
    """Ticket cards go by template by default (`[push] staff_channel`): staff often last wrote
    days ago. Other staff texts go as customer-service texts while the window allows."""
    now = now or utcnow()
    tpl = staff_template(session, settings, text, now, card)
    prefer = card is not None and settings.push.staff_channel == "template"
    row = planner.send(session, person, text, now, template=tpl, prefer_template=prefer,
                       dedupe_key=dedupe_key, missing="[push] staff_template_id is empty")
    return None if row is None or row.status == "dead" else row
