"""发布通知 from chat, for managers: audience, then the text, then a preview with the recipient
count; "确认发送" sends it (through the same job as `wuye notice send`), "取消" leaves."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from bot.communities.scope import settings_for
from bot.dialogue.turn import Turn
from bot.notices import compose as notices
from storage import conversations
from storage.models import Notice

FORM = "notice_form"
TTL = timedelta(minutes=30)
START = re.compile(r"^\s*(发布|发|新建|群发|发送)(一条|一个|个)?(通知|公告)\s*[。!！]?\s*$")
CANCEL = re.compile(r"^\s*(取消|算了|不发了|放弃|退出)\s*[。!！]?\s*$")
CONFIRM_EXACT = "确认发送"
CONFIRM_SMALL = re.compile(r"^\s*(确认发送|确认|发送|确认发布|发布|好的?|可以|ok)\s*[。!！]?\s*$", re.I)
_UNTIL = re.compile(r"^\s*(?:截止|有效期至|有效至|到期)\s*[:：]?\s*(.+?)\s*$")
_AT = re.compile(r"^\s*(?:定时|定时发送|发送时间)\s*[:：]?\s*(.+?)\s*$")


def is_start(text: str) -> bool:
    return bool(START.match(text))


def start(turn: Turn) -> str:
    if not notices.may_broadcast(turn.person):
        return turn.say("notice_not_allowed")
    conversations.set_pending(turn.session, turn.openid, FORM, {"step": "audience"}, turn.now, TTL)
    return turn.say("notice_ask_audience")


def _save(turn: Turn, state: dict[str, Any]) -> None:
    conversations.set_pending(turn.session, turn.openid, FORM, state, turn.now, TTL)


def _parse_text(turn: Turn, state: dict[str, Any]) -> str | None:
    """Title, body and optional 截止/定时 lines into `state`; a reply if something is wrong."""
    settings = turn.settings
    lines: list[str] = []
    for line in turn.text.strip().splitlines():
        for pattern, key, end_of_day in ((_UNTIL, "until", True), (_AT, "at", False)):
            m = pattern.match(line)
            if m:
                try:
                    state[key] = notices.parse_local(settings, m.group(1), end_of_day=end_of_day).isoformat()
                except ValueError:
                    return turn.say("notice_bad_time", value=m.group(1))
                break
        else:
            if line.strip():
                lines.append(line.strip())
    if not lines or len("".join(lines)) < 4:
        return turn.say("notice_bad_text")
    state["title"] = lines[0][:100]
    state["body"] = "\n".join(lines[1:]) or lines[0]
    return None


def _preview(turn: Turn, state: dict[str, Any]) -> str:
    settings = turn.settings
    audience = _audience(state)
    p = notices.plan(turn.session, audience)
    if p.count == 0:
        state["step"] = "audience"
        _save(turn, state)
        return turn.say("notice_nobody", audience=notices.audience_label(turn.session, settings, audience),
                        unsubscribed=len(p.unsubscribed))
    state.update(step="confirm", count=p.count)
    _save(turn, state)
    draft = Notice(title=state["title"], body=state["body"])
    if state.get("until"):
        draft.until = datetime.fromisoformat(state["until"])
    limit = settings.notice.confirm_over
    confirm = turn.say("notice_confirm_large", limit=limit) if p.count > limit else turn.say("notice_confirm_small")
    unsub = turn.say("notice_preview_unsubscribed", count=len(p.unsubscribed)) if p.unsubscribed else ""
    when = (notices.local_label(settings, datetime.fromisoformat(state["at"]), "%Y-%m-%d %H:%M")
            if state.get("at") else turn.say("notice_when_now"))
    text = notices.message_text(settings_for(turn.session, turn.services.settings, audience.community_id), draft)
    return turn.say("notice_preview", text=text, audience=notices.audience_label(turn.session, settings, audience),
                    count=p.count, unsubscribed=unsub, when=when, confirm=confirm)


def _send(turn: Turn, state: dict[str, Any]) -> str:
    settings = turn.settings
    audience = _audience(state)
    at = datetime.fromisoformat(state["at"]) if state.get("at") else None
    until = datetime.fromisoformat(state["until"]) if state.get("until") else None
    notice = notices.create(turn.session, settings, title=state["title"], body=state["body"], audience=audience,
                            author=turn.person, now=turn.now, send_at=at if at and at > turn.now else None,
                            until=until, recipients=int(state.get("count", 0)))
    conversations.clear(turn.session, turn.openid)
    if at and at > turn.now:
        return turn.say("notice_accepted_later", id=notice.id, count=state.get("count", 0),
                        when=notices.local_label(settings, at, "%Y-%m-%d %H:%M"))
    return turn.say("notice_accepted_now", id=notice.id, count=state.get("count", 0))


def _audience(state: dict[str, Any]) -> notices.Audience:
    audience = notices.parse_audience(state["audience"])
    assert audience is not None
    return audience.within(state.get("community_id"))


def continue_form(turn: Turn) -> str:
    assert turn.conversation is not None
    state = dict(turn.conversation.state)
    if CANCEL.match(turn.text):
        conversations.clear(turn.session, turn.openid)
        return turn.say("notice_form_cancelled")
    if not notices.may_broadcast(turn.person):  # their role changed mid-way
        conversations.clear(turn.session, turn.openid)
        return turn.say("notice_not_allowed")
    step = state.get("step")
    if step == "audience":
        audience = notices.parse_scoped_audience(turn.session, turn.person, turn.text.strip())
        if audience is None:
            return turn.say("notice_bad_audience")
        if not notices.may_address(turn.session, turn.person, audience.community_id):
            return turn.say("notice_not_your_community")
        state.update(step="text", audience=audience.spec, community_id=audience.community_id)
        _save(turn, state)
        return turn.say("notice_ask_text", audience=notices.audience_label(turn.session, turn.settings, audience))
    if step == "text":
        problem = _parse_text(turn, state)
        if problem:
            return problem
        return _preview(turn, state)
    # step == "confirm": a large audience needs the words themselves, not just "好".
    text = turn.text.strip()
    large = int(state.get("count", 0)) > turn.settings.notice.confirm_over
    if text == CONFIRM_EXACT or (not large and CONFIRM_SMALL.match(text)):
        return _send(turn, state)
    return turn.say("notice_confirm_hint")
