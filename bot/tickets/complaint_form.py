"""投诉 becomes a TS ticket for customer-service staff, with the same lifecycle as a repair."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.dialogue import faq
from bot.dialogue import form_answers as answers
from bot.dialogue.turn import Turn
from bot.tickets import flow as ticket_flow
from bot.tickets import office_hours
from bot.tickets.repair_form import describe, has_words
from storage import conversations
from storage.models import House

FORM = "complaint_form"
# How sure an FAQ reading must be for a message in the complaint form to be a question, not the
# complaint itself.
FAQ_SURE = 0.8
_BARE = re.compile(r"^\s*(我要|我想|要)?(投诉|反映|举报|投诉一下|反映个?问题)[\s!！。.]*$")


def _place(turn: Turn) -> tuple[str, str, int | None]:
    slots = turn.intent.slots
    if slots.get("building") and slots.get("room"):
        place = ticket_flow.address_label(str(slots["building"]), str(slots.get("unit") or ""), str(slots["room"]))
        return place, str(slots["building"]), None
    if turn.person.house_id and (house := turn.session.get(House, turn.person.house_id)):
        return ticket_flow.house_label(house), house.building, house.id
    return "", str(slots.get("building") or ""), None


def open_complaint(turn: Turn, text: str) -> str:
    place, building, house_id = _place(turn)
    draft = ticket_flow.Draft(
        kind="complaint", description=describe(text) or text, category="投诉", area="home", house_id=house_id,
        building=building, place=place, contact_phone=turn.intent.slots.get("phone") or turn.person.phone,
    )
    ticket = ticket_flow.open_ticket(turn.session, turn.settings, draft, turn.person, turn.now)
    conversations.clear(turn.session, turn.openid)
    settings = turn.settings
    if office_hours.is_open(settings, turn.now):
        return turn.say("complaint_created", number=ticket.number, accept_minutes=settings.tickets.accept_minutes)
    opens = office_hours.when_label(settings, office_hours.next_opening(settings, turn.now), turn.now)
    return turn.say("complaint_created_after", number=ticket.number, opens=opens)


def handle(turn: Turn) -> str | None:
    if not has_words(describe(turn.text)):
        return turn.say("fallback")  # a bare phone number or room is no complaint
    if _BARE.match(turn.text):
        ttl = timedelta(minutes=turn.settings.tickets.form_ttl_minutes)
        conversations.set_pending(turn.session, turn.openid, FORM, {}, turn.now, ttl)
        return turn.say("complaint_ask")
    return open_complaint(turn, turn.text)


def continue_form(turn: Turn) -> str:
    if answers.abandons(turn.text) or (
        turn.intent.name == "cancel_ticket" and turn.intent.slots.get("cancels") == "pending"
    ):
        conversations.clear(turn.session, turn.openid)
        return turn.say("complaint_cancelled")
    if turn.intent.name == "faq" and turn.intent.faq_id and turn.intent.confidence >= FAQ_SURE:
        # a question asked instead of the complaint's details: answered, the complaint still waits
        return (faq.handle(turn) or "") + "\n" + turn.say("complaint_still_pending")
    return open_complaint(turn, turn.text)
