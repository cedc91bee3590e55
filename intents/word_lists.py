"""The shipped word lists (intents/data/lexicon.toml): synonyms and evaluative words.

Data, not code: a company word or a new verdict word is a line in the TOML file.
"""

from __future__ import annotations

import functools
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
def _evaluative() -> tuple[tuple[str, ...], tuple[str, ...]]:
    ev = _lexicon().get("evaluative", {})
    by_length = lambda words: tuple(sorted({str(w) for w in words}, key=lambda w: -len(w)))  # noqa: E731
    return by_length(ev.get("complaint", ())), by_length(ev.get("praise", ()))


def verdict_words(text: str) -> tuple[list[str], list[str]]:
    """The complaint words and the praise words in `text`. Complaint words are found (and
    blanked) first, so negated praise ("不负责", "不满意") never counts as praise."""
    complaint_words, praise_words = _evaluative()
    found_c: list[str] = []
    for w in complaint_words:
        if w in text:
            found_c.append(w)
            text = text.replace(w, "\x00")
    found_p = [w for w in praise_words if w in text]
    return found_c, found_p
