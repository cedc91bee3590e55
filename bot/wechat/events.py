"""WeChat events (follow, menu, job-finish reports): what each one changes and answers."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session
from wechatpy.messages import BaseMessage

from bot.communities.scope import settings_for_person
from bot.services import Services
from bot.wechat import subscribe_events
from replies import render
from storage import people


def handle_event(
    session: Session, services: Services, event: BaseMessage, kind: str, now: datetime
) -> str | None:
    """`kind` is the lower-cased Event field; `event` may be wechatpy's UnknownMessage."""
    if kind in ("subscribe", "subscribe_scan", "scan"):
        person = people.touch(session, event.source, now)
        if kind != "scan":
            person.subscribed_at = now
        # Someone who comes back after binding is welcomed with their own community's phones.
        return render("welcome", settings_for_person(session, services.settings, person).community)
    if kind == "unsubscribe":
        person = people.by_openid(session, event.source)
        if person is not None:
            # Their tickets and history stay; only pushes stop.
            person.active = False
            person.unsubscribed_at = now
            person.updated_at = now
        return None
    if kind == "click":
        from bot.dialogue import menu_chat

        return menu_chat.click(session, services, event, str(event._data.get("EventKey") or ""), now)
    if kind == "templatesendjobfinish":
        from bot.notices import delivery as notice_delivery

        data = event._data
        notice_delivery.template_finished(session, str(data.get("MsgID") or ""), str(data.get("Status") or ""), now)
        return None
    if kind == "masssendjobfinish":
        from bot.notices import delivery as notice_delivery

        data = event._data
        counts = {k: _int(data.get(f)) for k, f in (("total", "TotalCount"), ("sent", "SentCount"), ("error", "ErrorCount"))}
        notice_delivery.mass_finished(session, str(data.get("MsgID") or ""), str(data.get("Status") or ""), counts, now)
        return None
    if kind in subscribe_events.EVENTS:
        subscribe_events.handle(session, event.source, kind, event._data, now)
        return None
    # VIEW, LOCATION reports and the rest need no answer.
    return None


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None
