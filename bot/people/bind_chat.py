"""绑定: link an openid to a home, only when room and phone match the roster; three wrong tries
lock binding for that openid for an hour (phone numbers are not to be guessed)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.dialogue import form_answers as answers
from bot.dialogue.turn import Turn
from bot.tickets import flow as ticket_flow
from bot.tickets import repair_form
from intents import extract_slots
from replies import label
from storage import conversations, houses
from storage.models import BindState, House, RosterEntry

FORM = "bind_form"
# "绑定 5栋1单元302 13900002222", "绑定房屋", "我要绑定": a binding, whatever else is pending.
_REQUEST = re.compile(r"^\s*(?:我要|我想|帮我|请)?(?:绑定|綁定|绑房|绑定房屋|认证房屋|房屋认证)")


def _state(turn: Turn) -> BindState:
    state = turn.session.get(BindState, turn.openid)
    if state is None:
        state = BindState(openid=turn.openid, failures=0)
        turn.session.add(state)
    return state


def _locked_minutes(turn: Turn, state: BindState) -> int | None:
    until = state.locked_until
    if until is None or until <= turn.now:
        return None
    return int((until - turn.now).total_seconds() // 60) + 1


def _attempt(turn: Turn, details: dict[str, Any]) -> str:
    settings = turn.services.settings.tickets
    state = _state(turn)
    locked = _locked_minutes(turn, state)
    if locked:
        return turn.say("bind_locked", minutes=locked)
    building, unit, room, phone = (details.get(k) for k in ("building", "unit", "room", "phone"))
    if not (building and room and phone):
        conversations.set_pending(turn.session, turn.openid, FORM, {k: v for k, v in details.items() if v},
                                  turn.now, timedelta(minutes=settings.form_ttl_minutes))
        return turn.say("bind_ask")
    house = houses.find(turn.session, str(building), str(unit) if unit else None, str(room))
    if house == houses.AMBIGUOUS:
        conversations.set_pending(turn.session, turn.openid, FORM, {"phone": phone}, turn.now,
                                  timedelta(minutes=settings.form_ttl_minutes))
        return turn.say("bind_ambiguous", building=building, room=room)
    entry = None
    if isinstance(house, House):
        entry = turn.session.execute(
            select(RosterEntry).where(RosterEntry.house_id == house.id, RosterEntry.phone == phone)
        ).scalar_one_or_none()
    conversations.clear(turn.session, turn.openid)
    if entry is None or not isinstance(house, House):
        state.failures += 1
        state.updated_at = turn.now
        if state.failures >= settings.bind_max_failures:
            state.failures = 0
            state.locked_until = turn.now + timedelta(minutes=settings.bind_lock_minutes)
            return turn.say("bind_locked", minutes=settings.bind_lock_minutes)
        return turn.say("bind_failed", left=settings.bind_max_failures - state.failures)
    person = turn.person
    person.house_id, person.phone = house.id, entry.phone
    person.name = entry.name or person.name
    entry.openid, entry.updated_at = person.openid, turn.now
    state.failures, state.locked_until = 0, None
    return turn.say("bind_ok", name=person.name or label("resident_unnamed"), place=ticket_flow.house_label(house))


def handle(turn: Turn) -> str | None:
    return _attempt(turn, dict(turn.intent.slots))


def is_request(text: str) -> bool:
    return bool(_REQUEST.match(text))


def handle_request(turn: Turn) -> str | None:
    """A binding sent while a repair form waits: bind, then carry on with the repair, now with
    the bound home as its place."""
    pending = turn.conversation
    waiting = dict(pending.state) if pending is not None and pending.kind == repair_form.FORM else None
    reply = _attempt(turn, {k: v for k, v in extract_slots(turn.text).items() if v})
    if waiting is None or turn.person.house_id is None:
        return reply
    if waiting.get("area") != "common" and not waiting.get("room"):
        waiting.update(building=None, unit=None, room=None)
    if not waiting.get("phone") and turn.person.phone:
        waiting["phone"] = turn.person.phone
    return reply + "\n" + repair_form.resume(turn, waiting)


def continue_form(turn: Turn) -> str | None:
    assert turn.conversation is not None
    if answers.abandons(turn.text) or (
        turn.intent.name == "cancel_ticket" and turn.intent.slots.get("cancels") == "pending"
    ):
        conversations.clear(turn.session, turn.openid)
        return turn.say("bind_cancelled")
    slots = extract_slots(turn.text)
    if turn.intent.name == "faq" and turn.intent.faq_id and not any(
        slots.get(k) for k in ("building", "room", "phone")
    ):
        return None  # a question asked instead: answered; the binding still waits
    details = dict(turn.conversation.state)
    details.update({k: v for k, v in extract_slots(turn.text).items() if v and k in ("building", "unit", "room", "phone")})
    return _attempt(turn, details)
