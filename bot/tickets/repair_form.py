"""The repair conversation: a form that fills itself from what the resident already said and
asks only for what is missing; urgent cases skip what can wait."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from bot.dialogue import faq
from bot.dialogue import form_answers as answers
from bot.dialogue.turn import Turn
from bot.tickets import flow as ticket_flow
from bot.tickets import office_hours
from bot.tickets.status import is_open, status_label
from intents import extract_slots
from intents.confirm import follow_or_new
from intents.model import Intent
from intents.urgency import urgent_kind
from replies import label
from storage import communities, conversations, houses
from storage import tickets as store
from storage.models import House, Person, Ticket

FORM = "repair_form"
URGENT_FOLLOWUP = "urgent_place"
# Common places that belong to one building, so "电梯坏了" needs to know which building.
_PER_BUILDING = re.compile(r"电梯|楼道|楼梯|单元门|大堂|走廊|过道|天台|屋顶|信报箱|门禁")
_PLACE_KEY = re.compile(
    r"电梯|楼道|楼梯|单元门|大堂|走廊|过道|天台|屋顶|信报箱|门禁|大门|车库|地下室|停车场|车位|道闸|路灯|"
    r"花园|绿化|广场|垃圾房|垃圾桶|消防通道|健身器材|游乐设施|外墙|岗亭"
)
_PHONE_TEXT = re.compile(r"(?:联系)?(?:电话|手机|手机号)?\s*[:：]?\s*(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}")
_ADDRESS_TEXT = re.compile(
    r"[0-9一二三四五六七八九十零〇两A-Za-z]+\s*(?:号楼|栋|幢|座)\s*(?:[0-9一二三四五六七八九十]+\s*单元)?\s*"
    r"(?:[0-9零〇一二三四五六七八九]{3,4}\s*(?:室|号|房)?)?|\d{1,2}-\d{1,2}-\d{3,4}"
)
_FILLER = re.compile(r"^[\s,，。.!！?？~、;；:：]+|[\s,，。.!！?？~、;；:：]+$")
# "下午我在家", "随时都在": when to come, which the form keeps as the time, not as the fault.
_AVAILABILITY = re.compile(r"(?:我|家里)?(?:都|一直|全天)?在家(?:的|呢|哈|啊)?|随时都?(?:可以|能)?来?都行|随时都可以")
# Words that say nothing about the fault: they do not go to staff as the description.
_NOT_DETAIL = re.compile(r"谢谢|麻烦了?|辛苦了?|师傅|你们|尽快|快点|赶紧|请|帮忙|一下|好的|嗯+|哦+|那个|就是|还有|[了吧啊呀哈呢的]")


def describe(text: str) -> str:
    """The fault in the resident's words, without the phone number and address they added."""
    t = _PHONE_TEXT.sub(" ", text)
    t = _ADDRESS_TEXT.sub(" ", t)
    return tidy(t)


def tidy(text: str) -> str:
    """No debris from what was taken out: "厨房水管漏水了, , 在家" -> "厨房水管漏水了"."""
    t = _AVAILABILITY.sub(" ", text)
    t = re.sub(r"\s*([,，、;；。.!！])(?:\s*[,，、;；。.!！])*\s*", r"\1", t)
    t = re.sub(r"\s+", " ", t)
    return _FILLER.sub("", t)


def is_detail(words: str) -> bool:
    """Whether words add anything about the fault for the staff who go there."""
    return has_words(_NOT_DETAIL.sub("", words))


def has_words(description: str) -> bool:
    return len(re.findall(r"[\u4e00-\u9fff]", description)) >= 2


def _place_key(text: str) -> str:
    m = _PLACE_KEY.search(text)
    return m.group(0) if m else ""


