"""What the words themselves say: a naive Bayes reading over character n-grams.

The classifier's other features describe the evidence (cue counts, FAQ match
strengths, question form), so a labelled message can teach it only through them.
This block gives the training data a channel that carries wording ("借个…用用",
"…能放你们那不", "有回音没"): per-intent evidence from character uni- and bigrams,
length-normalised so a long message is not more certain than a short one.

It is one feature group among many, trained on messages the main classifier does
not see it judge (out-of-fold, see intents/train.py), so the classifier learns how
far to trust it instead of copying its in-sample certainty.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from intents.thresholds import NGRAM_ALPHA, NGRAM_MIN_COUNT

_SPAN = re.compile(r"[\u4e00-\u9fff]+|[a-z]+")
_DIGITS = re.compile(r"\d+")


def tokens(prepared: str) -> list[str]:
    """Unigrams and bigrams of Chinese runs, whole ASCII words; numbers become one symbol."""
    text = _DIGITS.sub("#", prepared.lower())
    out: list[str] = []
    for span in _SPAN.findall(text):
        if span.isascii():
            out.append(span)
            continue
        out.extend(span)
        out.extend(span[i : i + 2] for i in range(len(span) - 1))
    if "#" in text:
        out.append("#")
    return out


class NgramModel:
    def __init__(self, labels: Sequence[str], vocab: dict[str, list[float]]) -> None:
        self.labels = list(labels)
        # n-gram -> per-label log P(gram | label) minus its mean over labels
        self.vocab = vocab

    def scores(self, prepared: str) -> dict[str, float]:
        """Per-label mean log-likelihood ratio of the known n-grams (0.0 each when none is known)."""
        sums = [0.0] * len(self.labels)
        n = 0
        for gram in set(tokens(prepared)):
            row = self.vocab.get(gram)
            if row is None:
                continue
            n += 1
            for i, v in enumerate(row):
                sums[i] += v
        if not n:
            return dict.fromkeys(self.labels, 0.0)
        # sqrt: more known words make a reading surer, but not linearly so
        norm = 1.0 / math.sqrt(n)
        return {label: s * norm for label, s in zip(self.labels, sums, strict=True)}

    def to_dict(self) -> dict[str, Any]:
        return {"labels": self.labels, "vocab": self.vocab}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> NgramModel:
        return cls(raw["labels"], {k: list(v) for k, v in raw["vocab"].items()})


def fit_ngram(prepared_texts: Sequence[str], labels: Sequence[str], label_names: Sequence[str]) -> NgramModel:
    """Multinomial naive Bayes over binary n-gram presence, every intent weighted alike."""
    per_label: dict[str, Counter[str]] = {name: Counter() for name in label_names}
    seen: Counter[str] = Counter()
    for text, label in zip(prepared_texts, labels, strict=True):
        grams = set(tokens(text))
        per_label[label].update(grams)
        seen.update(grams)
    kept = sorted(g for g, c in seen.items() if c >= NGRAM_MIN_COUNT)
    totals = {name: sum(per_label[name][g] for g in kept) for name in label_names}
    vocab: dict[str, list[float]] = {}
    for g in kept:
        logs = [
            math.log((per_label[name][g] + NGRAM_ALPHA) / (totals[name] + NGRAM_ALPHA * len(kept)))
            for name in label_names
        ]
        mean = sum(logs) / len(logs)
        vocab[g] = [round(v - mean, 3) for v in logs]
    return NgramModel(label_names, vocab)
