"""Menu clicks (CLICK events): each key of [menu] does what its button says, without the NLU
guessing at the button's words ("报修" alone reads as anything)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session
from wechatpy.messages import BaseMessage

from bot.communities.scope import settings_for_person
from bot.dialogue.turn import Turn
from bot.services import Services
from bot.tickets import staff_chat, status_chat
from intents.model import Intent
from intents.staff_commands import StaffCommand
from replies import render
from storage import people

REPLY_KEYS = {"REPAIR": "menu_repair", "FAQ": "menu_faq", "CONTACT": "menu_contact"}


def click(session: Session, services: Services, event: BaseMessage, key: str, now: datetime) -> str | None:
    person = people.touch(session, event.source, now)
    settings = settings_for_person(session, services.settings, person)  # its community's phones and hours
    if key in REPLY_KEYS:
        return render(REPLY_KEYS[key], settings.community)
    if key == "MY_TICKETS":
        turn = Turn(session, services, person, "", Intent("ticket_status", 1.0), None, now)
        return status_chat.handle(turn)
    if key in ("STAFF_TICKETS", "STAFF_HELP"):
        if person.role not in staff_chat.STAFF_ROLES:
            return render("menu_staff_only", settings.community)
        if key == "STAFF_HELP":
            return render("menu_staff_help", settings.community)
        return staff_chat.handle_command(session, settings, person, StaffCommand("mine"), now)
    return render("menu_click", settings.community, key=key)
