"""Is a question ("今天停水吗", "电梯什么时候修好", "家里没水了") answered by a notice in force?

The rule is general: an outage or maintenance notice (one whose text says 停/断/检修/维修/保养/施工…)
covers the utilities or facilities it names; a question about a utility being off, or about the
lift, is answered by a current notice covering the same thing for the asker's building.
The text rules live in intents/outage_topics.py.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session

from bot.config import Settings
from bot.notices import compose as notices
from bot.notices.outage_window import mentioned_day, window
from bot.tickets.flow import local
from intents.outage_topics import announced_topics, question_topics
from storage.models import Notice, Person


def notice_topics(notice: Notice) -> set[str]:
    return announced_topics(f"{notice.title}\n{notice.body}")


def matching(
    session: Session, settings: Settings, person: Person, text: str, now: datetime
) -> Notice | None:
    """The notice in force for this person that covers what the question is about, and the time
    it asks about: "明天还停水不" wants tomorrow's outage, "家里怎么没水了" one that is on now. A
    notice for the asker's own building is a closer answer than one for the whole community."""
    asked = question_topics(text)
    if not asked:
        return None
    today = local(settings, now).date()
    day = mentioned_day(text, today)
    found: list[Notice] = []
    for notice in notices.current(session, settings, person, now, limit=20):
        if notice_topics(notice) & asked and _covers(settings, notice, day, now):
            found.append(notice)
    found.sort(key=lambda n: not n.audience.startswith("building"))  # stable: newest first within each
    return found[0] if found else None


def upcoming(
    session: Session, settings: Settings, person: Person, text: str, now: datetime,
    within: timedelta = timedelta(hours=24),
) -> tuple[Notice, datetime, datetime] | None:
    """An announced outage on what the message is about that has not begun yet, with its window.

    "家里没水了" at 02:05 when the notice says 10:00-16:00 is a fault of its own; the resident should
    still hear that the planned outage is a different, later thing, or they wait for it to end."""
    asked = question_topics(text)
    if not asked or mentioned_day(text, local(settings, now).date()) is not None:
        return None  # "明天还停水不" asks about the day itself: matching() answers that
    soonest: tuple[Notice, datetime, datetime] | None = None
    for notice in notices.current(session, settings, person, now, limit=20):
        span = window(settings, notice.title, notice.body, notice.send_at)
        if span is None or not notice_topics(notice) & asked:
            continue
        start, end = span
        if now < start <= now + within and (soonest is None or start < soonest[1]):
            soonest = (notice, start, end)
    return soonest


def _covers(settings: Settings, notice: Notice, day: date | None, now: datetime) -> bool:
    span = window(settings, notice.title, notice.body, notice.send_at)
    if span is None:  # the text gives no time: in force is all we know
        if day is None or notice.until is None:
            return True
        return local(settings, notice.until).date() >= day
    start, end = span
    if day is None:
        return start <= now < end  # "家里没水了": only an outage that is on now explains it
    return start.date() <= day <= (end - timedelta(microseconds=1)).date()
