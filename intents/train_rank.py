"""Fit the FAQ re-ranker's weights: `python -m intents.train_rank --data ../shared/nlu`.

Training data is what any FAQ offers at run time: each phrasing (question or alternate)
of each entry is asked with itself left out of the index, and must find its own entry
(leave-one-phrasing-out, over the given FAQ and the shipped default FAQ), plus the
labelled FAQ questions of the dev set and the FAQ paraphrases of intents/data/training.jsonl.
The model is a listwise softmax over the first pass's pool of entries. Prints the
top-1 of the first pass and of the re-ranker, fit on one FAQ and measured on the other
(the honest transfer estimate), then writes intents/data/faq_rank.json.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

import click

from intents.faq import FaqEntry, load_faq_toml
from intents.faq_index import (
    LEXICAL_RANK_FEATURES,
    RANK_FILE,
    SEMANTIC_RANK_FEATURES,
    FaqIndex,
)
from intents.faq_index import (
    RERANK_POOL as POOL,
)
from intents.lexicon import negated_intents
from intents.semantic import Encoder
from intents.thresholds import RERANK_L2, RERANK_STEPS
from intents.training_data import training_lines
from intents.understander import Understander

Sample = tuple[int, dict[int, list[float]], dict[int, float]]  # gold entry, pooled features, first pass


class _MemoEncoder(Encoder):
    """Embeds each passage once, however many leave-one-out indexes ask for it."""

    def __init__(self) -> None:
        super().__init__()
        self._memo: dict[str, Any] = {}

    def passages(self, texts: Sequence[str]) -> Any:
        import numpy as np

        missing = [t for t in dict.fromkeys(texts) if t not in self._memo]
        if missing:
            for t, v in zip(missing, super().passages(missing), strict=True):
                self._memo[t] = v
        return np.stack([self._memo[t] for t in texts]) if texts else np.zeros((0, 384), "float32")


def _without(entries: list[FaqEntry], i: int, j: int) -> list[FaqEntry]:
    e = entries[i]
    rest = [e.question, *e.alternates]
    del rest[j]
    out = list(entries)
    out[i] = replace(e, question=rest[0], alternates=tuple(rest[1:]))
    return out


def _samples(
    entries: list[FaqEntry], u: Understander, enc: Encoder | None, questions: Sequence[tuple[str, str]]
) -> list[Sample]:
    def clean(text: str) -> str:
        return negated_intents(u.prepare(text))[1]

    out: list[Sample] = []
    for i, e in enumerate(entries):
        phrasings = [e.question, *e.alternates]
        if len(phrasings) < 2:
            continue
        for j, p in enumerate(phrasings):
            index = FaqIndex(_without(entries, i, j), u.prepare, enc, rank_weights={})
            q = clean(p)
            combined, feats, _ = index.rank_features(q, enc.query(q) if enc else None)
            out.append((i, feats, combined))
    if questions:
        index = FaqIndex(entries, u.prepare, enc, rank_weights={})
        ids = [e.id for e in entries]
        for text, faq_id in questions:
            if faq_id in ids:
                q = clean(text)
                combined, feats, _ = index.rank_features(q, enc.query(q) if enc else None)
                out.append((ids.index(faq_id), feats, combined))
    return out


def fit(samples: Sequence[Sample], n_features: int) -> list[float]:
    import numpy as np

    X, gold, mask = [], [], []
    for g, feats, _ in samples:
        if g not in feats or len(feats) < 2:
            continue  # the first pass missed it: nothing for the re-ranker to learn
        ids = list(feats)
        rows = [feats[i] for i in ids]
        mask.append([True] * len(rows) + [False] * (POOL - len(rows)))
        rows += [[0.0] * n_features] * (POOL - len(rows))  # padding, masked out
        X.append(rows)
        gold.append(ids.index(g))
    Xa, ga, ma = np.asarray(X), np.asarray(gold), np.asarray(mask)
    w = np.zeros(n_features)
    w[0] = 5.0  # start from the first pass's order
    for _ in range(RERANK_STEPS):
        s = Xa @ w
        s = np.where(ma, s, -1e9)
        s -= s.max(axis=1, keepdims=True)
        p = np.exp(s)
        p /= p.sum(axis=1, keepdims=True)
        grad = np.einsum("np,npk->k", p, Xa) - Xa[np.arange(len(ga)), ga].sum(axis=0)
        w -= 5.0 * (grad / len(ga) + RERANK_L2 * w)
    return [round(float(v), 4) for v in w]


def top1(samples: Sequence[Sample], weights: list[float] | None) -> float:
    hits = 0
    for g, feats, combined in samples:
        if weights is None:
            best = max(combined, key=combined.__getitem__)
        else:
            best = max(feats, key=lambda i: sum(w * v for w, v in zip(weights, feats[i], strict=True)))
        hits += best == g
    return hits / max(1, len(samples))


def _questions(path: Path) -> list[tuple[str, str]]:
    rows = []
    if path.is_file():
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                if d.get("faq_id"):
                    rows.append((d["text"], d["faq_id"]))
    return rows


@click.command()
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("../shared/nlu"))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
def main(data_dir: Path, out: Path | None) -> None:
    u = Understander([], semantic=False, models={})
    enc = _MemoEncoder()
    default = load_faq_toml(Path(str(resources.files("intents.data").joinpath("default_faq.toml"))))
    given = load_faq_toml(data_dir / "faq.toml")
    questions = _questions(data_dir / "dev_intents.jsonl") + [
        (d["text"], d["faq_id"]) for d in training_lines("faq_paraphrase") if d.get("faq_id")
    ]
    payload: dict[str, Any] = {"note": "written by python -m intents.train_rank; features in intents/faq_index.py"}
    for name, encoder, names in (("semantic", enc, SEMANTIC_RANK_FEATURES), ("lexical", None, LEXICAL_RANK_FEATURES)):
        a = _samples(given, u, encoder, questions)
        b = _samples(default, u, encoder, [])
        wa, wb = fit(a, len(names)), fit(b, len(names))
        click.echo(
            f"{name}: top-1 first pass / re-ranked, fit on the other FAQ: "
            f"given FAQ {top1(a, None):.3f} / {top1(a, wb):.3f}, default FAQ {top1(b, None):.3f} / {top1(b, wa):.3f}"
        )
        payload[name] = {"features": list(names), "weights": fit(a + b, len(names))}
    target = out or Path(__file__).parent / "data" / RANK_FILE
    target.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", "utf-8")
    click.echo(f"wrote {target}")


if __name__ == "__main__":
    main()
