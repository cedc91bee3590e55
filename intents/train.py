"""Fit the intent classifier's weights: `python -m intents.train --data ../shared/nlu`.

Training data: one shipped file, intents/data/training.jsonl (the dev set's labelled
messages included, set "dev"), whose `use` field says what each line teaches:
"message" lines are labelled resident messages (counted by the cross-validation),
"faq_paraphrase" lines are FAQ questions worded unlike the FAQ's own phrasings, and
"wording" lines teach only the n-gram block (intents/ngram.py): they ask about topics
this FAQ may not hold, so their wording counts and their FAQ matches would not. The
intent examples are read too, each with itself left out of the neighbours. `set` names
the batch a line came from, for leave-one-set-out measurements.

The classifier sees the n-gram block's scores out of fold (5 folds): each message
is scored by a block that never saw it, so the classifier learns how far the block
is to be trusted on new text. Prints k-fold cross-validated accuracy, then writes
intents/data/intent_model.json (both models and the n-gram block).
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import click

from intents.classifier import MODEL_FILE, SoftmaxModel, fit
from intents.examples import load_examples
from intents.faq import load_faq_toml
from intents.features import (
    EXAMPLE_INTENTS,
    LEXICAL_FEATURES,
    SEMANTIC_FEATURES,
    lexical_vector,
    semantic_vector,
)
from intents.model import INTENT_NAMES
from intents.ngram import NgramModel, fit_ngram
from intents.nudge import is_nudge
from intents.thresholds import CLASSIFIER_L2, FAQ_RESCUE_RATIO, FOLDS
from intents.training_data import training_lines
from intents.understander import Understander, with_question_prior

_NG_FIRST = LEXICAL_FEATURES.index(f"ng:{EXAMPLE_INTENTS[0]}")


@dataclass
class Row:
    text: str
    label: str
    clean: str  # normalised, typo-fixed, denials removed: what the n-gram block reads
    lexical: list[float] | None  # None: an n-gram-only line
    full: list[float] | None
    source: str  # "messages:<set>" (counted by the cross-validation), "tune", "examples", "ngram:<set>"


def build_rows(u: Understander) -> list[Row]:
    """Every training message with its evidence (the n-gram columns still empty)."""
    sources: list[tuple[str, str, str, str | None]] = []
    for d in training_lines("message"):
        sources.append((d["text"], d["intent"], f"messages:{d['set']}", None))
    for d in training_lines("faq_paraphrase"):
        sources.append((d["text"], d["intent"], "tune", None))
    for label, texts in load_examples().items():
        for text in texts:
            sources.append((text, label, "examples", text))
    out = []
    for text, label, source, exclude in sources:
        lex_ev = u.evidence(text, semantic=False)
        full_ev = u.evidence(text, semantic=True, exclude=exclude)
        out.append(Row(text, label, full_ev.text, lexical_vector(lex_ev),
                       lexical_vector(full_ev) + semantic_vector(full_ev), source))
    for d in training_lines("wording"):
        text = d["text"]
        out.append(Row(text, d["intent"], u.evidence(text, semantic=False).text, None, None, f"ngram:{d['set']}"))
    return out


def _with_ngram(vector: list[float], scores: dict[str, float]) -> list[float]:
    v = list(vector)
    v[_NG_FIRST : _NG_FIRST + len(EXAMPLE_INTENTS)] = [scores.get(i, 0.0) for i in EXAMPLE_INTENTS]
    return v


def fit_all(rows: Sequence[Row], seed: int = 3) -> tuple[dict[str, SoftmaxModel], NgramModel]:
    """The n-gram block on every row; both classifiers on out-of-fold n-gram scores."""
    labels = list(INTENT_NAMES)
    main = [r for r in rows if r.lexical is not None]
    order = list(range(len(main)))
    random.Random(seed).shuffle(order)
    oof: dict[int, dict[str, float]] = {}
    for k in range(FOLDS):
        held = {i for j, i in enumerate(order) if j % FOLDS == k}
        held_texts = {main[i].text for i in held}
        train = [r for r in rows if r.text not in held_texts]
        block = fit_ngram([r.clean for r in train], [r.label for r in train], labels)
        for i in held:
            oof[i] = block.scores(main[i].clean)
    ngram = fit_ngram([r.clean for r in rows], [r.label for r in rows], labels)
    y = [r.label for r in main]
    models = {
        "lexical": fit([_with_ngram(r.lexical or [], oof[i]) for i, r in enumerate(main)],
                       y, labels, LEXICAL_FEATURES, l2=CLASSIFIER_L2),
        "full": fit([_with_ngram(r.full or [], oof[i]) for i, r in enumerate(main)],
                    y, labels, LEXICAL_FEATURES + SEMANTIC_FEATURES, l2=CLASSIFIER_L2),
    }
    return models, ngram


def cross_validate(rows: list[Row], seed: int = 7) -> dict[str, float]:
    """k-fold over the labelled messages: block and classifiers refit without the fold."""
    main = [i for i, r in enumerate(rows) if r.lexical is not None]
    order = list(main)
    random.Random(seed).shuffle(order)
    hits = {"lexical": 0, "full": 0, "full+rescue": 0}
    n = 0
    iq, ip = LEXICAL_FEATURES.index("question"), LEXICAL_FEATURES.index("policy")
    for k in range(FOLDS):
        test = {i for j, i in enumerate(order) if j % FOLDS == k}
        models, ngram = fit_all([r for i, r in enumerate(rows) if i not in test])
        for i in test:
            r = rows[i]
            if not r.source.startswith("messages:"):
                continue
            n += 1
            scores = ngram.scores(r.clean)
            lx, full = _with_ngram(r.lexical or [], scores), _with_ngram(r.full or [], scores)
            for name, x in (("lexical", lx), ("full", full)):
                p = with_question_prior(models[name].proba(x))
                hits[name] += max(p, key=p.__getitem__) == r.label
            # the decision as shipped: a torn question goes to faq (Understander._faq_rescue)
            p = with_question_prior(models["full"].proba(full))
            best = max(p, key=p.__getitem__)
            torn = p["faq"] >= FAQ_RESCUE_RATIO * p["unknown"]
            if best == "unknown" and (full[iq] or full[ip]) and torn and not is_nudge(r.text):
                best = "faq"
            hits["full+rescue"] += best == r.label
    return {name: h / max(n, 1) for name, h in hits.items()}


@click.command()
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("../shared/nlu"))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
def main(data_dir: Path, out: Path | None) -> None:
    u = Understander(load_faq_toml(data_dir / "faq.toml"), semantic=True, models={}, ngram=None)
    rows = build_rows(u)
    cv = cross_validate(rows)
    click.echo(
        f"{FOLDS}-fold CV intent accuracy on dev messages: lexical {cv['lexical']:.3f}, "
        f"full {cv['full']:.3f}, full + FAQ rescue {cv['full+rescue']:.3f}"
    )
    models, ngram = fit_all(rows)
    target = out or Path(__file__).parent / "data" / MODEL_FILE
    payload = {
        "note": "written by python -m intents.train; features in intents/features.py",
        "cv_accuracy": cv,
        "models": {name: m.to_dict() for name, m in models.items()},
        "ngram": ngram.to_dict(),
    }
    # one line: the n-gram table is thousands of rows nobody reads in a diff
    target.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")
    click.echo(f"wrote {target}")


if __name__ == "__main__":
    main()
