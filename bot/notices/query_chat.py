"""最近有什么通知 / 今天停水吗: the notices in force for the asker's building, newest first, or the
outage notice that answers their question."""

from __future__ import annotations

from bot.dialogue.turn import Turn
from bot.notices import compose as notices
from storage.models import Notice

BODY_PREVIEW = 80  # characters of each notice's body in the list; the push had the whole text


def handle(turn: Turn) -> str | None:
    settings = turn.settings
    found = notices.current(turn.session, settings, turn.person, turn.now)
    if not found:
        return turn.say("notice_none")
    lines = [turn.say("notice_list_header", count=len(found))]
    for i, n in enumerate(found, start=1):
        until = turn.say("notice_list_until", until=notices.local_label(settings, n.until)) if n.until else ""
        body = n.body if len(n.body) <= BODY_PREVIEW else n.body[:BODY_PREVIEW] + "…"
        lines.append(turn.say("notice_list_item", index=i, title=n.title, body=body, until=until,
                              date=notices.local_label(settings, n.send_at, "%m月%d日")))
    return "\n".join(lines)


def end_label(turn: Turn, notice: Notice) -> str:
    if notice.until is None:
        return turn.say("outage_end_unknown")
    return turn.say("outage_end", until=notices.local_label(turn.settings, notice.until))


def answer_outage(turn: Turn, notice: Notice) -> str:
    """A question ("今天停水吗") answered from the notice that covers it."""
    return turn.say("outage_answer", title=notice.title, body=notice.body, end=end_label(turn, notice))
