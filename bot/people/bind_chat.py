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
from storage import communities, conversations, houses
from storage.models import BindState, House, RosterEntry

FORM = "bind_form"
COMMUNITY_CHOICES = "community_choices"  # the communities offered when a room and phone match several
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
    settings = turn.settings.tickets
    state = _state(turn)
    locked = _locked_minutes(turn, state)
    if locked:
        return turn.say("bind_locked", minutes=locked)
    building, room, phone = (details.get(k) for k in ("building", "room", "phone"))
    ttl = timedelta(minutes=settings.form_ttl_minutes)
    if not (building and room and phone):
        conversations.set_pending(turn.session, turn.openid, FORM, {k: v for k, v in details.items() if v},
                                  turn.now, ttl)
        return turn.say("bind_ask")
    found, ambiguous_unit = _matches(turn, details)
    if len(found) > 1:
        # The same room and phone on two communities' rosters: the resident says which.
        choices = [house.community_id for house, _ in found]
        conversations.set_pending(turn.session, turn.openid, FORM,
                                  {k: details[k] for k in ("building", "unit", "room", "phone") if details.get(k)}
                                  | {COMMUNITY_CHOICES: choices}, turn.now, ttl)
        return _ask_which(turn, choices)
    if not found and ambiguous_unit:
        conversations.set_pending(turn.session, turn.openid, FORM,
                                  {"phone": phone} | ({"community": details["community"]} if details.get("community") else {}),
                                  turn.now, ttl)
        return turn.say("bind_ambiguous", building=building, room=room)
    conversations.clear(turn.session, turn.openid)
    if not found:
        state.failures += 1
        state.updated_at = turn.now
        if state.failures >= settings.bind_max_failures:
            state.failures = 0
            state.locked_until = turn.now + timedelta(minutes=settings.bind_lock_minutes)
            return turn.say("bind_locked", minutes=settings.bind_lock_minutes)
        return turn.say("bind_failed", left=settings.bind_max_failures - state.failures)
    house, entry = found[0]
    person = turn.person
    person.house_id, person.phone = house.id, entry.phone
    person.community_ids = str(house.community_id)
    turn._settings = None  # from now on they hear their own community's phones and hours
    person.name = entry.name or person.name
    entry.openid, entry.updated_at = person.openid, turn.now
    state.failures, state.locked_until = 0, None
    place = ticket_flow.house_label(house)
    if communities.count(turn.session) > 1:
        place = label("place_in_community", community=communities.view(
            turn.session, turn.services.settings.community, house.community_id).name, place=place)
    return turn.say("bind_ok", name=person.name or label("resident_unnamed"), place=place)


def _matches(turn: Turn, details: dict[str, Any]) -> tuple[list[tuple[House, RosterEntry]], bool]:
    """The (house, roster row) pairs the room and phone match, one per community (only the named
    community's when one was named); and whether a room matched several units."""
    building, unit, room, phone = (details.get(k) for k in ("building", "unit", "room", "phone"))
    named = details.get("community")
    ids = [int(named)] if named else sorted({
        h.community_id for h in houses.matching(turn.session, str(building), str(unit) if unit else None, str(room))
        if h.community_id is not None})
    found, ambiguous_unit = [], False
    for community_id in ids:
        house = houses.find(turn.session, str(building), str(unit) if unit else None, str(room), community_id)
        if house == houses.AMBIGUOUS:
            ambiguous_unit = True
        elif isinstance(house, House):
            entry = turn.session.execute(
                select(RosterEntry).where(RosterEntry.house_id == house.id, RosterEntry.phone == phone)
            ).scalar_one_or_none()
            if entry is not None:
                found.append((house, entry))
    return found, ambiguous_unit


def _ask_which(turn: Turn, choices: list[int]) -> str:
    return turn.say("bind_which_community", choices=communities.listing(turn.session, choices))


def _named_community(turn: Turn, text: str) -> dict[str, Any]:
    found = communities.named_in(turn.session, text)
    return {"community": found.id} if found is not None else {}


def handle(turn: Turn) -> str | None:
    return _attempt(turn, dict(turn.intent.slots) | _named_community(turn, turn.text))


def is_request(text: str) -> bool:
    return bool(_REQUEST.match(text))


def handle_request(turn: Turn) -> str | None:
    """A binding sent while a repair form waits: bind, then carry on with the repair, now with
    the bound home as its place."""
    pending = turn.conversation
    waiting = dict(pending.state) if pending is not None and pending.kind == repair_form.FORM else None
    reply = _attempt(turn, {k: v for k, v in extract_slots(turn.text).items() if v} | _named_community(turn, turn.text))
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
    details = dict(turn.conversation.state)
    choices = details.pop(COMMUNITY_CHOICES, None)
    if choices:
        picked = communities.pick(turn.session, turn.text, choices)
        if picked is None:
            return _ask_which(turn, choices)
        return _attempt(turn, details | {"community": picked})
    slots = extract_slots(turn.text)
    if turn.intent.name == "faq" and turn.intent.faq_id and not any(
        slots.get(k) for k in ("building", "room", "phone")
    ):
        return None  # a question asked instead: answered; the binding still waits
    details.update({k: v for k, v in extract_slots(turn.text).items() if v and k in ("building", "unit", "room", "phone")})
    return _attempt(turn, details | _named_community(turn, turn.text))
