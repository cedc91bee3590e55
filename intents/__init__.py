"""Natural-language understanding for wuye: resident text in, Intent out. Pure: no I/O
beyond reading its own data files, no database, no web framework."""

from __future__ import annotations

from intents.faq import FaqEntry
from intents.model import INTENT_NAMES, Context, Intent
from intents.slots import extract_slots
from intents.survey import read_survey_answer
from intents.understander import FAQ_CANDIDATES, FAQ_DIRECT_ANSWER, Understander

__all__ = [
    "FAQ_CANDIDATES",
    "FAQ_DIRECT_ANSWER",
    "INTENT_NAMES",
    "Context",
    "FaqEntry",
    "Intent",
    "Understander",
    "extract_slots",
    "read_survey_answer",
    "understand",
]

_cache: dict[int, Understander] = {}


def _default_understander() -> Understander:
    from intents.faq import default_faq

    if 0 not in _cache:
        _cache[0] = Understander(default_faq())
    return _cache[0]


def understand(
    text: str, context: Context | None = None, kb: list[FaqEntry] | Understander | None = None
) -> Intent:
    """Read one message. `kb` is an FAQ (list of entries) or a ready Understander;
    by default the shipped FAQ. An Understander is built once per distinct FAQ list."""
    if isinstance(kb, Understander):
        u = kb
    elif kb is None:
        u = _default_understander()
    else:
        key = id(kb)
        u = _cache.get(key)
        if u is None or u.faq is not kb and u.faq != list(kb):
            u = _cache[key] = Understander(kb)
    return u.understand(text, context)
