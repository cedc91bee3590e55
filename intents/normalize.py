"""Bring a resident's message to one canonical spelling before anything reads it.

Residents type on phones with full-width keyboards, traditional-character input
methods and colloquial spellings; every later stage (rules, n-grams, slots,
embeddings) is simpler and generalises better if it sees one spelling only.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import islice

from intents.thresholds import MAX_MODEL_CHARS

try:  # opencc ships its dictionaries in the wheel; without it we keep the text as typed
    import opencc

    _T2S = opencc.OpenCC("t2s")
except Exception:  # pragma: no cover - optional dependency missing or broken
    _T2S = None

# Colloquial / internet spellings that mean exactly the standard word. Only whole
# forms that cannot be part of another word are listed, so a blind replace is safe.
COLLOQUIAL: tuple[tuple[str, str], ...] = (
    ("肿么", "怎么"),
    ("咋个", "怎么"),
    ("咋样", "怎么样"),
    ("咋", "怎么"),
    ("神马", "什么"),
    ("啥子", "什么"),
    ("啥", "什么"),
    ("木有", "没有"),
    ("没得", "没有"),
    ("俺", "我"),
    ("滴滴答答", "滴水"),
    ("煤气", "燃气"),
    ("天然气", "燃气"),
    ("临停", "临时停车"),
    ("电瓶车", "电动车"),
    ("小电驴", "电动车"),
    ("电单车", "电动车"),
    ("厕所", "卫生间"),
    ("洗手间", "卫生间"),
    ("坐便器", "马桶"),
    ("座便器", "马桶"),
    ("缴纳", "交"),
    ("缴费", "交费"),
    ("缴", "交"),
    ("付款", "交"),
    ("支付", "交"),
)

# Characters that carry no meaning for understanding (keep 0-9, letters, CJK, and
# the punctuation that shapes a question or an address).
_REPEAT_PUNCT = re.compile(r"([!?！？。，,.~～…、])\1+")
_SPACES = re.compile(r"\s+")
_EMOJI_VARIATION = re.compile("[\ufe0f\ufe0e\u200d]")


def bound(text: str, limit: int = MAX_MODEL_CHARS) -> str:
    """The part of a message that understanding reads: NFKC, no combining marks, at most
    `limit` characters from the start.

    Every later stage costs time in proportion to the text (e5 far more than the rules),
    so a 60 KiB paste or a run of thousands of combining marks must not reach them.
    Marks are dropped before the (cheap) NFKC so it never sees more than a few times
    `limit` characters, and again after it, since NFKC can decompose.
    """
    if len(text) <= limit and text.isascii():
        return text
    kept = "".join(islice((c for c in text if not _is_mark(c)), 4 * limit))
    t = unicodedata.normalize("NFKC", kept)
    return "".join(c for c in t if not _is_mark(c))[:limit]


def _is_mark(ch: str) -> bool:
    # nonspacing (accents, variation selectors) and enclosing marks; Chinese has none
    return unicodedata.category(ch) in ("Mn", "Me")


def to_simplified(text: str) -> str:
    return _T2S.convert(text) if _T2S is not None else text


@lru_cache(maxsize=4096)
def normalize_surface(text: str) -> str:
    """Width, script, case and punctuation only: safe for slot and survey reading."""
    t = unicodedata.normalize("NFKC", text)
    t = _EMOJI_VARIATION.sub("", t)
    t = to_simplified(t)
    t = t.replace("〇", "零").replace("○", "零")
    t = t.replace("？", "?").replace("！", "!").replace("，", ",")
    t = _REPEAT_PUNCT.sub(r"\1", t)
    t = _SPACES.sub(" ", t).strip()
    return t


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """Canonical form for understanding: surface normalisation plus colloquial folding."""
    t = normalize_surface(text).lower()
    for src, dst in COLLOQUIAL:
        if src in t:
            t = t.replace(src, dst)
    return t


_CJK = re.compile(r"[\u4e00-\u9fff]")


def cjk_count(text: str) -> int:
    return len(_CJK.findall(text))
