"""The evidence about one message as a fixed-length vector for the intent classifier.

Features are properties of the language and of the match against the FAQ in use
(cue weights, question form, best FAQ match, nearest typical message), never of
particular sentences, so a model trained on them transfers to other messages and
to another company's FAQ.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from intents.faq_index import FaqHit
from intents.thresholds import (
    CUE_CAP,
    DOMAIN_CAP,
    EXAMPLE_MAX_SCALE,
    EXAMPLE_SPREAD_SCALE,
    EXAMPLE_TYPICAL_COSINE,
)

CUE_INTENTS: tuple[str, ...] = (
    "repair", "complaint", "praise", "ticket_status", "cancel_ticket", "notice_query", "human", "bind",
)
EXAMPLE_INTENTS: tuple[str, ...] = (
    "repair", "complaint", "praise", "faq", "ticket_status", "cancel_ticket", "notice_query",
    "human", "bind", "chitchat", "unknown",
)

LEXICAL_FEATURES: tuple[str, ...] = (
    *(f"cue:{i}" for i in CUE_INTENTS),
    "small_talk", "question", "policy", "denied",
    "faq:lexical", "faq:lexical_gap", "faq:known_fraction", "domain",
    "len:log_cjk", "len:no_cjk", "slot:address", "slot:phone", "bias",
    *(f"ng:{i}" for i in EXAMPLE_INTENTS),
)
SEMANTIC_FEATURES: tuple[str, ...] = (
    "faq:semantic", "faq:combined", "faq:semantic_gap",
    *(f"ex:{i}" for i in EXAMPLE_INTENTS),
    "ex:max", "faq:asked_match",
)


@dataclass
class Evidence:
    """Everything the decision looks at, kept for evaluation and debugging."""

    text: str
    cues: dict[str, float]
    denied: set[str]
    small_talk: bool
    question: bool
    policy: bool
    faq_hits: list[FaqHit]
    known_fraction: float
    cjk: int
    has_address: bool
    has_phone: bool
    domain: int = 0  # property-service words named (intents/lexicon.py DOMAIN)
    examples: dict[str, float] = field(default_factory=dict)
    semantic_used: bool = False
    ngram: dict[str, float] = field(default_factory=dict)  # intents/ngram.py, per intent
    head: dict[str, float] = field(default_factory=dict)  # intents/head.py, when e5 ran


def lexical_vector(ev: Evidence) -> list[float]:
    hits = ev.faq_hits
    top_lex = max((h.lexical for h in hits), default=0.0)
    second_lex = sorted((h.lexical for h in hits), reverse=True)[1] if len(hits) > 1 else 0.0
    return [
        *(min(ev.cues.get(i, 0.0), CUE_CAP) for i in CUE_INTENTS),
        float(ev.small_talk), float(ev.question), float(ev.policy), float(bool(ev.denied)),
        top_lex, top_lex - second_lex, ev.known_fraction,
        min(ev.domain, DOMAIN_CAP) / DOMAIN_CAP,
        math.log1p(ev.cjk), float(ev.cjk == 0), float(ev.has_address), float(ev.has_phone), 1.0,
        *(ev.ngram.get(i, 0.0) for i in EXAMPLE_INTENTS),
    ]


def semantic_vector(ev: Evidence) -> list[float]:
    hits = ev.faq_hits
    sem = [h.semantic for h in hits]
    top_sem = max(sem, default=0.0)
    second_sem = sorted(sem, reverse=True)[1] if len(sem) > 1 else 0.0
    sims = [ev.examples.get(i, 0.0) for i in EXAMPLE_INTENTS]
    mean = sum(sims) / len(sims) if sims else 0.0
    return [
        top_sem, hits[0].score if hits else 0.0, top_sem - second_sem,
        *((s - mean) * EXAMPLE_SPREAD_SCALE for s in sims),
        (max(sims, default=0.0) - EXAMPLE_TYPICAL_COSINE) * EXAMPLE_MAX_SCALE,
        # the FAQ rescue's evidence as a feature: a message that asks (question form or a
        # policy/cost form) and how well it matches the FAQ - the model weighs it, not a ratio
        (hits[0].score if hits else 0.0) * float(ev.question or ev.policy),
    ]
