"""Find the FAQ entries a message asks about: lexical (BM25) and semantic (e5) evidence.

Each entry is indexed as its question plus every alternate phrasing (scored by the
best-matching one) and, with a small weight, its answer, whose words often name
what residents ask about ("支付宝", "滞纳金") even when no phrasing does.

The first pass ranks every entry by a fixed blend of that evidence (`FaqHit.score`,
the match strength the thresholds are calibrated on). A re-ranker then orders the
best few by a linear score over the separate kinds of evidence plus the entry's topic
words (intents/faq_topics.py: a message about 装修 that borrows 晚上十点 from the
rubbish-time entry still asks about 装修). Its weights are fit by leave-one-phrasing-out
over FAQs' own questions and alternates (`python -m intents.train_rank`), kept in
intents/data/faq_rank.json; without that file the first-pass order stands.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from intents.faq import FaqEntry
from intents.faq_topics import TopicStats
from intents.lexical import BM25
from intents.semantic import Encoder
from intents.thresholds import (
    ANSWER_WEIGHT,
    ENTRY_WEIGHT,
    LEXICAL_WEIGHT,
    RERANK_POOL,
    SEMANTIC_FLOOR,
    SEMANTIC_WEIGHT,
)

RANK_FILE = "faq_rank.json"

# Re-ranker inputs per (message, entry); names match the weights file.
SEMANTIC_RANK_FEATURES: tuple[str, ...] = (
    "combined", "lex_phrasing", "lex_answer", "sem_phrasing", "sem_entry", "sem_answer",
    "topic", "topic_miss", "entry_lex",
)
LEXICAL_RANK_FEATURES: tuple[str, ...] = (
    "combined", "lex_phrasing", "lex_answer", "topic", "topic_miss", "entry_lex",
)


def load_rank_weights() -> dict[str, list[float]]:
    """{"semantic": [...], "lexical": [...]} or {} when no weights file is shipped."""
    try:
        raw = json.loads(resources.files("intents.data").joinpath(RANK_FILE).read_text("utf-8"))
    except (FileNotFoundError, OSError, ValueError):
        return {}
    out = {}
    for name, names in (("semantic", SEMANTIC_RANK_FEATURES), ("lexical", LEXICAL_RANK_FEATURES)):
        m = raw.get(name)
        if m and tuple(m["features"]) == names:
            out[name] = [float(w) for w in m["weights"]]
    return out


def _nonzero(values: np.ndarray) -> dict[int, float]:
    idx = np.flatnonzero(values)
    return dict(zip(idx.tolist(), values[idx].tolist(), strict=True))


def _top(values: np.ndarray, k: int) -> list[int]:
    """Indices of the k largest values, best first; ties go to the lower index."""
    part = np.argpartition(-values, k - 1)[:k]
    return sorted(part.tolist(), key=lambda i: (-values[i], i))


def rescale(cos: float) -> float:
    return max(0.0, (cos - SEMANTIC_FLOOR) / (1 - SEMANTIC_FLOOR))


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
        rank_weights: dict[str, list[float]] | None = None,
    ) -> None:
        self.entries = list(entries)
        self.prepare = prepare
        self.encoder = encoder
        self.rank_weights = load_rank_weights() if rank_weights is None else rank_weights
        self.doc_entry: list[int] = []
        self.raw_docs: list[str] = []
        docs: list[str] = []
        per_entry: list[list[str]] = []
        for i, e in enumerate(self.entries):
            mine = []
            for phrasing in (e.question, *e.alternates):
                self.doc_entry.append(i)
                self.raw_docs.append(phrasing)
                mine.append(prepare(phrasing))
            docs.extend(mine)
            per_entry.append(mine)
        answers = [prepare(e.answer) for e in self.entries]
        self.phrasings = BM25(docs)
        # an entry's phrasings are consecutive documents: the first of each, for reduceat
        starts = [0] * len(self.entries)
        for doc in range(len(self.doc_entry) - 1, -1, -1):
            starts[self.doc_entry[doc]] = doc
        self._entry_starts = np.asarray(starts, dtype=np.intp)
        self._doc_entry_np = np.asarray(self.doc_entry, dtype=np.intp)
        self.answers = BM25(answers)
        self.topics = TopicStats(per_entry, answers)
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

    def lexical_arrays(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Per entry: best phrasing match (0..1) and answer match (0..1), 0 where no term is shared."""
        n = len(self.entries)
        if not n:
            return np.zeros(0), np.zeros(0)
        scale = self.phrasings.self_score(text) or 1.0
        per_doc = self.phrasings.scores_array(text)
        # only the documents sharing a term: their entries, in order, and the best per entry
        docs = np.flatnonzero(per_doc)
        phrasing = np.zeros(n)
        if docs.size:
            owners = self._doc_entry_np[docs]
            first = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
            best = np.maximum.reduceat(per_doc[docs], first)
            phrasing[owners[first]] = np.minimum(1.0, best / scale)
        ascale = self.answers.self_score(text) or 1.0
        answer = np.minimum(1.0, self.answers.scores_array(text) / ascale)
        return phrasing, answer

    def lexical_parts(self, text: str) -> tuple[dict[int, float], dict[int, float]]:
        """Entry index -> best phrasing match (0..1), and -> answer match (0..1)."""
        phrasing, answer = self.lexical_arrays(text)
        return _nonzero(phrasing), _nonzero(answer)

    def lexical_scores(self, text: str) -> dict[int, float]:
        """Entry index -> lexical match (0..~1.15); entries sharing no term are absent."""
        phrasing, answer = self.lexical_parts(text)
        scores = dict(phrasing)
        for i, s in answer.items():
            scores[i] = scores.get(i, 0.0) + ANSWER_WEIGHT * s
        return scores

    def semantic_parts(self, qvec: Any) -> tuple[list[float], list[float], list[float]]:
        """Per entry: best phrasing cosine, whole-entry cosine, answer cosine."""
        self.ensure_vectors()
        sims = np.asarray(self._doc_vecs @ qvec, dtype=np.float64)
        best = np.maximum.reduceat(sims, self._entry_starts).tolist()
        return best, (self._entry_vecs @ qvec).tolist(), (self._answer_vecs @ qvec).tolist()

    def semantic_scores(self, qvec: Any) -> list[float]:
        best, entry_sims, answer_sims = self.semantic_parts(qvec)
        return [
            rescale((b + ENTRY_WEIGHT * e) / (1 + ENTRY_WEIGHT)) + ANSWER_WEIGHT * rescale(a)
            for b, a, e in zip(best, answer_sims, entry_sims, strict=True)
        ]

    def rank_features(self, text: str, qvec: Any = None) -> tuple[dict[int, float], dict[int, list[float]], Any]:
        """First-pass scores for every entry, and the re-ranker's inputs for the pool.

        Returns (combined, features per pooled entry, semantic scores or None).
        """
        phrasing, answer = self.lexical_arrays(text)
        lex = phrasing + ANSWER_WEIGHT * answer
        sem: list[float] | None = None
        if qvec is not None and self.encoder is not None:
            best, entry_sims, answer_sims = self.semantic_parts(qvec)
            sem = [
                rescale((b + ENTRY_WEIGHT * e) / (1 + ENTRY_WEIGHT)) + ANSWER_WEIGHT * rescale(a)
                for b, a, e in zip(best, answer_sims, entry_sims, strict=True)
            ]
            lex_list = lex.tolist()
            combined = {i: LEXICAL_WEIGHT * lex_list[i] + SEMANTIC_WEIGHT * s for i, s in enumerate(sem)}
            pool = heapq.nlargest(RERANK_POOL, combined, key=combined.__getitem__)
        else:
            combined = _nonzero(lex) or {0: 0.0}
            pool = _top(lex, RERANK_POOL) if len(combined) > RERANK_POOL else sorted(
                combined, key=combined.__getitem__, reverse=True
            )
        topics = self.topics.evidence(text, pool)
        feats: dict[int, list[float]] = {}
        for i in pool:
            topic, miss, entry_lex = topics[i]
            row = [combined[i], float(phrasing[i]), float(answer[i])]
            if sem is not None:
                row += [rescale(best[i]), rescale(entry_sims[i]), rescale(answer_sims[i])]
            feats[i] = [*row, topic, miss, entry_lex]
        return combined, feats, sem

    def search(self, text: str, qvec: Any = None, k: int = 3) -> list[FaqHit]:
        if not self.entries:
            return []
        combined, feats, sem = self.rank_features(text, qvec)
        weights = self.rank_weights.get("semantic" if sem is not None else "lexical")
        if weights is not None:
            order = {i: sum(w * v for w, v in zip(weights, row, strict=True)) for i, row in feats.items()}
        else:
            order = {i: combined[i] for i in feats}
        top = heapq.nlargest(k, order, key=order.__getitem__)
        return [
            FaqHit(
                self.entries[i].id,
                combined[i],
                feats[i][1] + ANSWER_WEIGHT * feats[i][2],  # the lexical match of the first pass
                sem[i] if sem is not None else 0.0,
            )
            for i in top
        ]
