"""Outage topics: what a resident asks about (water, power, gas, the lift) and what an outage or
maintenance notice announces. Pure text rules; bot/outage.py matches them against notices in force.
New topics are one line in TOPICS."""

from __future__ import annotations

import re

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


def announced_topics(text: str) -> set[str]:
    """Topics an outage/maintenance notice covers; none for other notices (e.g. an event)."""
    if not MAINTENANCE.search(text):
        return set()
    return {name for name, (_, announced) in TOPICS.items() if announced.search(text)}
