"""A trained head over the e5 sentence vector: what the whole sentence means, per intent.

The classifier (intents/classifier.py) sees evidence features, not the sentence itself; the
head reads the 384-d e5 query vector of the cleaned text, standardised per dimension, through
a class-weighted softmax regression fitted on every labelled line (`python -m
intents.train_head`). Its probabilities are blended into the full model's when the semantic
tier runs (`Understander.probabilities`, weight `HEAD_WEIGHT`); what the head may change is
guarded in `Understander._read`. Weights: intents/data/intent_head.json.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from importlib import resources
from typing import Any

try:
    import numpy as np
except ImportError:  # pragma: no cover - numpy comes with the semantic tier
    np = None  # type: ignore[assignment]

HEAD_FILE = "intent_head.json"


class EmbeddingHead:
    def __init__(self, labels: Sequence[str], mean: Any, scale: Any, weights: Any) -> None:
        self.labels = list(labels)
        self.mean = np.asarray(mean, dtype=np.float32)
        self.scale = np.asarray(scale, dtype=np.float32)
        self.weights = np.asarray(weights, dtype=np.float32)  # [dim + 1][label], last row the bias

    def proba(self, vector: Any) -> dict[str, float]:
        x = (np.asarray(vector, dtype=np.float32) - self.mean) / self.scale
        z = x @ self.weights[:-1] + self.weights[-1]
        z = np.exp(z - z.max())
        p = z / z.sum()
        return {label: float(v) for label, v in zip(self.labels, p, strict=True)}

    def to_dict(self) -> dict[str, Any]:
        def rounded(a: Any) -> Any:
            return np.round(a.astype(np.float64), 5).tolist()

        return {"labels": self.labels, "mean": rounded(self.mean), "scale": rounded(self.scale),
                "weights": rounded(self.weights)}


def fit_head(vectors: Any, labels: Sequence[str], names: Sequence[str], l2: float, steps: int = 300,
             rate: float = 0.5) -> EmbeddingHead:
    """Softmax regression on standardised vectors, every intent weighed alike (as the classifier)."""
    X = np.asarray(vectors, dtype=np.float64)
    mean, scale = X.mean(0), X.std(0) + 1e-6
    X = np.hstack([(X - mean) / scale, np.ones((len(X), 1))])
    index = np.array([list(names).index(v) for v in labels])
    Y = np.zeros((len(X), len(names)))
    Y[np.arange(len(X)), index] = 1
    counts = Y.sum(0)
    sample_weight = np.where(counts > 0, len(X) / (len(names) * np.maximum(counts, 1)), 0.0)[index]
    W = np.zeros((X.shape[1], len(names)))
    penalty = np.ones((X.shape[1], 1))
    penalty[-1] = 0.0  # the bias is not penalised
    for _ in range(steps):
        z = X @ W
        z -= z.max(1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(1, keepdims=True)
        grad = X.T @ ((p - Y) * sample_weight[:, None]) / sample_weight.sum() + l2 * penalty * W
        W -= rate * grad
    return EmbeddingHead(names, mean, scale, W)


@functools.cache
def load_head() -> EmbeddingHead | None:
    """The shipped head, or None without numpy or without the file."""
    if np is None:
        return None
    try:
        raw = json.loads(resources.files("intents.data").joinpath(HEAD_FILE).read_text("utf-8"))
    except FileNotFoundError:
        return None
    return EmbeddingHead(raw["labels"], raw["mean"], raw["scale"], raw["weights"])
