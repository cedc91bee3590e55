"""Nearest typical messages per intent (semantic), from intents/data/intent_examples.toml.

The FAQ's own phrasings stand in as the examples of "faq", so a company FAQ with
other topics teaches the semantic tier what its questions look like.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from importlib import resources
from typing import Any

from intents.semantic import Encoder
from intents.thresholds import EXAMPLE_TOP_K


def load_examples() -> dict[str, list[str]]:
    text = resources.files("intents.data").joinpath("intent_examples.toml").read_text("utf-8")
    return {k: [str(x) for x in v] for k, v in tomllib.loads(text).items()}


class ExampleIndex:
    def __init__(self, examples: dict[str, list[str]], faq_phrasings: Sequence[str], encoder: Encoder) -> None:
        self.encoder = encoder
        self.labels: list[str] = []
        self.texts: list[str] = []
        for intent, texts in examples.items():
            self.labels.extend([intent] * len(texts))
            self.texts.extend(texts)
        self.labels.extend(["faq"] * len(faq_phrasings))
        self.texts.extend(faq_phrasings)
        self._vecs: Any = None

    def ensure_vectors(self) -> None:
        if self._vecs is None:
            self._vecs = self.encoder.passages(self.texts)

    def similarities(self, qvec: Any, exclude: str | None = None) -> dict[str, float]:
        self.ensure_vectors()
        sims = (self._vecs @ qvec).tolist()
        per: dict[str, list[float]] = {}
        for label, text, s in zip(self.labels, self.texts, sims, strict=True):
            if text == exclude:
                continue
            per.setdefault(label, []).append(s)
        out: dict[str, float] = {}
        for label, values in per.items():
            top = sorted(values, reverse=True)[:EXAMPLE_TOP_K]
            out[label] = sum(top) / len(top)
        return out
