"""Natural-language understanding for wuye: resident text in, Intent out. Pure: no I/O
beyond reading its own data files, no database, no web framework."""

from __future__ import annotations

from intents.faq import FaqEntry
from intents.model import INTENT_NAMES, Context, Intent
from intents.slots import extract_slots
from intents.survey import read_survey_answer
from intents.thresholds import FAQ_CANDIDATES, FAQ_DIRECT_ANSWER
from intents.understander import Understander

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

_DEFAULT: list[Understander] = []
# Understanders for FAQs passed to understand(), keyed by content (FaqEntry is frozen).
_BY_FAQ: dict[tuple[FaqEntry, ...], Understander] = {}
_MAX_CACHED = 4


def _default_understander() -> Understander:
    from intents.faq import default_faq

    if not _DEFAULT:
        _DEFAULT.append(Understander(default_faq()))
    return _DEFAULT[0]


def understand(
    text: str, context: Context | None = None, kb: list[FaqEntry] | Understander | None = None
) -> Intent:
    """Read one message. `kb` is an FAQ (list of entries) or a ready Understander;
    by default the shipped FAQ. An Understander is built once per distinct FAQ."""
    if isinstance(kb, Understander):
        u = kb
    elif kb is None:
        u = _default_understander()
    else:
        key = tuple(kb)
        u = _BY_FAQ.get(key)
        if u is None:
            if len(_BY_FAQ) >= _MAX_CACHED:
                _BY_FAQ.pop(next(iter(_BY_FAQ)))
            u = _BY_FAQ[key] = Understander(list(kb))
    return u.understand(text, context)
