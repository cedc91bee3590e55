"""A small multinomial logistic regression over the evidence features (pure numpy).

Few features (about 45) and strong L2 regularisation: it learns how much each kind
of evidence counts, not which sentences exist. Weights live in
intents/data/intent_model.json, written by `python -m intents.train`.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from importlib import resources
from typing import Any

from intents.ngram import NgramModel

MODEL_FILE = "intent_model.json"


class SoftmaxModel:
    def __init__(self, labels: Sequence[str], features: Sequence[str], weights: list[list[float]]) -> None:
        self.labels = list(labels)
        self.features = list(features)
        self.weights = weights  # [label][feature]

    def proba(self, x: Sequence[float]) -> dict[str, float]:
        logits = [sum(w * v for w, v in zip(row, x, strict=True)) for row in self.weights]
        top = max(logits)
        exps = [math.exp(v - top) for v in logits]
        total = sum(exps)
        return {label: e / total for label, e in zip(self.labels, exps, strict=True)}

    def to_dict(self) -> dict[str, Any]:
        return {"labels": self.labels, "features": self.features, "weights": self.weights}


@functools.cache
def _shipped_weights() -> dict[str, Any]:
    # read once per process: every Understander (one per FAQ revision) shares the file
    return json.loads(resources.files("intents.data").joinpath(MODEL_FILE).read_text("utf-8"))


def load_models() -> dict[str, SoftmaxModel]:
    """{"lexical": ..., "full": ...} from the shipped weights file."""
    return {
        name: SoftmaxModel(m["labels"], m["features"], m["weights"])
        for name, m in _shipped_weights()["models"].items()
    }


def load_ngram() -> NgramModel | None:
    """The shipped n-gram block (intents/ngram.py), if the weights file has one."""
    raw = _shipped_weights()
    return NgramModel.from_dict(raw["ngram"]) if "ngram" in raw else None


def fit(
    X: Sequence[Sequence[float]],
    y: Sequence[str],
    labels: Sequence[str],
    features: Sequence[str],
    l2: float = 0.05,
    steps: int = 3000,
    lr: float = 0.5,
) -> SoftmaxModel:
    """Full-batch gradient descent with class-balanced weights (numpy, seconds at most)."""
    import numpy as np

    Xa = np.asarray(X, dtype=float)
    idx = {label: i for i, label in enumerate(labels)}
    Y = np.zeros((len(y), len(labels)))
    for r, label in enumerate(y):
        Y[r, idx[label]] = 1.0
    counts = Y.sum(axis=0)
    # each class counts as much as any other, however many examples it has
    sample_w = (Y @ (1.0 / np.maximum(counts, 1.0))) * len(y) / max(1, int((counts > 0).sum()))
    W = np.zeros((len(labels), Xa.shape[1]))
    for _ in range(steps):
        logits = Xa @ W.T
        logits -= logits.max(axis=1, keepdims=True)
        P = np.exp(logits)
        P /= P.sum(axis=1, keepdims=True)
        grad = ((P - Y) * sample_w[:, None]).T @ Xa / len(y) + l2 * W
        W -= lr * grad
    return SoftmaxModel(labels, features, W.round(5).tolist())
