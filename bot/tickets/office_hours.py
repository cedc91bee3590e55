"""When the desk is staffed, and the wording of a promise made outside those hours.

A promise of "30分钟内" at 02:01, or of a call at 04:00, is one nobody keeps: outside office
hours the bot says when the desk opens instead.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.config import Settings, parse_hours
from bot.tickets.flow import local
from replies import render


def is_open(settings: Settings, when: datetime) -> bool:
    start, end = parse_hours(settings.community.office_hours)
    t = local(settings, when)
    minute = t.hour * 60 + t.minute
    return start <= minute < end if start <= end else (minute >= start or minute < end)


def next_opening(settings: Settings, when: datetime) -> datetime:
    """`when` if the desk is open then, else when it next opens (aware UTC)."""
    if is_open(settings, when):
        return when
    start, _ = parse_hours(settings.community.office_hours)
    t = local(settings, when)
    opening = t.replace(hour=start // 60 % 24, minute=start % 60, second=0, microsecond=0)
    if opening <= t:
        opening += timedelta(days=1)
    return opening.astimezone(UTC)


def within_hours(settings: Settings, start: datetime, hours: float) -> datetime:
    """A deadline `hours` of desk time after `start`: the clock runs from when the desk is open."""
    begin = next_opening(settings, start)
    due = begin + timedelta(hours=hours)
    return due if is_open(settings, due) else next_opening(settings, due) + timedelta(hours=hours)


def when_label(settings: Settings, when: datetime, now: datetime) -> str:
    """"08:30" today, "明天08:30", or "12月05日08:30"."""
    t, today = local(settings, when), local(settings, now).date()
    if t.date() == today:
        return t.strftime("%H:%M")
    if t.date() == today + timedelta(days=1):
        return render("day_tomorrow", settings.community) + t.strftime("%H:%M")
    return t.strftime("%m月%d日%H:%M")
