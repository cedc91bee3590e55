"""Is a question ("今天停水吗", "电梯什么时候修好", "家里没水了") answered by a notice in force?

The rule is general: an outage or maintenance notice (one whose text says 停/断/检修/维修/保养/施工…)
covers the utilities or facilities it names; a question about a utility being off, or about the
lift, is answered by a current notice covering the same thing for the asker's building.
The text rules live in intents/outage_topics.py.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.config import Settings
from bot.notices import compose as notices
from intents.outage_topics import announced_topics, question_topics
from storage.models import Notice, Person


def notice_topics(notice: Notice) -> set[str]:
    return announced_topics(f"{notice.title}\n{notice.body}")


def matching(
    session: Session, settings: Settings, person: Person, text: str, now: datetime
) -> Notice | None:
    """The newest notice in force for this person that covers what the question is about."""
    asked = question_topics(text)
    if not asked:
        return None
    for notice in notices.current(session, settings, person, now, limit=20):
        if notice_topics(notice) & asked:
            return notice
    return None
