"""A repair report during an announced outage ("家里没水了" while 3栋 has 停水): the resident gets the
notice and when it ends instead of a ticket, unless they insist ("还是要报修")."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from bot.dialogue.turn import Turn
from bot.notices import compose as notices
from bot.notices import query_chat as notice_query
from bot.tickets import repair_form as repair
from intents.model import Context, Intent
from storage import conversations
from storage.models import Notice

FORM = "outage_ack"
TTL = timedelta(minutes=30)
# "还是要报修", "我要报修", "不是停水的问题", "坚持报修": the fault is theirs, not the outage.
INSISTS = re.compile(r"还是要?报修|仍然要?报修|坚持报修|我?要报修|帮我报修|继续报修|确认报修|不是停|不是因为|跟停.{0,3}没关系|与停.{0,3}无关|不是这个原因")


def remember(turn: Turn, notice: Notice) -> None:
    """The outage was given as the answer: if they insist next, it is a repair after all."""
    conversations.set_pending(turn.session, turn.openid, FORM, {"text": turn.text, "notice_id": notice.id},
                              turn.now, TTL)


def instead_of_ticket(turn: Turn, notice: Notice) -> str:
    remember(turn, notice)
    return turn.say("outage_instead_of_ticket", title=notice.title, body=notice.body,
                    end=notice_query.end_label(turn, notice))


def not_yet(turn: Turn, notice: Notice, start: datetime, end: datetime) -> str:
    """The planned outage is later than the fault the resident has now: say so, with its window."""
    settings = turn.services.settings
    end_fmt = "%H:%M" if notices.local_label(settings, start, "%d") == notices.local_label(settings, end, "%d") \
        else "%m月%d日%H:%M"
    return turn.say("outage_not_yet", title=notice.title, start=notices.local_label(settings, start),
                    end=notices.local_label(settings, end, end_fmt))


def question_before_outage(turn: Turn, notice: Notice, start: datetime, end: datetime) -> str:
    """"家里怎么没水了" before the announced outage: not the notice's doing; "要报修" opens the repair."""
    remember(turn, notice)
    return not_yet(turn, notice, start, end) + "\n" + turn.say("outage_not_yet_offer")


def continue_form(turn: Turn) -> str | None:
    assert turn.conversation is not None
    original = str(turn.conversation.state.get("text", ""))
    conversations.clear(turn.session, turn.openid)
    if not INSISTS.search(turn.text):
        return None  # something else: the dialogue answers it as a new message
    # Start the repair form from what they first said, as if the notice had not been there.
    first = turn.services.nlu.understand(original, Context())
    intent = first if first.name == "repair" else Intent("repair", 0.9, slots=first.slots)
    retry = Turn(turn.session, turn.services, turn.person, original, intent, None, turn.now)
    return repair.handle(retry)