def _merge(state: dict[str, Any], text: str, slots: dict[str, Any], asking: str | None) -> bool:
    """Fold a message into the form; True if it supplied anything."""
    changed = False
    if slots.get("room") or slots.get("building"):
        for key in ("building", "unit", "room"):
            if slots.get(key):
                state[key] = slots[key]
        if slots.get("room"):
            state["area"] = "home"
        changed = True
    if slots.get("phone"):
        state["phone"], changed = slots["phone"], True
    if slots.get("preferred_time"):
        state["preferred_time"], changed = slots["preferred_time"], True
    if slots.get("category") and state.get("category") in (None, "其他"):
        state["category"], changed = slots["category"], True
    if slots.get("area") == "common" and not state.get("room"):
        state["area"], changed = "common", True
    key = _place_key(text)
    if key and state.get("area") == "common" and not state.get("place_key"):
        state["place_key"], changed = key, True
    if slots.get("urgent"):
        state["urgent"], changed = True, True
    words = describe(text)
    if slots.get("preferred_time"):
        words = tidy(words.replace(slots["preferred_time"], " "))
    current = state.get("description", "")
    if has_words(words) and (asking == "description" or not has_words(current)):
        state["description"] = words if not current else f"{current}，{words}"
        changed = True
    elif has_words(current) and is_detail(words) and words not in current:
        # more about the fault after the first description ("水槽下面那个管子一直在滴"):
        # staff see it too
        state["description"] = f"{current}，{words}"
        changed = True
    return changed


def _new_state(turn: Turn) -> dict[str, Any]:
    slots = turn.intent.slots
    state: dict[str, Any] = {
        "description": "", "category": slots.get("category") or "其他", "urgent": bool(slots.get("urgent")),
        "area": slots.get("area"), "building": None, "unit": None, "room": None, "place_key": "",
        "phone": None, "preferred_time": None, "photos": [], "asking": None, "dup_checked": False,
    }
    _merge(state, turn.text, slots, None)
    named = communities.named_in(turn.session, turn.text)
    state["community_id"] = named.id if named is not None else None
    if not state["phone"] and turn.person.phone:
        state["phone"] = turn.person.phone  # the roster phone
    return state


def _resolve_home(turn: Turn, state: dict[str, Any]) -> None:
    """Default to the resident's bound home when they name no place, and to their own building
    for a lift or corridor (shown in the confirmation, so they can correct it)."""
    if state.get("room"):
        return
    if state.get("area") == "common":
        if not state.get("building") and _PER_BUILDING.search(state.get("place_key") or "") and turn.person.house_id:
            house = turn.session.get(House, turn.person.house_id)
            if house is not None:
                state["building"] = house.building
        return
    if turn.person.house_id:
        house = turn.session.get(House, turn.person.house_id)
        if house is not None:
            state.update(building=house.building, unit=house.unit or None, room=house.room, area="home")


def _place(state: dict[str, Any]) -> str:
    if state.get("area") == "common":
        building = label("building", building=state["building"]) if state.get("building") else label("place_community")
        return building + (state.get("place_key") or label("place_common_area"))
    if state.get("room"):
        return ticket_flow.address_label(state["building"] or "?", state.get("unit") or "", state["room"])
    return ""


def _missing(state: dict[str, Any]) -> str | None:
    if not has_words(state.get("description", "")):
        return "description"
    if state.get("area") == "common":
        if _PER_BUILDING.search(state.get("place_key") or "") and not state.get("building"):
            return "building"
    elif not state.get("room"):
        return "place"
    if not state.get("phone"):
        return "phone"
    return None


def _draft(turn: Turn, state: dict[str, Any]) -> ticket_flow.Draft:
    community_id = state.get("community_id") or communities.home_of(turn.session, turn.person)
    house = None
    if state.get("area") != "common" and state.get("room") and state.get("building"):
        house = houses.find(turn.session, state["building"], state.get("unit"), state["room"], community_id)
    return ticket_flow.Draft(
        kind="repair", description=state.get("description") or turn.text, category=state.get("category") or "其他",
        urgent=bool(state.get("urgent")), area="common" if state.get("area") == "common" else "home",
        house_id=house.id if isinstance(house, House) else None, building=state.get("building") or "",
        place=_place(state), contact_phone=state.get("phone") or "", preferred_time=state.get("preferred_time") or "",
        photos=list(state.get("photos", [])), community_id=community_id,
    )


def _choices(turn: Turn) -> list[int]:
    return communities.ids(turn.session)


def _community_unknown(turn: Turn, state: dict[str, Any]) -> bool:
    """Someone not bound, who never said which community, reporting where there are several."""
    if state.get("community_id") or turn.person.house_id or communities.ids_of(turn.person):
        return False
    return communities.count(turn.session) > 1


def _ttl(turn: Turn) -> timedelta:
    return timedelta(minutes=turn.settings.tickets.form_ttl_minutes)


def _save(turn: Turn, state: dict[str, Any]) -> None:
    conversations.set_pending(turn.session, turn.openid, FORM, state, turn.now, _ttl(turn))


