"""Text in, Intent out: normalisation, rules, lexical and semantic evidence combined.

Pipeline per message (see intents/README.md for the measurements behind it):
1. the dialogue context may settle it at once (survey answer, numbered FAQ choice,
   "算了" inside a half-filled form) - see intents/context_rules.py;
2. normalise (width, script, colloquial spellings) and repair pinyin typos;
3. keyword cues per intent, with "不是报修"-style denials removed;
4. FAQ retrieval: BM25 over character n-grams, plus e5 embeddings when the lexical
   evidence is not decisive (the semantic tier costs ~20 ms, the rest < 1 ms);
5. a weighted sum per intent, then calibrated thresholds pick the intent, or
   "unknown" when nothing is convincing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from intents import context_rules
from intents.examples import ExampleIndex, load_examples
from intents.faq import FaqEntry
from intents.faq_index import FaqHit, FaqIndex
from intents.homophones import HomophoneFixer
from intents.lexicon import POLICY, QUESTION, cue_scores, is_small_talk, negated_intents
from intents.model import Context, Intent
from intents.normalize import cjk_count, normalize
from intents.semantic import Encoder, semantic_enabled
from intents.slots import extract_slots

# ---- calibrated constants (dev sets in ../shared/nlu; see intents/README.md) -----
# FAQ match strength at or above which the bot answers directly; between
# FAQ_CANDIDATES and this it offers the top three as a numbered list.
FAQ_DIRECT_ANSWER = 0.62
FAQ_CANDIDATES = 0.35
# Weight of the FAQ match in the "faq" score, and the extra a question form adds.
FAQ_MATCH_WEIGHT = 2.2
QUESTION_BONUS = 0.5
POLICY_BONUS = 0.6
# Semantic nearest-example evidence: cosine above the floor, scaled.
EXAMPLE_FLOOR = 0.80
EXAMPLE_WEIGHT = 6.0
# Below this best score nothing is convincing: fall back to "unknown".
UNKNOWN_BELOW = 0.75
# Lexical evidence this strong for one intent, with this margin, skips the semantic tier.
DECISIVE_SCORE = 1.6
DECISIVE_MARGIN = 0.8


@dataclass
class Evidence:
    """Everything the decision looked at, kept for evaluation and debugging."""

    text: str
    cues: dict[str, float]
    denied: set[str]
    small_talk: bool
    question: bool
    policy: bool
    faq_hits: list[FaqHit]
    examples: dict[str, float] = field(default_factory=dict)
    semantic_used: bool = False
    scores: dict[str, float] = field(default_factory=dict)


class Understander:
    """Built once per FAQ (cheap: no model work until a message needs it), reused per message."""

    def __init__(
        self,
        faq: Sequence[FaqEntry],
        *,
        semantic: bool | None = None,
        examples: dict[str, list[str]] | None = None,
    ) -> None:
        self.faq = list(faq)
        self.fixer = HomophoneFixer()
        self.encoder: Encoder | None = (
            Encoder() if (semantic_enabled() if semantic is None else semantic) else None
        )
        self.faq_index = FaqIndex(self.faq, self.prepare, self.encoder)
        self.example_index: ExampleIndex | None = None
        if self.encoder is not None:
            phrasings = [p for e in self.faq for p in (e.question, *e.alternates)]
            self.example_index = ExampleIndex(
                examples if examples is not None else load_examples(), phrasings, self.encoder
            )

    def prepare(self, text: str) -> str:
        return self.fixer.fix(normalize(text))

    def warm_up(self) -> None:
        """Load the model and embed the FAQ now (at worker start) instead of on first use."""
        if self.encoder is not None and self.example_index is not None:
            self.faq_index.ensure_vectors()
            self.example_index.ensure_vectors()
            self.encoder.query("你好")

    # ---- public ----------------------------------------------------------------
    def understand(self, text: str, context: Context | None = None) -> Intent:
        ctx = context or Context()
        slots = extract_slots(text)
        settled = context_rules.read_in_context(text, ctx, slots)
        if settled is not None and settled.rating is None:
            return settled
        intent = self._read(text, slots)
        if settled is not None:  # a survey answer: keep the reading, add the rating
            intent.rating, intent.has_comment = settled.rating, settled.has_comment
            if intent.name in ("unknown", "chitchat"):
                intent.confidence = max(intent.confidence, settled.confidence)
        return intent

    def evidence(self, text: str) -> Evidence:
        prepared = self.prepare(text)
        denied, clean = negated_intents(prepared)
        cues = {k: v for k, v in cue_scores(clean).items() if k not in denied}
        ev = Evidence(
            text=clean,
            cues=cues,
            denied=denied,
            small_talk=is_small_talk(clean),
            question=bool(QUESTION.search(clean)),
            policy=bool(POLICY.search(clean)),
            faq_hits=self.faq_index.search(clean),
        )
        ev.scores = self._score(ev)
        if self.encoder is not None and not self._decisive(ev.scores):
            qvec = self.encoder.query(clean)
            ev.semantic_used = True
            ev.faq_hits = self.faq_index.search(clean, qvec)
            assert self.example_index is not None
            ev.examples = self.example_index.similarities(qvec)
            ev.scores = self._score(ev)
        return ev

    # ---- decision ----------------------------------------------------------------
    def _score(self, ev: Evidence) -> dict[str, float]:
        scores = dict(ev.cues)
        faq_match = ev.faq_hits[0].score if ev.faq_hits else 0.0
        faq = FAQ_MATCH_WEIGHT * faq_match
        if ev.question:
            faq += QUESTION_BONUS
        if ev.policy:
            faq += POLICY_BONUS
        scores["faq"] = faq
        # a question about policy is not a fault report, however broken the thing is
        if ev.policy and ev.question and "repair" in scores:
            scores["repair"] *= 0.5
        for intent, sim in ev.examples.items():
            if sim > EXAMPLE_FLOOR:
                bonus = EXAMPLE_WEIGHT * (sim - EXAMPLE_FLOOR)
                scores[intent] = scores.get(intent, 0.0) + bonus
        if ev.small_talk:
            scores["chitchat"] = scores.get("chitchat", 0.0) + 3.0
        return scores

    @staticmethod
    def _decisive(scores: dict[str, float]) -> bool:
        ranked = sorted(scores.values(), reverse=True)
        if not ranked or ranked[0] < DECISIVE_SCORE:
            return False
        return len(ranked) == 1 or ranked[0] - ranked[1] >= DECISIVE_MARGIN

    def _read(self, text: str, slots: dict[str, Any]) -> Intent:
        ev = self.evidence(text)
        scores = {k: v for k, v in ev.scores.items() if k != "unknown"}
        best = max(scores, key=scores.__getitem__) if scores else "unknown"
        best_score = scores.get(best, 0.0)
        ranked = sorted(scores.values(), reverse=True)
        margin = best_score - (ranked[1] if len(ranked) > 1 else 0.0)
        if best_score < UNKNOWN_BELOW or (cjk_count(ev.text) == 0 and not re.search(r"[a-z]{2}", ev.text) and best != "chitchat"):
            name, confidence = "unknown", min(0.5, 1.0 - best_score)
        else:
            name = best
            confidence = round(min(1.0, 0.5 + 0.25 * margin + 0.1 * best_score), 3)
        result = Intent(name=name, confidence=confidence, slots=dict(slots))
        if name != "repair":
            result.slots["category"] = None
        if name == "faq" and ev.faq_hits:
            top = ev.faq_hits[0]
            result.faq_id = top.faq_id
            result.candidates = [h.faq_id for h in ev.faq_hits[:3]]
            result.confidence = round(min(1.0, top.score), 3)
        return result
