"""When an outage a notice announces actually happens, read from its text, and which day a
resident asks about.

A notice published last night says "明天10:00至16:00停水": at 02:05 the water is not yet off, so
"家里怎么没水了" is not answered by it; "明天还停水不" asks about tomorrow, not about today.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from bot.config import Settings
from bot.tickets.flow import local

_REL_DAY = {"今天": 0, "今日": 0, "今晚": 0, "今早": 0, "现在": 0, "明天": 1, "明日": 1, "明早": 1, "明晚": 1,
            "后天": 2, "大后天": 3}
_REL = re.compile("|".join(sorted(_REL_DAY, key=len, reverse=True)))
_YMD = re.compile(r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*[日号]?")
_MD = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
# "3日", "3号上午", "3号停水"; not "5号楼", "2号电梯"
_D = re.compile(r"(?<![\d月])(\d{1,2})\s*(?:日|号(?=\s*(?:[上下中晚早凌全]|[（(，,、\s]|停|起|至|到|当天|$)))(?!\d)")
_PART = r"(上午|早上|中午|下午|晚上|傍晚|凌晨)?"
_CLOCK = r"(\d{1,2})\s*(?:[:：]\s*(\d{2})|点\s*(半|\d{1,2}分?)?)"
_RANGE = re.compile(rf"{_PART}\s*{_CLOCK}\s*(?:至|到|-|—|–|~|～)\s*{_PART}\s*{_CLOCK}")
_PM = ("下午", "晚上", "傍晚")


def _hour(part: str | None, hour: int) -> int:
    return hour + 12 if part in _PM and hour < 12 else hour


def _minute(colon: str | None, dian: str | None) -> int:
    if colon:
        return int(colon)
    if dian == "半":
        return 30
    return int(dian.rstrip("分")) if dian else 0


def mentioned_day(text: str, today: date) -> date | None:
    """The day a text names (今天, 明天, 12月3日, 2026-12-03, 3号), or None."""
    m = _YMD.search(text)
    if m:
        return _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _MD.search(text)
    if m:
        day = _valid(today.year, int(m.group(1)), int(m.group(2)))
        if day is not None and day < today - timedelta(days=180):
            day = _valid(today.year + 1, int(m.group(1)), int(m.group(2)))
        return day
    m = _REL.search(text)
    if m:
        return today + timedelta(days=_REL_DAY[m.group(0)])
    m = _D.search(text)
    if m:
        day = _valid(today.year, today.month, int(m.group(1)))
        if day is not None and day < today - timedelta(days=15):
            nxt = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
            day = _valid(nxt.year, nxt.month, int(m.group(1)))
        return day
    return None


def _valid(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def window(settings: Settings, title: str, body: str, published: datetime) -> tuple[datetime, datetime] | None:
    """(start, end) of the outage the notice announces, aware; None when its text gives no day."""
    text = f"{title}\n{body}"
    sent = local(settings, published)
    day = mentioned_day(text, sent.date())
    m = _RANGE.search(text)
    if day is None and m is None:
        return None
    tz = settings.community.tz
    if m is None:
        assert day is not None
        start = datetime.combine(day, time(0, 0), tz)
        return start, start + timedelta(days=1)
    p1, h1, c1, d1, p2, h2, c2, d2 = m.groups()
    start_t = time(_hour(p1, int(h1)) % 24, _minute(c1, d1))
    end_t = time(_hour(p2 or p1, int(h2)) % 24, _minute(c2, d2))
    if day is None:
        # no day given: the next time the window comes round after publishing
        day = sent.date() if datetime.combine(sent.date(), end_t, tz) > sent else sent.date() + timedelta(days=1)
    start = datetime.combine(day, start_t, tz)
    end = datetime.combine(day, end_t, tz)
    if end <= start:
        end += timedelta(days=1)
    return start, end