def _create(turn: Turn, state: dict[str, Any]) -> str:
    settings = turn.settings
    ticket = ticket_flow.open_ticket(turn.session, settings, _draft(turn, state), turn.person, turn.now)
    if ticket.urgent:
        kind = urgent_kind(state.get("description", "") + turn.text)
        ask_place = turn.say("urgent_ask_place") if _missing(state) in ("place", "building") else ""
        if ask_place:
            conversations.set_pending(turn.session, turn.openid, URGENT_FOLLOWUP, {"ticket_id": ticket.id},
                                      turn.now, _ttl(turn))
        else:
            conversations.clear(turn.session, turn.openid)
        return turn.say("urgent_created", number=ticket.number, safety=turn.say(f"safety_{kind}"), ask_place=ask_place)
    conversations.clear(turn.session, turn.openid)
    assignee = turn.session.get(Person, ticket.assignee_id) if ticket.assignee_id else None
    if not office_hours.is_open(settings, turn.now):
        opens = office_hours.when_label(settings, office_hours.next_opening(settings, turn.now), turn.now)
        return turn.say("repair_created_after", number=ticket.number, assignee=ticket_flow.person_label(assignee),
                        opens=opens)
    return turn.say("repair_created", number=ticket.number, assignee=ticket_flow.person_label(assignee),
                    accept_minutes=settings.tickets.accept_minutes)


def _advance(turn: Turn, state: dict[str, Any]) -> str:
    _resolve_home(turn, state)
    if state.get("urgent"):
        return _create(turn, state)  # safety first: what is missing can be asked afterwards
    missing = _missing(state)
    if missing != "description" and _community_unknown(turn, state):
        # 3栋 is in more than one community: which is theirs (kept for next time)?
        state["asking"] = "community"
        _save(turn, state)
        return turn.say("repair_ask_community", choices=communities.listing(turn.session, _choices(turn)))
    if missing:
        state["asking"] = missing
        _save(turn, state)
        if missing == "description":
            return turn.say("repair_ask_description")
        if missing == "building":
            return turn.say("repair_ask_place_common", what=state.get("place_key") or "公共区域")
        if missing == "place":
            return turn.say("repair_ask_place_unbound")
        return turn.say("repair_ask_phone")
    if state.get("area") == "common" and not state.get("dup_checked"):
        dup = store.open_common_duplicate(turn.session, state.get("building") or "", state.get("category") or "其他",
                                          state.get("place_key") or "",
                                          state.get("community_id") or communities.home_of(turn.session, turn.person))
        if dup is not None:
            state.update(asking="duplicate", duplicate_of=dup.id)
            _save(turn, state)
            return turn.say("repair_duplicate_offer", place=dup.place, category=dup.category, number=dup.number,
                            status=status_label(dup.status))
    state["asking"] = "confirm"
    _save(turn, state)
    photos = label("repair_confirm_photos", count=len(state["photos"])) if state.get("photos") else ""
    return turn.say("repair_confirm", description=state["description"], place=_place(state), phone=state["phone"],
                    time=state.get("preferred_time") or label("time_asap"), photos=photos)


# ---------------------------------------------------------------- entry points


def handle(turn: Turn) -> str | None:
    """A repair intent with no form open: start one."""
    return _advance(turn, _new_state(turn))


