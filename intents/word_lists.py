"""The shipped word lists (intents/data/lexicon.toml): synonyms and evaluative words.

Data, not code: a company word or a new verdict word is a line in the TOML file.
"""

from __future__ import annotations

import functools
import re
import tomllib
from importlib import resources
from typing import Any

LEXICON_FILE = "lexicon.toml"


@functools.cache
def _lexicon() -> dict[str, Any]:
    return tomllib.loads(resources.files("intents.data").joinpath(LEXICON_FILE).read_text("utf-8"))


@functools.cache
def synonyms() -> tuple[tuple[str, str], ...]:
    """(variant, canonical) pairs, longest variant first so "梯控卡" goes before "梯控"."""
    pairs = [(str(k), str(v)) for k, v in _lexicon().get("synonyms", {}).items()]
    return tuple(sorted(pairs, key=lambda kv: -len(kv[0])))


def fold_synonyms(text: str) -> str:
    for variant, canonical in synonyms():
        if variant in text and canonical not in text:
            text = text.replace(variant, canonical)
    return text


@functools.cache
def _dialect() -> tuple[tuple[str, str], ...]:
    pairs = [(str(k), str(v)) for k, v in _lexicon().get("dialect", {}).items()]
    return tuple(sorted(pairs, key=lambda kv: -len(kv[0])))


def fold_dialect(text: str) -> str:
    """Cantonese-flavoured and regional words in Mandarin ("水喉爆咗" -> "水管爆了")."""
    for variant, mandarin in _dialect():
        if variant in text:
            text = text.replace(variant, mandarin)
    return text


@functools.cache
def _evaluative() -> tuple[tuple[str, ...], tuple[str, ...]]:
    ev = _lexicon().get("evaluative", {})
    by_length = lambda words: tuple(sorted({str(w) for w in words}, key=lambda w: -len(w)))  # noqa: E731
    return by_length(ev.get("complaint", ())), by_length(ev.get("praise", ()))


@functools.cache
def _phrases(key: str) -> tuple[str, ...]:
    return tuple(str(w) for w in _lexicon().get("evaluative", {}).get(key, ()))


@functools.cache
def _complaint_patterns() -> re.Pattern[str] | None:
    patterns = _phrases("complaint_patterns")
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


def neglect_phrases(text: str) -> list[str]:
    """Phrases of neglect or nuisance ("一天到晚刷手机", "问啥都说不知道")."""
    return [w for w in _phrases("neglect") if w in text]


def is_ironic(text: str) -> bool:
    """Warm words said with a sneer: an irony marker ("可真", "真够", "好一个") and a phrase
    of neglect or nuisance in the same message."""
    return any(m in text for m in _phrases("irony_markers")) and bool(neglect_phrases(text))


def credit_words(text: str) -> list[str]:
    """Credit given for a good deed ("多亏", "第一时间送医院", "谢谢他")."""
    return [w for w in _phrases("credit") if w in text]


def verdict_words(text: str) -> tuple[list[str], list[str]]:
    """The complaint words and the praise words in `text`. Complaint words are found (and
    blanked) first, so negated praise ("不负责", "不满意") never counts as praise; a trait
    said to be too much ("脾气可真大") is a complaint word; and in an ironic message
    (`is_ironic`) the warm words are the sneer, so none counts as praise."""
    complaint_words, praise_words = _evaluative()
    found_c: list[str] = []
    pattern = _complaint_patterns()
    if pattern is not None:
        for m in pattern.finditer(text):
            found_c.append(m.group(0))
        text = pattern.sub("\x00", text)
    for w in complaint_words:
        if w in text:
            found_c.append(w)
            text = text.replace(w, "\x00")
    if is_ironic(text):
        return [*found_c, "(irony)"], []
    found_p = [w for w in praise_words if w in text]
    return found_c, found_p
