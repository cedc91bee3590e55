"""Is a question ("今天停水吗", "电梯什么时候修好", "家里没水了") answered by a notice in force?

The rule is general: an outage or maintenance notice (one whose text says 停/断/检修/维修/保养/施工…)
covers the utilities or facilities it names; a question about a utility being off, or about the
lift, is answered by a current notice covering the same thing for the asker's building.
New topics are one line in TOPICS.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlmodel import Session

from bot import notices
from bot.config import Settings
from storage.models import Notice, Person

# topic -> (how a resident asks about it being off, how a notice announces it)
TOPICS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "water": (
        re.compile(r"停水|断水|没水|没有水|无水|不出水|出不来水|水停|来水|供水|水压|水很小|水小"),
        re.compile(r"停水|断水|供水|水管|管网|水箱|水泵|自来水"),
    ),
    "power": (
        re.compile(r"停电|断电|没电|没有电|无电|来电|供电|电停"),
        re.compile(r"停电|断电|供电|电力|线路|配电"),
    ),
    "gas": (
        re.compile(r"停气|断气|没气|没有气|没燃气|没有燃气|没天然气|来气|供气|打不着火|点不着火"),
        re.compile(r"停气|断气|供气|燃气|天然气|煤气"),
    ),
    "lift": (
        re.compile(r"电梯"),
        re.compile(r"电梯"),
    ),
}
# What makes a notice an outage or maintenance notice rather than, say, an event invitation.
MAINTENANCE = re.compile(r"停|断|检修|维修|维护|保养|施工|改造|清洗|抢修|暂停|关闭|更换")


def question_topics(text: str) -> set[str]:
    return {name for name, (asked, _) in TOPICS.items() if asked.search(text)}


def notice_topics(notice: Notice) -> set[str]:
    text = f"{notice.title}\n{notice.body}"
    if not MAINTENANCE.search(text):
        return set()
    return {name for name, (_, announced) in TOPICS.items() if announced.search(text)}


def matching(session: Session, settings: Settings, person: Person, text: str, now: datetime) -> Notice | None:
    """The newest notice in force for this person that covers what the question is about."""
    asked = question_topics(text)
    if not asked:
        return None
    for notice in notices.current(session, settings, person, now, limit=20):
        if notice_topics(notice) & asked:
            return notice
    return None
