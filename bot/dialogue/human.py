"""转人工: an RG call-back request to the desk, with office-hours or after-hours wording."""

from __future__ import annotations

import re

from bot.dialogue.turn import Turn
from bot.tickets import flow as ticket_flow
from bot.tickets import office_hours
from bot.wechat.message import HandOff

# Asking for a person in so many words ("转人工", "我要找客服", "人工服务"); "员工" is not one.
_PERSON = re.compile(
    r"转人工|人工客服|人工服务|找人工|要人工|接人工|转接人工|^\s*人工\s*[!！。.]*\s*$|真人|活人|"
    r"(?:找|转|要|联系|叫)(?:一下|个)?(?:客服|前台|管家|物业的人)|客服在吗|让?(?:客服|物业|管家)(?:给我)?(?:回|打)个?电话"
)


def asks_for_person(text: str) -> bool:
    return bool(_PERSON.search(text))


def in_office_hours(turn: Turn) -> bool:
    return office_hours.is_open(turn.settings, turn.now)


def handle(turn: Turn) -> str | None:
    if turn.settings.human.transfer_to_kf and in_office_hours(turn):
        # The account's agents take the chat in WeChat's 客服 system; nothing to call back.
        return HandOff(turn.say("human_transferred"))
    draft = ticket_flow.Draft(kind="human", description=turn.text, category="人工",
                              contact_phone=turn.intent.slots.get("phone") or turn.person.phone)
    ticket = ticket_flow.open_ticket(turn.session, turn.settings, draft, turn.person, turn.now)
    key = "human_created_office" if in_office_hours(turn) else "human_created_after"
    return turn.say(key, number=ticket.number)
