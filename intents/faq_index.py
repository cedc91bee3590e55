"""Find the FAQ entries a message asks about: lexical (BM25) and semantic (e5) evidence.

Each entry is indexed as its question plus every alternate phrasing (scored by the
best-matching one) and, with a small weight, its answer, whose words often name
what residents ask about ("支付宝", "滞纳金") even when no phrasing does.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from intents.faq import FaqEntry
from intents.lexical import BM25
from intents.semantic import Encoder

# Weights of the evidence, calibrated on the dev sets (see intents/README.md).
ANSWER_WEIGHT = 0.15  # answers are long and wordy: a hint, never the decider
LEXICAL_WEIGHT = 0.3
SEMANTIC_WEIGHT = 0.7
# e5 cosines of unrelated Chinese sentences sit around 0.75-0.8; rescale above that.
SEMANTIC_FLOOR = 0.78
# The whole entry (question and alternates in one passage) as extra evidence beside
# the best single phrasing: it catches questions that mix two phrasings' words.
ENTRY_WEIGHT = 0.3


@dataclass(frozen=True)
class FaqHit:
    faq_id: str
    score: float  # combined, roughly 0..1
    lexical: float
    semantic: float


class FaqIndex:
    def __init__(
        self,
        entries: Sequence[FaqEntry],
        prepare: Callable[[str], str],
        encoder: Encoder | None = None,
    ) -> None:
        self.entries = list(entries)
        self.prepare = prepare
        self.encoder = encoder
        self.doc_entry: list[int] = []
        self.raw_docs: list[str] = []
        docs: list[str] = []
        for i, e in enumerate(self.entries):
            for phrasing in (e.question, *e.alternates):
                self.doc_entry.append(i)
                self.raw_docs.append(phrasing)
                docs.append(prepare(phrasing))
        self.phrasings = BM25(docs)
        self.answers = BM25([prepare(e.answer) for e in self.entries])
        self._doc_vecs: Any = None
        self._answer_vecs: Any = None
        self._entry_vecs: Any = None

    # --- semantic side, built on first use so process start stays cheap -----------
    def ensure_vectors(self) -> None:
        if self.encoder is None or self._doc_vecs is not None:
            return
        self._doc_vecs = self.encoder.passages(self.raw_docs)
        self._answer_vecs = self.encoder.passages([e.answer for e in self.entries])
        self._entry_vecs = self.encoder.passages(
            [e.question + "；" + "；".join(e.alternates) for e in self.entries]
        )

    def lexical_scores(self, text: str) -> dict[int, float]:
        """Entry index -> lexical match (0..~1.15); entries sharing no term are absent."""
        scores: dict[int, float] = {}
        scale = self.phrasings.self_score(text) or 1.0
        for doc, s in self.phrasings.scores(text).items():
            i = self.doc_entry[doc]
            v = min(1.0, s / scale)
            if v > scores.get(i, 0.0):
                scores[i] = v
        ascale = self.answers.self_score(text) or 1.0
        for i, s in self.answers.scores(text).items():
            scores[i] = scores.get(i, 0.0) + ANSWER_WEIGHT * min(1.0, s / ascale)
        return scores

    def semantic_scores(self, qvec: Any) -> list[float]:
        self.ensure_vectors()
        sims = self._doc_vecs @ qvec
        best = [0.0] * len(self.entries)
        for doc, s in enumerate(sims.tolist()):
            i = self.doc_entry[doc]
            best[i] = max(best[i], s)
        answer_sims = (self._answer_vecs @ qvec).tolist()
        entry_sims = (self._entry_vecs @ qvec).tolist()

        def rescale(cos: float) -> float:
            return max(0.0, (cos - SEMANTIC_FLOOR) / (1 - SEMANTIC_FLOOR))

        return [
            rescale((b + ENTRY_WEIGHT * e) / (1 + ENTRY_WEIGHT)) + ANSWER_WEIGHT * rescale(a)
            for b, a, e in zip(best, answer_sims, entry_sims, strict=True)
        ]

    def search(self, text: str, qvec: Any = None, k: int = 3) -> list[FaqHit]:
        if not self.entries:
            return []
        lex = self.lexical_scores(text)
        if qvec is not None and self.encoder is not None:
            sem = self.semantic_scores(qvec)
            combined = {
                i: LEXICAL_WEIGHT * lex.get(i, 0.0) + SEMANTIC_WEIGHT * s for i, s in enumerate(sem)
            }
        else:
            sem = None
            combined = lex or {0: 0.0}
        top = heapq.nlargest(k, combined.items(), key=lambda kv: kv[1])
        return [
            FaqHit(self.entries[i].id, score, lex.get(i, 0.0), sem[i] if sem is not None else 0.0)
            for i, score in top
        ]
