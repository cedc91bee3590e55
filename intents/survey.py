"""Read an answer to "请为本次服务打分 (1-5)": a rating, and whether words came with it."""

from __future__ import annotations

import re

from intents.normalize import normalize_surface
from intents.numerals import chinese_to_int

# Verbal ratings, most specific first: "非常不满意" must be read before "满意".
VERBAL_RATINGS: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(p), score)
    for p, score in (
        (r"(非常|很|特别|十分|极其|太|超级?)不满意?|极差|很差|太差|超差|差评|差劲|垃圾|糟糕|失望|👎", 1),
        (r"不太满意|不大满意|不怎么满意|不满意|不怎么样|不太好|不好|较差|有点差|差", 2),
        (r"还行|一般|凑合|还可以|马马虎虎|过得去|中规中矩|普通|勉强", 3),
        (r"(非常|很|特别|十分|超级?|太|相当|真)满意|满分|好评|非常好|很棒|太棒|超棒|完美|五星|👍|赞", 5),
        # 好的 as an answer ("好的"), not as the result of a verb ("刚修好的水管又坏了")
        (r"满意|挺好|不错|比较好|蛮好|可以|(?<![修弄搞做换装补通])好的|还不错|棒", 4),
    )
)

# "5", "5分", "给4星", "打五分", "5⭐", "⭐⭐⭐⭐", "5 5 5"
_NUM = r"([1-5]|[一二两三四五])"
_NUMERIC = re.compile(rf"(?<![\d.])(?:给个?|打个?|评个?)?\s*{_NUM}\s*(?:分|星|颗星|⭐|★)(?!\d)")
_BARE_NUMBER = re.compile(rf"^\s*{_NUM}(?:[\s,.。!]+{_NUM})*\s*[.。!]*\s*$")
_STARS = re.compile(r"[⭐★🌟]")

# A question or a request instead of a rating.
_QUESTION = re.compile(r"[?？]|吗|呢$|多少|怎么|几点|哪里|哪儿|什么时候|能不能|可不可以|是不是")
# Complaints about the work that come without a score are still comments.
_FEEDBACK = re.compile(r"没修好|修不好|还没|又坏|又漏|烦|差|慢|迟到|没人|态度|乱|贵|脏|不行|评什么")

# What is left after the rating that is only filler, not a comment.
_FILLER = re.compile(r"[\s\d,.。!?~、…:;，！？；：\"'“”（）()⭐★🌟👍👎]|[给打评个分星颗吧了啊呀哈哦嗯的我就吧]")
_COMMENT_MIN_CHARS = 2


def _digit(s: str) -> int | None:
    return int(s) if s.isdigit() else chinese_to_int(s)


def _numeric_rating(t: str) -> tuple[int | None, str]:
    m = _BARE_NUMBER.match(t)
    if m:
        return _digit(m.group(1)), ""
    m = _NUMERIC.search(t)
    if m:
        return _digit(m.group(1)), t[: m.start()] + " " + t[m.end() :]
    stars = _STARS.findall(t)
    if 1 <= len(stars) <= 5 and not re.search(r"\d", t):
        return len(stars), _STARS.sub(" ", t)
    return None, t


def _verbal_rating(t: str) -> tuple[int | None, str]:
    for pattern, score in VERBAL_RATINGS:
        m = pattern.search(t)
        if m:
            return score, t[: m.start()] + " " + t[m.end() :]
    return None, t


def _has_words(rest: str) -> bool:
    return len(_FILLER.sub("", rest)) >= _COMMENT_MIN_CHARS


def read_survey_answer(text: str) -> tuple[int | None, bool]:
    """(rating 1-5 or None, whether the resident also wrote a comment)."""
    t = normalize_surface(text)
    if not t:
        return None, False
    rating, rest = _numeric_rating(t)
    if rating is None:
        # "不怎么样" rates the work; it is not a "怎么" question
        if _QUESTION.search(t.replace("不怎么", "")) and not re.search(r"满意|好评|差评", t):
            return None, bool(_FEEDBACK.search(t))
        rating, rest = _verbal_rating(t)
    if rating is None:
        return None, bool(_FEEDBACK.search(t))
    # the rest of a verbal answer may repeat praise words ("非常满意👍👍"): drop them
    _, rest_after = _verbal_rating(rest)
    while rest_after != rest:
        rest = rest_after
        _, rest_after = _verbal_rating(rest)
    return rating, _has_words(rest)
