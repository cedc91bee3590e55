"""What an FAQ entry is *about*: its topic words, learnt from the FAQ's own phrasings.

An entry's phrasings ("装修施工时间是几点到几点", "周末能装修吗", "装修几点可以开工")
repeat the words that name its topic (装修) and vary the rest (周末, 几点, 开工). A
resident's question borrows the rest freely from other entries ("晚上十点以后还能装修吗"
shares 晚上十点 with "晚上十点还能扔垃圾吗"), but the topic word it names must be the
entry's. So per entry and term we keep the share of the entry's phrasings that contain
the term (its centrality), and per term the inverse entry frequency (IDF over entries,
not phrasings: an entry with five phrasings of 装修 must not make 装修 look common).

Evidence per (message, entry), all in 0..1:
- `topic`: how much of the message's (IDF-weighted) wording is central to the entry;
- `miss`: how much of the message's topic wording - terms that are central to *some*
  entry - this entry never uses, in any phrasing or its answer;
- `entry_lex`: BM25 with the whole entry (all phrasings) as one document.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from intents.lexical import BM25, char_ngrams
from intents.thresholds import TOPIC_CENTRALITY, TOPIC_UNIGRAM_SHARE


def _terms(text: str) -> set[str]:
    return set(char_ngrams(text))


def _weight(term: str) -> float:
    return TOPIC_UNIGRAM_SHARE if len(term) == 1 and not term.isascii() else 1.0


class TopicStats:
    def __init__(self, phrasings: Sequence[Sequence[str]], answers: Sequence[str]) -> None:
        """`phrasings[i]`: the prepared question and alternates of entry i; `answers[i]` its answer."""
        n = len(phrasings)
        self.n = n
        self.centrality: list[dict[str, float]] = []
        self.vocab: list[set[str]] = []
        df: Counter[str] = Counter()
        topical: set[str] = set()
        for texts, answer in zip(phrasings, answers, strict=True):
            counts: Counter[str] = Counter()
            for t in texts:
                counts.update(_terms(t))
            size = max(1, len(texts))
            cent = {t: c / size for t, c in counts.items()}
            self.centrality.append(cent)
            self.vocab.append(set(cent) | _terms(answer))
            df.update(cent.keys())
            # a term repeated by most phrasings of an entry (with at least two phrasings
            # sharing it) names that entry's topic
            topical.update(t for t, c in counts.items() if c >= 2 and c / size >= TOPIC_CENTRALITY)
        self.idf = {t: math.log(1 + n / c) for t, c in df.items()}
        self.topical = topical
        # BM25 with each whole entry as one document, kept per entry (term -> weight):
        # only the re-ranker's few candidates are ever scored
        bm25 = BM25([" ".join(texts) for texts in phrasings]) if n else None
        self.entry_terms: list[dict[str, float]] = [{} for _ in range(n)]
        if bm25 is not None:
            for term, posting in bm25.postings.items():
                for i, w in posting:
                    self.entry_terms[i][term] = w
        self._entry_bm25 = bm25

    def query_terms(self, text: str) -> list[tuple[str, float]]:
        """The message's terms the FAQ knows, with their weight (IDF over entries)."""
        return [(t, self.idf[t] * _weight(t)) for t in _terms(text) if t in self.idf]

    def evidence(self, text: str, candidates: Sequence[int]) -> dict[int, tuple[float, float, float]]:
        """Entry index -> (topic, miss, entry_lex) for each candidate entry."""
        grams = _terms(text)
        idf = self.idf
        terms = [(t, idf[t] * _weight(t)) for t in grams if t in idf]
        total = sum(w for _, w in terms) or 1.0
        topic_terms = [(t, w) for t, w in terms if t in self.topical]
        topic_total = sum(w for _, w in topic_terms)
        scale = (self._entry_bm25.self_score(text) if self._entry_bm25 is not None else 0.0) or 1.0
        out: dict[int, tuple[float, float, float]] = {}
        for i in candidates:
            cent = self.centrality[i]
            vocab = self.vocab[i]
            weights = self.entry_terms[i]
            topic = sum(w * cent[t] for t, w in terms if t in cent) / total
            miss = sum(w for t, w in topic_terms if t not in vocab) / topic_total if topic_total else 0.0
            entry_lex = min(1.0, sum(weights[t] for t in grams if t in weights) / scale)
            out[i] = (topic, miss, entry_lex)
        return out