def continue_form(turn: Turn) -> str:
    assert turn.conversation is not None
    state = dict(turn.conversation.state)
    asking = state.get("asking")
    if answers.abandons(turn.text) or (
        turn.intent.name == "cancel_ticket" and turn.intent.slots.get("cancels") == "pending"
    ):
        conversations.clear(turn.session, turn.openid)
        return turn.say("repair_cancelled")
    if asking == "community":
        picked = communities.pick(turn.session, turn.text, _choices(turn))
        if picked is not None:
            state["community_id"] = picked
            turn.person.community_ids = str(picked)  # where they live, as they say: asked once
            return _advance(turn, state)
    if asking == "duplicate":
        choice = follow_or_new(turn.text)
        if choice == "follow":
            ticket = turn.session.get(Ticket, state.get("duplicate_of"))
            conversations.clear(turn.session, turn.openid)
            if ticket is not None and is_open(ticket.status):
                store.follow(turn.session, ticket, turn.person, turn.now)
                store.add_event(turn.session, ticket, "followed", turn.person, turn.now, describe(turn.text))
                return turn.say("repair_followed", number=ticket.number)
            state["dup_checked"] = True
            return _advance(turn, state)
        if choice == "new":
            state["dup_checked"] = True
            return _advance(turn, state)
    if asking == "confirm" and answers.agrees(turn.text):
        return _create(turn, state)
    if answers.corrects(turn.text):
        _correct(state, answers.without_correction_words(turn.text))
        return _advance(turn, state)
    # FAQ questions offered as a numbered list while the form waits ("您是想问…"): a bare
    # number picks one (the dialogue passes them to the NLU as faq_choices)
    offered = state.pop("faq_choices", None)
    if offered and turn.intent.name == "faq" and turn.intent.faq_id in offered and turn.intent.confidence >= 1.0:
        _save(turn, state)
        return _faq_while_pending(turn)
    slots = extract_slots(turn.text)
    asks_faq = turn.intent.name == "faq" and not any(slots.get(k) for k in ("building", "room", "phone"))
    if not asks_faq and _merge(state, turn.text, slots, asking):
        return _advance(turn, state)
    if turn.intent.name == "faq" and turn.intent.faq_id:
        _save(turn, state)
        return _faq_while_pending(turn)
    if turn.intent.name == "faq" and turn.intent.candidates:
        # a question the FAQ may answer, asked mid-form: offer the candidates, keep the form
        ids, listing = faq.offer(turn)
        if ids:
            state["faq_choices"] = ids
            _save(turn, state)
            return listing + "\n" + turn.say("repair_still_pending")
    return _advance(turn, state)


def _correct(state: dict[str, Any], text: str) -> None:
    """"哦不对 是卫生间": the new words replace the old; the card shows what is now true."""
    slots = extract_slots(text)
    for key in ("building", "unit", "room", "phone", "preferred_time"):
        if slots.get(key):
            state[key] = slots[key]
    if slots.get("room"):
        state["area"] = "home"
    if slots.get("category") and slots["category"] != "其他":
        state["category"] = slots["category"]
    part = answers.home_part(text)
    if part and state.get("description"):
        state["description"] = answers.replace_home_part(state["description"], part)
        if state.get("area") != "common":
            state["area"] = "home"
    elif not part:
        words = describe(text)
        if slots.get("preferred_time"):
            words = tidy(words.replace(slots["preferred_time"], " "))
        if is_detail(words) and not any(slots.get(k) for k in ("building", "room", "phone", "preferred_time")):
            state["description"] = words  # the fault itself, said again


def resume(turn: Turn, state: dict[str, Any]) -> str:
    """Carry on with a form after something else was answered in between (a binding)."""
    return _advance(turn, dict(state))


def emergency(turn: Turn) -> str:
    """An emergency, whatever was pending: a ticket now, safety steps, the duty phone."""
    slots = extract_slots(turn.text)
    state = _new_state(Turn(turn.session, turn.services, turn.person, turn.text,
                            Intent("repair", 1.0, slots=slots), None, turn.now))
    state["urgent"] = True
    _resolve_home(turn, state)
    return _create(turn, state)


def _faq_while_pending(turn: Turn) -> str:
    return (faq.handle(turn) or "") + "\n" + turn.say("repair_still_pending")


def add_photo(turn: Turn, url: str) -> str:
    assert turn.conversation is not None
    state = dict(turn.conversation.state)
    state["photos"] = [*state.get("photos", []), url]
    _save(turn, state)
    return turn.say("repair_photo_added", count=len(state["photos"]))


def urgent_place(turn: Turn) -> str:
    """After an urgent ticket was opened without a place, the next address completes it."""
    assert turn.conversation is not None
    ticket = turn.session.get(Ticket, turn.conversation.state.get("ticket_id"))
    conversations.clear(turn.session, turn.openid)
    if ticket is None:
        return turn.say("fallback")
    slots = extract_slots(turn.text)
    state: dict[str, Any] = {"area": ticket.area, "building": None, "unit": None, "room": None,
                             "place_key": _place_key(ticket.place)}
    _merge(state, turn.text, slots, None)
    place = _place(state) if (state.get("building") or state.get("room")) else describe(turn.text)
    if not place:
        return turn.say("fallback")
    ticket.place, ticket.building = place, state.get("building") or ticket.building
    store.add_event(turn.session, ticket, "place_added", turn.person, turn.now, place)
    if ticket.assignee_id:
        ticket_flow.push_card(turn.session, turn.settings, ticket,
                              turn.session.get(Person, ticket.assignee_id), prefix=label("staff_card_place_added"),
                              now=turn.now)
    return turn.say("urgent_place_added", number=ticket.number, place=place)
