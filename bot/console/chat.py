"""“后台” in chat: staff, supervisors and managers get a one-time console sign-in link pushed
to them (through the outbox, like every message the bot sends first); others are told it is
for staff."""

from __future__ import annotations

from bot.console import links
from bot.dialogue.turn import Turn
from bot.outbound import notify

WORDS = frozenset({"后台", "管理后台", "登录后台", "进入后台", "后台登录", "打开后台"})


def is_request(text: str) -> bool:
    return text.strip() in WORDS


def handle(turn: Turn) -> str:
    settings = turn.settings
    if not settings.console.enabled:
        return turn.say("console_off")
    if not links.may_sign_in(turn.person):
        return turn.say("console_staff_only")
    url = links.issue(turn.session, settings, turn.person, turn.now)
    minutes = settings.console.link_minutes
    notify.to_staff(turn.session, settings, turn.person, turn.say("console_link_push", url=url, minutes=minutes),
                    now=turn.now)
    return turn.say("console_link_sent", minutes=minutes)
