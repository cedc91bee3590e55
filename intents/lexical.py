"""Okapi BM25 over character n-grams: word-segmentation-free lexical matching.

Chinese has no spaces, and residents' short messages segment badly ("门禁卡丢了咋办"),
so we index overlapping character unigrams and bigrams. Each term's postings are kept
as numpy arrays (document ids, precomputed BM25 weights): a query's scores are one
`np.bincount` over the postings of its terms, which keeps a 5,000-entry FAQ at about
half a millisecond per message (`bench/nlu_bench.py`). The plain-dict posting walk
(`scores`) stays as the reference the tests compare against.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

import numpy as np

from intents.thresholds import STOP_DF_MIN_DOCS, STOP_DF_RATIO, UNIGRAM_WEIGHT

_TOKEN_SPAN = re.compile(r"[\u4e00-\u9fff]+|[a-z0-9]+")
# Characters so common in questions that they carry no topic ("怎么/什么/吗/的").
STOP_CHARS = frozenset("的了吗呢吧啊呀么是我你他她它们在有和就都也还要会能可以这那个一下请问怎什么如何")


def char_ngrams(text: str) -> list[str]:
    grams: list[str] = []
    for span in _TOKEN_SPAN.findall(text):
        if span.isascii():
            grams.append(span)
            continue
        grams.extend(c for c in span if c not in STOP_CHARS)
        grams.extend(span[i : i + 2] for i in range(len(span) - 1))
    return grams


def _term_weight(term: str) -> float:
    return UNIGRAM_WEIGHT if len(term) == 1 and not term.isascii() else 1.0


class BM25:
    def __init__(self, docs: Sequence[str], k1: float = 1.2, b: float = 0.6) -> None:
        self.k1, self.b = k1, b
        self.n_docs = len(docs)
        counted = [Counter(char_ngrams(doc)) for doc in docs]
        lengths = [sum(c.values()) for c in counted]
        avg_len = (sum(lengths) / self.n_docs) if self.n_docs else 1.0
        df: Counter[str] = Counter()
        for counts in counted:
            df.update(counts.keys())
        self.idf = {t: math.log(1 + (self.n_docs - n + 0.5) / (n + 0.5)) for t, n in df.items()}
        # the whole BM25 term weight is precomputed per posting: a query only adds numbers
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self.stop: set[str] = set()
        if self.n_docs >= STOP_DF_MIN_DOCS:
            self.stop = {t for t, n in df.items() if n > STOP_DF_RATIO * self.n_docs}
        for i, counts in enumerate(counted):
            norm = k1 * (1 - b + b * lengths[i] / avg_len)
            for term, tf in counts.items():
                if term in self.stop:
                    continue
                w = self.idf[term] * _term_weight(term) * tf * (k1 + 1) / (tf + norm)
                self.postings[term].append((i, w))
        # the same postings as arrays: a query's scores are one bincount over the
        # concatenated postings of its terms (no per-posting Python work)
        self._post_np: dict[str, tuple[np.ndarray, np.ndarray]] = {
            t: (np.fromiter((d for d, _ in p), dtype=np.intp, count=len(p)),
                np.fromiter((w for _, w in p), dtype=np.float64, count=len(p)))
            for t, p in self.postings.items()
        }

    def scores_array(self, query: str) -> np.ndarray:
        """Score of every document (0 where it shares no term with the query)."""
        hits = [self._post_np[t] for t in set(char_ngrams(query)) if t in self._post_np]
        if not hits:
            return np.zeros(self.n_docs)
        if len(hits) == 1:
            docs, weights = hits[0]
        else:
            docs = np.concatenate([d for d, _ in hits])
            weights = np.concatenate([w for _, w in hits])
        return np.bincount(docs, weights=weights, minlength=self.n_docs)

    def scores(self, query: str) -> dict[int, float]:
        out: dict[int, float] = defaultdict(float)
        for term in set(char_ngrams(query)):
            for doc, w in self.postings.get(term, ()):
                out[doc] += w
        return out

    def self_score(self, query: str) -> float:
        """What a document identical to the query would score: the scale for normalising."""
        # terms the corpus never saw count at the rarest idf: a query made of words
        # foreign to the FAQ cannot look like a perfect match on its one known word
        unseen = math.log(1 + (self.n_docs + 0.5) / 0.5)
        return sum(
            self.idf.get(t, unseen) * _term_weight(t) for t in set(char_ngrams(query)) if t not in self.stop
        )

    def known_fraction(self, query: str) -> float:
        """Share of the query's bigrams the corpus has ever seen: low for out-of-domain text."""
        grams = [g for g in char_ngrams(query) if len(g) == 2]
        if not grams:
            return 0.0
        return sum(1 for g in grams if g in self.postings) / len(grams)


def vocabulary(docs: Iterable[str]) -> set[str]:
    vocab: set[str] = set()
    for d in docs:
        vocab.update(char_ngrams(d))
    return vocab
